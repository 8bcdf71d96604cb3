from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from messaging.models import Message
from registers.admin import (
    PersonalDataAdminMixin,
    ReadOnlyAdminMixin,
    ScopedAdmin,
    ScopedAdminMixin,
    ScopedInline,
)
from registers.autocomplete_filter import autocomplete_filter
from registers.date_range import DateRangeFilter

from . import services
from .calendar import week_calendar
from .models import (
    Booking,
    Closure,
    Docent,
    Offering,
    OpeningHours,
    PrivacyNotice,
    Venue,
    VenueSection,
    VisitRecord,
    WaitlistEntry,
)
from .resources import (
    BookingResource,
    ClosureResource,
    DocentResource,
    OfferingResource,
    OpeningHoursResource,
    VenueResource,
    VisitRecordResource,
)

# Filter by venue in a search box offering only the venues of the account's unit (``?venue=<id>``).
ScopedVenueFilter = ("venue", autocomplete_filter(parameter="venue"))


class DayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [
            ("today", _("today")),
            ("tomorrow", _("tomorrow")),
            ("week", _("next 7 days")),
            ("past", _("past")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        tz = timezone.get_current_timezone()

        def at(day):
            return datetime.combine(day, datetime.min.time(), tzinfo=tz)

        bounds = {
            "today": (at(today), at(today + timedelta(days=1))),
            "tomorrow": (at(today + timedelta(days=1)), at(today + timedelta(days=2))),
            "week": (at(today), at(today + timedelta(days=7))),
        }
        if self.value() in bounds:
            start, end = bounds[self.value()]
            return queryset.filter(slot__starts_at__gte=start, slot__starts_at__lt=end)
        if self.value() == "past":
            return queryset.filter(slot__starts_at__lt=timezone.now())
        return queryset


class BumpsVenuePage:
    """Staff edits of what the public venue page shows make its cached grid stale at once (Venue docstring)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Venue.bump_availability(obj.venue_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        Venue.bump_availability(obj.venue_id)

    def delete_queryset(self, request, queryset):
        venue_ids = set(queryset.values_list("venue_id", flat=True))
        super().delete_queryset(request, queryset)
        for venue_id in venue_ids:
            Venue.bump_availability(venue_id)


class VenueSectionInline(ScopedInline):
    model = VenueSection
    fields = ["position", "title", "description"]


class OfferingInline(ScopedInline):
    model = Offering
    fields = ["position", "name", "duration_minutes", "max_group_size", "description"]


class OpeningHoursInline(ScopedInline):
    model = OpeningHours
    fields = ["weekday", "opens", "closes"]


class ClosureInline(ScopedInline):
    model = Closure
    fields = ["starts_on", "ends_on", "reason"]


@admin.register(Venue)
class VenueAdmin(ScopedAdmin):
    resource_classes = [VenueResource]
    list_display = [
        "name",
        "kind",
        "community",
        "capacity",
        "slot_minutes",
        "public_bookable",
        "needs_approval",
        "calendar_link",
        "check_in_link",
    ]
    list_select_related = ["community"]
    list_filter = ["kind", "public_bookable", "needs_approval"]
    search_fields = ["name", "slug", "address"]
    autocomplete_fields = []
    inlines = [VenueSectionInline, OfferingInline, OpeningHoursInline, ClosureInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "name",
                    "slug",
                    "community",
                    "address",
                    "floor",
                    "area_m2",
                    "opened_on",
                    "description",
                ]
            },
        ),
        (
            _("For visitors, before they book"),
            {
                "fields": [
                    "phone",
                    ("latitude", "longitude"),
                    "directions",
                    "rules",
                    "what_to_bring",
                    ("wheelchair_access", "lift"),
                    "accessibility_notes",
                ]
            },
        ),
        (
            _("Bookings"),
            {
                "fields": [
                    "public_bookable",
                    "needs_approval",
                    "capacity",
                    "slot_minutes",
                    "booking_window_days",
                    "min_notice_hours",
                ]
            },
        ),
    ]

    @admin.display(description=_("week calendar"))
    def calendar_link(self, venue):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:venues_venue_week", args=[venue.pk]), _("week")
        )

    @admin.display(description=_("check-in at the door"))
    def check_in_link(self, venue):
        return format_html(
            '<a href="{}">{}</a>', reverse("venues:check_in", args=[venue.slug]), _("check in")
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/week/", self.admin_site.admin_view(self.week_view), name="venues_venue_week"
            ),
            *super().get_urls(),
        ]

    def week_view(self, request, object_id):
        venue = self.get_object(request, object_id)  # 404 outside the account's unit
        if not self.has_view_permission(request, venue):
            raise PermissionDenied
        start = parse_date(request.GET.get("week", "") or "") or timezone.localdate()
        calendar = week_calendar(venue, start)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "venue": venue,
            "calendar": calendar,
            "title": _("Week calendar: %(venue)s") % {"venue": venue.name},
            "booking_changelist": reverse("admin:venues_booking_changelist"),
        }
        return TemplateResponse(request, "admin/venues/venue_week.html", context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        Venue.bump_availability(form.instance.pk)  # sections, menu, hours, closures may have changed

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            services.venue_capacity_changed(obj, by=request.user)


@admin.register(Docent)
class DocentAdmin(ScopedAdmin):
    resource_classes = [DocentResource]
    list_display = ["person", "community", "is_volunteer", "topics", "active"]
    list_select_related = ["person", "community"]
    list_filter = ["is_volunteer", "active"]
    search_fields = ["person__name", "topics"]
    autocomplete_fields = ["person", "venues"]


class BookingVisitInline(ScopedInline):
    model = VisitRecord
    fields = ["visited_on", "visitors", "docent", "note"]
    readonly_fields = ["visited_on"]
    can_delete = False
    max_num = 1
    verbose_name = _("visit record (how many came)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(ScopedAdmin):
    resource_classes = [BookingResource]
    list_display = ["reference", "venue", "starts_at", "visitor", "size", "status", "docent", "contact_phone"]
    list_select_related = ["venue", "slot", "docent__person"]
    list_filter = [
        "status",
        ScopedVenueFilter,
        DayFilter,
        ("slot__starts_at", DateRangeFilter),
        "visitor_kind",
    ]
    search_fields = ["reference", "organisation", "contact_name"]
    autocomplete_fields = ["docent"]
    date_hierarchy = "slot__starts_at"
    ordering = ["slot__starts_at", "pk"]
    actions = ["approve", "reject", "complete", "mark_no_show"]
    inlines = [BookingVisitInline]
    personal_columns = {"contact_phone": "phone"}
    fields = [
        "reference",
        "venue",
        "starts_at",
        "status",
        "reject_reason",
        "offering",
        "visitor_kind",
        "organisation",
        "size",
        "contact_name",
        "contact_phone",
        "purpose",
        "docent",
        "created_at",
        "decided_at",
        "messages_sent",
    ]
    readonly_fields = [
        "reference",
        "venue",
        "starts_at",
        "status",
        "reject_reason",
        "offering",
        "visitor_kind",
        "organisation",
        "size",
        "contact_name",
        "contact_phone",
        "purpose",
        "created_at",
        "decided_at",
        "messages_sent",
    ]

    @admin.display(description=_("messages to the visitor"))
    def messages_sent(self, booking):
        """What the visitor was told, when, and how it went (the provider's error for a failed one)."""
        sent = Message.objects.filter(about=f"booking:{booking.pk}").order_by("created_at", "pk")
        return (
            format_html_join(
                mark_safe("<br>"),
                "{} · {} · {} {}",
                (
                    (
                        timezone.localtime(m.sent_at or m.created_at).strftime("%Y-%m-%d %H:%M"),
                        m.title,
                        m.get_status_display(),
                        m.error,
                    )
                    for m in sent
                ),
            )
            or "—"
        )

    # The booking's own page offers the list's actions for this one booking (services.booking_decisions says
    # which its status and time allow); each runs the same action method, hence the same service.
    DECISION_ACTIONS = {
        "approve": "approve",
        "reject": "reject",
        "complete": "complete",
        "no_show": "mark_no_show",
    }
    DECISION_LABELS = {
        "approve": _("Approve"),
        "reject": _("Reject (with a reason)"),
        "complete": _("Visit completed (enter how many came)"),
        "no_show": _("Did not come (no-show)"),
    }

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decide/<slug:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="venues_booking_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, object_id, decision):
        booking = self.get_object(request, object_id)  # 404 outside the account's unit
        if decision not in self.DECISION_ACTIONS:
            raise Http404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, booking):
            raise PermissionDenied
        action = getattr(self, self.DECISION_ACTIONS[decision])
        response = action(request, self.get_queryset(request).filter(pk=booking.pk))
        if response is not None and not isinstance(response, HttpResponseRedirect):
            return response  # the reason to give, or how many came
        return HttpResponseRedirect(reverse("admin:venues_booking_change", args=[booking.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        decisions = []
        if obj is not None and self.has_change_permission(request, obj):
            decisions = [
                {
                    "name": decision,
                    "label": self.DECISION_LABELS[decision],
                    "url": reverse("admin:venues_booking_decide", args=[obj.pk, decision]),
                }
                for decision in services.booking_decisions(obj)
            ]
        context["booking_decisions"] = decisions
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_add_permission(self, request):
        # Bookings come through the public form, which takes the slot's places; walk-ins go to the register.
        return False

    def has_import_permission(self, request):
        return False

    @admin.display(description=_("time"), ordering="slot__starts_at")
    def starts_at(self, booking):
        return timezone.localtime(booking.slot.starts_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("visitor"))
    def visitor(self, booking):
        return booking.visitor_label

    @admin.display(description=_("phone"))
    def contact_phone(self, booking):
        return self.shown(booking, "contact_phone")

    def _apply(self, request, queryset, service, done_message, **kwargs):
        done = skipped = 0
        for booking in queryset.select_related("slot"):
            try:
                changed = service(booking, by=request.user, **kwargs)
            except services.BookingError as error:
                self.message_user(request, f"{booking.reference}: {error.message}", messages.WARNING)
                continue
            done += bool(changed)
            skipped += not changed
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d booking was not in a state that allows this and was left unchanged.",
                    "%(count)d bookings were not in a state that allows this and were left unchanged.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Approve the selected bookings"), permissions=["change"])
    def approve(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.booking_approve,
            lambda n: (
                ngettext("%(count)d booking approved.", "%(count)d bookings approved.", n) % {"count": n}
            ),
        )

    @admin.action(description=_("Reject the selected bookings (with a reason)"), permissions=["change"])
    def reject(self, request, queryset):
        reason = (request.POST.get("reason") or "").strip()
        if "apply" in request.POST and reason:
            self._apply(
                request,
                queryset,
                services.booking_reject,
                lambda n: (
                    ngettext("%(count)d booking rejected.", "%(count)d bookings rejected.", n) % {"count": n}
                ),
                reason=reason,
            )
            return HttpResponseRedirect(request.get_full_path())
        return render(
            request,
            "admin/venues/booking_reject.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Reject bookings"),
                "bookings": queryset.select_related("venue", "slot"),
                "missing_reason": "apply" in request.POST and not reason,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(
        description=_("Mark the selected visits as completed (enter how many came)"), permissions=["change"]
    )
    def complete(self, request, queryset):
        bookings = list(queryset.select_related("venue", "slot"))
        if "apply" in request.POST:
            errors = {}
            counts = {}
            for booking in bookings:
                raw = (request.POST.get(f"visitors_{booking.pk}") or "").strip()
                if not raw.isdigit() or int(raw) < 1:
                    errors[booking.pk] = _("Enter how many visitors came (at least 1).")
                else:
                    counts[booking.pk] = int(raw)
            if not errors:
                done = skipped = 0
                for booking in bookings:
                    try:
                        changed = services.booking_complete(
                            booking, visitors=counts[booking.pk], by=request.user
                        )
                    except services.BookingError as error:
                        self.message_user(request, f"{booking.reference}: {error.message}", messages.WARNING)
                        continue
                    done += bool(changed)
                    skipped += not changed
                if done:
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d visit completed and entered in the visit register.",
                            "%(count)d visits completed and entered in the visit register.",
                            done,
                        )
                        % {"count": done},
                        messages.SUCCESS,
                    )
                if skipped:
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d booking was not confirmed and was left unchanged.",
                            "%(count)d bookings were not confirmed and were left unchanged.",
                            skipped,
                        )
                        % {"count": skipped},
                        messages.WARNING,
                    )
                return HttpResponseRedirect(request.get_full_path())
        else:
            errors = {}
        rows = [
            {"booking": b, "error": errors.get(b.pk), "value": request.POST.get(f"visitors_{b.pk}", b.size)}
            for b in bookings
        ]
        return render(
            request,
            "admin/venues/booking_complete.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("How many came?"),
                "rows": rows,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Mark the selected visits as no-show"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.booking_no_show,
            lambda n: (
                ngettext("%(count)d booking marked as no-show.", "%(count)d bookings marked as no-show.", n)
                % {"count": n}
            ),
        )


class VisitRecordForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        venue = cleaned.get("venue") or getattr(self.instance, "venue", None)
        if venue is not None:
            # The register row belongs to the venue's community (scoping and counting filter on it).
            self.instance.community_id = venue.community_id
        return cleaned


@admin.register(VisitRecord)
class VisitRecordAdmin(ScopedAdmin):
    form = VisitRecordForm
    resource_classes = [VisitRecordResource]
    list_display = ["visited_on", "venue", "visitors", "organisation", "source", "docent"]
    list_select_related = ["venue", "booking", "docent__person"]
    list_filter = [("visited_on", DateRangeFilter), ScopedVenueFilter]
    search_fields = ["organisation", "note", "booking__reference"]
    autocomplete_fields = ["venue", "docent"]
    date_hierarchy = "visited_on"
    fields = ["venue", "visited_on", "visitors", "organisation", "docent", "note", "booking"]
    readonly_fields = ["booking"]

    @admin.display(description=_("source"))
    def source(self, record):
        return record.booking.reference if record.booking_id else _("walk-in")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.booking_id:
            # A booked visit stays at its venue and date; only how many came (and notes) change.
            return ["venue", "visited_on", "organisation", "booking"]
        return self.readonly_fields


@admin.register(Offering)
class OfferingAdmin(BumpsVenuePage, ScopedAdmin):
    resource_classes = [OfferingResource]
    list_display = ["name", "venue", "duration_minutes", "max_group_size", "position"]
    list_select_related = ["venue"]
    list_filter = [ScopedVenueFilter]
    search_fields = ["name", "venue__name"]
    autocomplete_fields = ["venue"]


