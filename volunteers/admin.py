from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communities.models import Person
from registers.admin import ScopedAdmin, ScopedInline
from registers.attachments import AttachmentInline
from registers.date_range import DateRangeFilter
from registers.periods import month_bounds
from registers.personal_data import can_see_sensitive
from registers.units import COMMUNITY, level_of, unit_of

from . import certificate_pdf
from .forms import (
    CareRecipientAdminForm,
    CertificateIssueForm,
    CertificateRevokeForm,
    HomeVisitAdminForm,
    IssuingOfficeAdminForm,
    ServiceRecordAdminForm,
)
from .models import (
    CareRecipient,
    Certificate,
    CertificateRequest,
    Commendation,
    Evaluation,
    HomeVisit,
    IssuingOffice,
    Membership,
    Recruitment,
    ServiceRecord,
    SignUp,
    Training,
    VolunteerTeam,
)
from .resources import CareRecipientResource, HomeVisitResource, ServiceRecordResource, VolunteerTeamResource
from .services import (
    CertificateRefused,
    certificate_draft,
    confirm_records,
    issue_certificate,
    sync_visit_records,
)


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A related-field filter listing only the records the account may see (not every unit's names)."""

    def field_choices(self, field, request, model_admin):
        queryset = field.related_model.objects.for_user(request.user)
        return [(obj.pk, str(obj)) for obj in queryset]


class DueFilter(admin.SimpleListFilter):
    """Recipients due a visit: active and not visited within their frequency (see CareRecipient.due_in)."""

    title = _("visit due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("this_month", _("due this month")), ("last_month", _("due last month"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "this_month":
            return queryset.due_in(today, today=today)
        if self.value() == "last_month":
            first, _last = month_bounds(today)
            return queryset.due_in(first - timezone.timedelta(days=1), today=today)
        return queryset


class MembershipInline(ScopedInline):
    model = Membership
    autocomplete_fields = ["person"]
    fields = ["person", "role", "joined_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(ScopedAdmin):
    resource_classes = [VolunteerTeamResource]
    list_display = [
        "name",
        "community",
        "service_area",
        "is_party_member_team",
        "leader",
        "founded_on",
        "member_count",
    ]
    list_select_related = ["community", "leader"]
    search_fields = ["name", "community__name"]
    list_filter = [
        "is_party_member_team",
        "service_area",
        ("community", ScopedRelatedFilter),
    ]
    autocomplete_fields = ["leader"]
    date_hierarchy = "founded_on"
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, team):
        return team.member_count


@admin.register(CareRecipient)
class CareRecipientAdmin(ScopedAdmin):
    resource_classes = [CareRecipientResource]
    # The import/export list with the printable due list added (for every account that may see the list).
    import_export_change_list_template = "admin/volunteers/carerecipient/change_list.html"
    form = CareRecipientAdminForm
    list_display = [
        "name",
        "community",
        "phone",
        "categories_list",
        "frequency_label",
        "assigned_team",
        "last_visit",
        "active",
    ]
    list_select_related = ["person", "community", "assigned_team"]
    search_fields = ["person__name"]
    list_filter = [
        DueFilter,
        "active",
        "frequency_unit",
        ("assigned_team", ScopedRelatedFilter),
        ("community", ScopedRelatedFilter),
        "categories",
    ]
    autocomplete_fields = ["person", "assigned_team", "assigned_volunteers"]
    readonly_fields = ["phone"]
    # The recipient's phone is their person's; the categories list shows the (hidden) categories.
    personal_columns = {"phone": "person__phone", "categories_list": "categories"}
    fieldsets = [
        (None, {"fields": ["person", "phone", "categories", "health_notes"]}),
        (_("address"), {"fields": ["courtyard", ("building", "entrance", "room")]}),
        (
            _("arrangements"),
            {
                "fields": [
                    "frequency",
                    "frequency_unit",
                    "since",
                    "assigned_team",
                    "assigned_volunteers",
                    "usual_day",
                    "usual_services",
                ]
            },
        ),
        (_("status"), {"fields": ["active", "inactive_reason"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).with_last_visit()
        if can_see_sensitive(request.user):
            queryset = queryset.prefetch_related("categories")
        return queryset

    @admin.display(description=_("name"), ordering="person__name")
    def name(self, recipient):
        return recipient.person.name

    @admin.display(description=_("phone"))
    def phone(self, recipient):
        return self.shown(recipient, "phone") if recipient is not None and recipient.pk else ""

    @admin.display(description=_("care categories"))
    def categories_list(self, recipient):
        return "、".join(str(category) for category in recipient.categories.all())

    @admin.display(description=_("frequency"))
    def frequency_label(self, recipient):
        return recipient.frequency_display()

    @admin.display(description=_("last visit"), ordering="last_visit_on")
    def last_visit(self, recipient):
        return recipient.last_visit_on


@admin.register(HomeVisit)
class HomeVisitAdmin(ScopedAdmin):
    resource_classes = [HomeVisitResource]
    # The import/export list with the service records page added.
    import_export_change_list_template = "admin/volunteers/homevisit/change_list.html"
    form = HomeVisitAdminForm
    inlines = [AttachmentInline]
    list_display = [
        "visited_on",
        "recipient",
        "community",
        "team",
        "volunteer_names",
        "minutes",
        "service_list",
    ]
    list_select_related = ["recipient__person", "community", "team"]
    search_fields = ["recipient__person__name", "team__name"]
    # A date filter rather than date_hierarchy: the hierarchy's "which years" query reads every visit of
    # the unit on each page view (1.5 s for a district of 1.25 million visits).
    list_filter = [
        ("visited_on", DateRangeFilter),
        ("team", ScopedRelatedFilter),
        ("community", ScopedRelatedFilter),
        "services",
    ]
    autocomplete_fields = ["recipient", "team", "volunteers"]
    exclude = ["community"]

    class Media:
        # Choosing the recipient fills in their team, volunteers and usual services (双上门、五确定).
        js = ["volunteers/home_visit.js"]
        # The list at 1366 px: names on one line, lists of names wrapping between names only.
        css = {"all": ["volunteers/lists.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("volunteers", "services")

    def get_search_results(self, request, queryset, search_term):
        """By the recipient's or a volunteer's name, or the team's (HomeVisitQuerySet.naming): each word
        typed narrows the list, as in Django's own search, and no visit is listed twice."""
        people, teams = Person.objects.for_user(request.user), VolunteerTeam.objects.for_user(request.user)
        for word in smart_split(search_term):
            word = unescape_string_literal(word) if word[0] in "\"'" and word[-1] == word[0] else word
            if word.strip():
                queryset = queryset.naming(word.strip(), people=people, teams=teams)
        return queryset, False

    def get_urls(self):
        view = self.admin_site.admin_view(self.arrangements_view)
        return [
            path("arrangements/", view, name="volunteers_homevisit_arrangements"),
            *super().get_urls(),
        ]

    def get_changeform_initial_data(self, request):
        # A routine visit is entered the day it happens.
        return {"visited_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "recipient" and field is not None:
            field.widget.attrs["data-arrangements-url"] = reverse("admin:volunteers_homevisit_arrangements")
        return field

    def arrangements_view(self, request):
        """The fixed arrangements of one recipient (team, volunteers, usual services) and the length of
        their last visit, for the visit form to fill in: 404 for a recipient outside the account's unit."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        recipient_id = request.GET.get("recipient", "")
        if not recipient_id.isdigit():
            raise Http404
        recipient = get_object_or_404(
            CareRecipient.objects.for_user(request.user).select_related("assigned_team"), pk=recipient_id
        )
        volunteers = recipient.assigned_volunteers.select_related(*Person.choice_label_related)
        team = recipient.assigned_team
        last = recipient.visits.order_by("-visited_on", "-pk").values_list("minutes", flat=True).first()
        return JsonResponse(
            {
                "team": {"id": team.pk, "text": str(team)} if team else None,
                "volunteers": [{"id": p.pk, "text": p.choice_label()} for p in volunteers],
                "services": list(recipient.usual_services.values_list("pk", flat=True)),
                "minutes": last,
            }
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_visit_records([form.instance.pk])

    @admin.display(description=_("volunteers"))
    def volunteer_names(self, visit):
        return format_html_join(
            "、", '<span class="name">{}</span>', ((p.name,) for p in visit.volunteers.all())
        )

    @admin.display(description=_("services"))
    def service_list(self, visit):
        listed = format_html_join(
            "、", '<span class="name">{}</span>', ((str(s),) for s in visit.services.all())
        )
        if visit.other_services:  # free text: wraps where it must
            return format_html("{}、{}", listed, visit.other_services) if listed else visit.other_services
        return listed

    def get_list_display(self, request):
        # A community's staff see their own community only: its column would only narrow the others.
        columns = super().get_list_display(request)
        unit = unit_of(request.user)
        if unit is not None and level_of(unit) == COMMUNITY:
            columns = [c for c in columns if c != "community"]
        return columns


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("no", _("waiting for confirmation")), ("yes", _("confirmed"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        return queryset


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ScopedAdmin):
    """Every service of every volunteer. A home visit's records follow the visit (edit the visit); staff enter
    activity, duty and other service here, as the organiser or back-filled with the reason, and confirm the
    hours volunteers recorded by checking in and out."""

    resource_classes = [ServiceRecordResource]
    form = ServiceRecordAdminForm
    list_display = [
        "served_on",
        "volunteer",
        "kind",
        "what",
        "community",
        "team",
        "hours_shown",
        "recorded_shown",
        "confirmation",
    ]
    list_select_related = ["volunteer", "community", "team", "activity"]
    search_fields = ["volunteer__name", "content", "place"]
    list_filter = [
        ConfirmedFilter,
        "kind",
        "recorded",
        ("served_on", DateRangeFilter),
        ("team", ScopedRelatedFilter),
        ("community", ScopedRelatedFilter),
    ]
    autocomplete_fields = ["volunteer", "team", "activity"]
    actions = ["confirm_selected"]
    fields = ServiceRecordAdminForm.Meta.fields
    readonly_fields = ["confirmed_at", "confirmed_by", "home_visit"]

    def has_import_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # A visit's records are the visit's: they change with it.
        if obj is not None and obj.home_visit_id:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.home_visit_id:
            return False
        return super().has_delete_permission(request, obj)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.home_visit_id:
            return ["volunteer", "community", "team", "home_visit", "served_on", "minutes", "place"] + [
                "recorded",
                "confirmed_at",
                "confirmed_by",
            ]
        if obj is not None:
            return [*self.fields, "confirmed_at", "confirmed_by"]
        return self.fields

    def save_model(self, request, obj, form, change):
        # The staff who enter a record are its organiser: what they enter counts at once.
        if not change and obj.confirmed_at is None:
            obj.confirmed_at, obj.confirmed_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Confirm the selected records' hours"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        confirmed = confirm_records(queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(n)d record confirmed.", "%(n)d records confirmed.", confirmed) % {"n": confirmed},
            messages.SUCCESS,
        )

    @admin.display(description=_("service"))
    def what(self, record):
        return record.description

    @admin.display(description=_("hours"), ordering="minutes")
    def hours_shown(self, record):
        return record.hours

    @admin.display(description=_("how recorded"), ordering="recorded")
    def recorded_shown(self, record):
        if record.recorded == ServiceRecord.Recorded.BACKFILLED:
            return format_html(
                '<span class="backfilled" title="{}">{}</span>', record.backfill_reason, _("back-filled")
            )
        return record.get_recorded_display()

    @admin.display(description=_("confirmed"), ordering="confirmed_at")
    def confirmation(self, record):
        if record.confirmed_at is None:
            return _("waiting for confirmation")
        return date_format(timezone.localtime(record.confirmed_at), "SHORT_DATE_FORMAT")


class VolunteerRecordAdmin(ScopedAdmin):
    """Training, commendations, evaluations: a part of a volunteer's record each, entered by staff."""

    autocomplete_fields = ["volunteer"]
    search_fields = ["volunteer__name"]
    list_filter = [("community", ScopedRelatedFilter)]

    def has_import_permission(self, request):
        return False


@admin.register(Training)
class TrainingAdmin(VolunteerRecordAdmin):
    list_display = ["held_on", "volunteer", "course", "hours", "organiser", "community"]
    list_select_related = ["volunteer", "community"]
    search_fields = ["volunteer__name", "course"]
    list_filter = [("held_on", DateRangeFilter), ("community", ScopedRelatedFilter)]
    date_hierarchy = "held_on"


@admin.register(Commendation)
class CommendationAdmin(VolunteerRecordAdmin):
    list_display = ["awarded_on", "volunteer", "title", "awarded_by", "community"]
    list_select_related = ["volunteer", "community"]
    search_fields = ["volunteer__name", "title"]
    list_filter = [("awarded_on", DateRangeFilter), ("community", ScopedRelatedFilter)]
    date_hierarchy = "awarded_on"


@admin.register(Evaluation)
class EvaluationAdmin(VolunteerRecordAdmin):
    list_display = ["evaluated_on", "volunteer", "by", "rating", "note", "community"]
    list_select_related = ["volunteer", "community"]
    list_filter = ["by", "rating", ("community", ScopedRelatedFilter)]
    autocomplete_fields = ["volunteer", "service_record"]


@admin.register(IssuingOffice)
class IssuingOfficeAdmin(ScopedAdmin):
    """Who issues certificates: the organisation's name as on its seal, its code, person in charge, contact,
    seal image."""

    form = IssuingOfficeAdminForm
    list_display = ["name", "code", "subdistrict", "community", "person_in_charge", "contact", "has_seal"]
    list_select_related = ["subdistrict", "community"]
    search_fields = ["name", "code"]

    def has_import_permission(self, request):
        return False

    @admin.display(description=_("seal image"), boolean=True)
    def has_seal(self, office):
        return bool(office.seal)


class InPublicationFilter(admin.SimpleListFilter):
    title = _("publication")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("now", _("in publication (issued in the last 7 days)"))]

    def queryset(self, request, queryset):
        if self.value() == "now":
            return queryset.in_publication()
        return queryset


@admin.register(Certificate)
class CertificateAdmin(ScopedAdmin):
    """The issuance register (证明出具登记): every certificate with its number, never deleted; issued from
    confirmed hours on the issue page, downloaded as PDF, revoked with a reason."""

    list_display = [
        "number",
        "volunteer",
        "hours",
        "period",
        "office",
        "issued_at",
        "issued_by",
        "status",
        "pdf_link",
    ]
    list_select_related = ["volunteer", "office", "issued_by"]
    search_fields = ["number", "volunteer__name"]
    list_filter = [InPublicationFilter, ("issued_at", DateRangeFilter)]
    readonly_fields = [
        "number",
        "office",
        "volunteer",
        "period_start",
        "period_end",
        "hours",
        "backfilled_hours",
        "services",
        "content",
        "person_in_charge",
        "handler",
        "contact",
        "notes",
        "issued_at",
        "issued_by",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    ]
    fields = readonly_fields

    def has_import_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the register keeps every number, revoked ones included

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:volunteers_certificate_issue")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("issue/", view(self.issue_view), name="volunteers_certificate_issue"),
            path("<int:object_id>/pdf/", view(self.pdf_view), name="volunteers_certificate_pdf"),
            path("<int:object_id>/revoke/", view(self.revoke_view), name="volunteers_certificate_revoke"),
            *super().get_urls(),
        ]

    def issue_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CertificateIssueForm(
            request.POST or None,
            user=request.user,
            admin_site=self.admin_site,
            initial=self._issue_initial(request),
        )
        draft = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if "issue" in request.POST:
                try:
                    certificate = issue_certificate(
                        office=data["office"],
                        volunteer=data["volunteer"],
                        start=data["start"],
                        end=data["end"],
                        handler=data["handler"],
                        notes=data["notes"],
                        by=request.user,
                    )
                except CertificateRefused as refusal:
                    form.add_error(None, str(refusal))
                else:
                    self.message_user(
                        request,
                        _("Certificate %(number)s issued: download it as PDF, print, sign and seal it.")
                        % {"number": certificate.number},
                        messages.SUCCESS,
                    )
                    return redirect("admin:volunteers_certificate_change", certificate.pk)
            else:
                draft = certificate_draft(
                    office=data["office"], volunteer=data["volunteer"], start=data["start"], end=data["end"]
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Issue a volunteer service certificate"),
            "form": form,
            "draft": draft,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/volunteers/certificate/issue.html", context)

    def _issue_initial(self, request) -> dict:
        today = timezone.localdate()
        offices = list(IssuingOffice.objects.for_user(request.user)[:2])
        return {
            "office": offices[0].pk if len(offices) == 1 else None,
            "start": today.replace(month=1, day=1),
            "end": today,
            "handler": request.user.get_full_name() or request.user.username,
            "volunteer": request.GET.get("volunteer") or None,
        }

    def pdf_view(self, request, object_id):
        certificate = self.get_object(request, object_id)  # 404 outside the account's unit
        if not self.has_view_permission(request, certificate):
            raise PermissionDenied
        try:
            content = certificate_pdf.render(certificate_pdf.certificate_data(certificate))
        except certificate_pdf.FontMissing:
            self.message_user(
                request,
                _("The certificate's Chinese font is not installed on the server: ask the administrator."),
                messages.ERROR,
            )
            return redirect("admin:volunteers_certificate_change", certificate.pk)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            False, f"{_('volunteer service certificate')}_{certificate.number}.pdf"
        )
        return response

    def revoke_view(self, request, object_id):
        certificate = self.get_object(request, object_id)
        if not self.has_change_permission(request, certificate):
            raise PermissionDenied
        form = CertificateRevokeForm(request.POST or None)
        if certificate.is_revoked:
            form = None
        elif request.method == "POST" and form.is_valid():
            certificate.revoke(by=request.user, reason=form.cleaned_data["reason"])
            self.message_user(
                request,
                _("Certificate %(number)s revoked.") % {"number": certificate.number},
                messages.SUCCESS,
            )
            return redirect("admin:volunteers_certificate_change", certificate.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Revoke certificate %(number)s") % {"number": certificate.number},
            "certificate": certificate,
            "form": form,
        }
        return TemplateResponse(request, "admin/volunteers/certificate/revoke.html", context)

    @admin.display(description=_("service period"))
    def period(self, certificate):
        return f"{certificate.period_start:%Y-%m-%d} – {certificate.period_end:%Y-%m-%d}"

    @admin.display(description=_("status"), ordering="revoked_at")
    def status(self, certificate):
        if certificate.revoked_at:
            return format_html('<span title="{}">{}</span>', certificate.revoke_reason, _("revoked"))
        return _("valid")

    @admin.display(description=_("PDF"))
    def pdf_link(self, certificate):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:volunteers_certificate_pdf", args=[certificate.pk]),
            _("download"),
        )


class SignUpInline(ScopedInline):
    model = SignUp
    fields = ["volunteer", "status", "created_at", "cancelled_at"]
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("volunteer")


@admin.register(Recruitment)
class RecruitmentAdmin(ScopedAdmin):
    """An activity's call for volunteers; its public page, the check-in code and the attendance list."""

    list_display = [
        "activity",
        "starts",
        "community",
        "needed",
        "signed_up",
        "signup_deadline",
        "published",
        "links",
    ]
    list_select_related = ["activity", "community"]
    search_fields = ["activity__title"]
    list_filter = ["published", ("community", ScopedRelatedFilter)]
    autocomplete_fields = ["activity"]
    fields = ["activity", "needed", "tasks", "skills", "risks", "signup_deadline", "published"]
    inlines = [SignUpInline]

    def has_import_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(signed_up_count=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.CONFIRMED)))
        )

    @admin.display(description=_("start"), ordering="activity__start")
    def starts(self, recruitment):
        return date_format(timezone.localtime(recruitment.activity.start), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("signed up"), ordering="signed_up_count")
    def signed_up(self, recruitment):
        return recruitment.signed_up_count

    @admin.display(description=_("pages"))
    def links(self, recruitment):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("volunteer:activity", args=[recruitment.pk]),
            _("public page"),
            reverse("volunteer:organiser_code", args=[recruitment.pk]),
            _("check-in code"),
            reverse("volunteer:attendance", args=[recruitment.pk]),
            _("attendance"),
        )


@admin.register(CertificateRequest)
class CertificateRequestAdmin(ScopedAdmin):
    list_display = [
        "requested_at",
        "volunteer",
        "community",
        "purpose",
        "certificate",
        "answer",
        "issue_link",
    ]
    list_select_related = ["volunteer", "community", "certificate"]
    search_fields = ["volunteer__name"]
    fields = ["volunteer", "community", "purpose", "requested_at", "certificate", "answer"]
    readonly_fields = ["volunteer", "community", "purpose", "requested_at"]
    autocomplete_fields = ["certificate"]

    def has_import_permission(self, request):
        return False

    def has_add_permission(self, request):
        return False  # volunteers ask from their record page

    @admin.display(description=_("issue"))
    def issue_link(self, request_):
        if request_.certificate_id:
            return ""
        return format_html(
            '<a href="{}?volunteer={}">{}</a>',
            reverse("admin:volunteers_certificate_issue"),
            request_.volunteer_id,
            _("issue a certificate"),
        )