@admin.register(OpeningHours)
class OpeningHoursAdmin(BumpsVenuePage, ScopedAdmin):
    resource_classes = [OpeningHoursResource]
    list_display = ["venue", "weekday", "opens", "closes"]
    list_select_related = ["venue"]
    list_filter = [ScopedVenueFilter, "weekday"]
    search_fields = ["venue__name"]
    autocomplete_fields = ["venue"]


@admin.register(Closure)
class ClosureAdmin(BumpsVenuePage, ScopedAdmin):
    resource_classes = [ClosureResource]
    list_display = ["venue", "starts_on", "ends_on", "reason"]
    list_select_related = ["venue"]
    list_filter = [ScopedVenueFilter]
    search_fields = ["venue__name", "reason"]
    autocomplete_fields = ["venue"]
    date_hierarchy = "starts_on"


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdminMixin, PersonalDataAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The waitlists of full slots: who waits, who holds an offer until when (written by the public pages)."""

    list_display = ["slot", "venue", "size", "contact_name", "phone", "status", "offered_until", "created_at"]
    list_filter = ["status", "venue"]
    list_select_related = ["slot", "venue"]
    fields = list_display + ["booking"]
    readonly_fields = fields


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """The booking form's privacy notice. Saving a change publishes a new version; the old one stays, with
    the bookings that accepted it, and is never deleted."""

    list_display = ["version", "published_at", "excerpt"]
    fields = ["text"]
    readonly_fields = []

    @admin.display(description=_("text"))
    def excerpt(self, notice):
        return notice.text[:60]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        latest = PrivacyNotice.objects.order_by("-version").values_list("version", flat=True).first() or 0
        obj.pk = None  # a change is a new version
        obj.version = latest + 1
        obj.save()
        self.message_user(
            request, _("Published as version %(version)s: new bookings accept it.") % {"version": obj.version}
        )
