"""Daily entry of the activity log, programmes with their yearly cycle, the lecturer pool."""

import datetime
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Func, IntegerField, Max, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from registers.admin import ReadOnlyAdminMixin, ScopedAdmin, ScopedAdminMixin, ScopedInline
from registers.attachments import AttachmentInline
from registers.autocomplete_filter import autocomplete_filter
from registers.date_range import DateRangeFilter
from registers.units import COMMUNITY, level_of, unit_of

from .imports import UndoRefused, undo_import
from .models import (
    Activity,
    ActivityQuerySet,
    ActivityType,
    ImportLog,
    Lecturer,
    Programme,
    ProgrammeYear,
    period_bounds,
)
from .resources import (
    ActivityResource,
    ActivityTypeResource,
    LecturerResource,
    ProgrammeResource,
    ProgrammeYearResource,
)

OUTSIDE_UNIT = _("This record is not in your unit (or no longer exists); choose one of your own unit.")


class CommunityChoicesMixin:
    """A community outside the account's unit is refused with a sentence, not "select a valid choice"."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Community:
            field.error_messages["invalid_choice"] = OUTSIDE_UNIT
        return field


class ExportOnlyMixin:
    """Exported like every register; entered in the admin, not imported (the activity sheet is the import)."""

    def has_import_permission(self, request):
        return False


# --- list filters that list only the account's own records ---------------------------------------


# Type, community and programme in search boxes offering only the account's own (``?community=<id>``): a
# province has thousands of each.
TypeFilter = ("type", autocomplete_filter(parameter="type"))
CommunityFilter = ("community", autocomplete_filter(parameter="community"))
ProgrammeFilter = ("programme", autocomplete_filter(parameter="programme"))


class KindFilter(admin.SimpleListFilter):
    # With a context: the communities' catalogue translates a bare "kind" as 类型, the type filter's title.
    title = pgettext_lazy("activity", "kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return ActivityType.Kind.choices

    def queryset(self, request, queryset):
        if self.value() in ActivityType.Kind.values:
            return queryset.filter(type__kind=self.value())
        return queryset


class ImportFilter(admin.SimpleListFilter):
    """The activities one import brought in: the account's latest imports are offered, and the import's
    page links here for any other."""

    title = _("import")
    parameter_name = "import"
    LATEST = 10

    def lookups(self, request, model_admin):
        logs = ImportLog.objects.for_user(request.user).filter(undone_at__isnull=True, created__gt=0)
        wanted = self.value()
        choices = [(str(log.pk), str(log)) for log in logs.select_related("user")[: self.LATEST]]
        if wanted and wanted.isdigit() and wanted not in dict(choices):
            chosen = logs.select_related("user").filter(pk=int(wanted)).first()
            if chosen is not None:
                choices.append((wanted, str(chosen)))
        return choices

    def queryset(self, request, queryset):
        wanted = self.value()
        if not wanted:
            return queryset
        if not wanted.isdigit():
            return queryset.none()
        return queryset.filter(import_log_id=int(wanted))


# --- activity types --------------------------------------------------------------------------------


@admin.register(ActivityType)
class ActivityTypeAdmin(ExportOnlyMixin, ScopedAdmin):
    resource_classes = [ActivityTypeResource]
    list_display = ["name", "kind", "subdistrict"]
    list_filter = ["kind"]
    list_select_related = ["subdistrict"]
    search_fields = ["name"]
    autocomplete_fields = []

    def has_change_permission(self, request, obj=None):
        # The shared types belong to everybody: only a superuser changes them.
        if obj is not None and obj.subdistrict_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.subdistrict_id is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        user = request.user

        class TypeForm(form):
            def clean(self):
                cleaned = super().clean()
                if not user.is_superuser and not cleaned.get("subdistrict") and "subdistrict" in self.fields:
                    raise ValidationError(
                        {"subdistrict": gettext("Choose your office: its own types belong to it.")}
                    )
                return cleaned

        return TypeForm


# --- programmes and their years ------------------------------------------------------------------


class ProgrammeYearInline(ScopedInline):
    model = ProgrammeYear
    fields = [
        "year",
        "target_activities",
        "target_participants",
        "activities_done",
        "participants_done",
        "q1_progress",
        "q2_progress",
        "q3_progress",
        "q4_progress",
        "mid_year_note",
        "score",
        "assessment",
    ]
    readonly_fields = ["activities_done", "participants_done"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    @admin.display(description=_("activities so far"))
    def activities_done(self, obj):
        return getattr(obj, "activities_done", "-")

    @admin.display(description=_("participants so far"))
    def participants_done(self, obj):
        return getattr(obj, "participants_done", "-")


def _check_programme_unit(user, cleaned):
    """Community staff run their own community's programmes, not the whole office's."""
    unit = unit_of(user)
    if unit is not None and level_of(unit) == COMMUNITY and cleaned.get("community") != unit:
        raise ValidationError({"community": gettext("Choose your own community: %(c)s.") % {"c": unit}})


@admin.register(Programme)
class ProgrammeAdmin(ExportOnlyMixin, CommunityChoicesMixin, ScopedAdmin):
    resource_classes = [ProgrammeResource]
    list_display = ["name", "parent", "subdistrict", "community", "led_by", "page_link"]
    list_select_related = ["parent", "subdistrict", "community"]
    list_filter = [("parent", autocomplete_filter(parameter="parent"))]
    search_fields = ["name", "community__name", "subdistrict__name", "led_by"]
    autocomplete_fields = ["parent"]
    inlines = [ProgrammeYearInline]

    @admin.display(description=_("progress"))
    def page_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("activities:programme", args=[obj.pk]),
            gettext("targets and progress"),
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        user = request.user

        class ProgrammeForm(form):
            def clean(self):
                cleaned = super().clean()
                _check_programme_unit(user, cleaned)
                return cleaned

        return ProgrammeForm


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(ExportOnlyMixin, ScopedAdmin):
    resource_classes = [ProgrammeYearResource]
    list_display = [
        "programme",
        "year",
        "target_activities",
        "activities_done",
        "target_participants",
        "participants_done",
        "score",
    ]
    list_select_related = ["programme"]
    list_filter = ["year"]
    search_fields = ["programme__name"]
    autocomplete_fields = ["programme"]
    readonly_fields = ["activities_done", "participants_done"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        unit = unit_of(request.user)

        class ProgrammeYearForm(form):
            def clean(self):
                cleaned = super().clean()
                programme = cleaned.get("programme")
                if (
                    programme is not None and unit is not None and level_of(unit) == COMMUNITY
                    and programme.community_id != unit.pk
                ):  # fmt: skip
                    raise ValidationError(
                        {
                            "programme": gettext("The office plans its own programmes; choose one of %(c)s.")
                            % {"c": unit}
                        }
                    )
                return cleaned

        return ProgrammeYearForm

    @admin.display(description=_("activities so far"), ordering="activities_done")
    def activities_done(self, obj):
        return getattr(obj, "activities_done", "-")

    @admin.display(description=_("participants so far"), ordering="participants_done")
    def participants_done(self, obj):
        return getattr(obj, "participants_done", "-")


# --- lecturers -------------------------------------------------------------------------------------


class SessionYearFilter(admin.SimpleListFilter):
    """Counts each lecturer's sessions in one year instead of in all years."""

    title = _("sessions in year")
    parameter_name = "sessions_year"

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        return [(str(y), str(y)) for y in range(this_year, 2014, -1)]

    def queryset(self, request, queryset):
        return queryset  # the year changes the count (LecturerAdmin.get_queryset), not the rows


def sessions_subquery(begin=None, stop=None):
    sessions = Activity.lecturers.through.objects.filter(
        lecturer=OuterRef("pk"), activity__type__kind=ActivityType.Kind.LECTURE
    )
    if begin is not None:
        sessions = sessions.filter(activity__start__gte=begin, activity__start__lt=stop)
    counted = sessions.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@admin.register(Lecturer)
class LecturerAdmin(ExportOnlyMixin, CommunityChoicesMixin, ScopedAdmin):
    resource_classes = [LecturerResource]
    list_display = ["person", "category", "community", "sessions", "active"]
    list_select_related = ["person", "community"]
    list_filter = ["category", "active", SessionYearFilter]
    search_fields = ["person__name", "topics"]
    raw_id_fields = ["person"]
    filter_horizontal = ["halls"]
    autocomplete_fields = []

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        year = request.GET.get("sessions_year", "")
        if year.isdigit():
            begin, stop = period_bounds(datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31))
            return queryset.annotate(session_count=sessions_subquery(begin, stop))
        return queryset.annotate(session_count=sessions_subquery())

    @admin.display(description=_("lecture sessions"), ordering="session_count")
    def sessions(self, obj):
        return obj.session_count


# --- the activity log ------------------------------------------------------------------------------

KEPT_ON_ADD_ANOTHER = ("type", "community", "programme")


class DateHierarchyQuerySet(ActivityQuerySet):
    """The admin list's queryset, with a date hierarchy that does not scan a unit's whole log.

    Unfiltered, Django's date hierarchy asks the filtered log for MIN/MAX(start) and for its DISTINCT years:
    over a district's 500,000 activities that is a sequential scan and a sort (2 s in bench/activities_stats.py).
    The range of years of the whole table comes from the index on ``start`` in two index probes; it only
    chooses which years to offer, so a year without activities in the account's unit may be offered.
    Months and days (inside a chosen year or month) are still the real, unit-filtered ones.
    """

    def aggregate(self, *args, **kwargs):
        if (
            not args
            and set(kwargs) == {"first", "last"}
            and kwargs["first"].source_expressions[0].name == "start"
        ):
            return Activity.objects.order_by().aggregate(first=Min("start"), last=Max("start"))
        return super().aggregate(*args, **kwargs)

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if field_name == "start" and kind == "year":
            bounds = Activity.objects.order_by().aggregate(first=Min("start"), last=Max("start"))
            if bounds["first"] is None:
                return []
            tz = timezone.get_current_timezone()
            first, last = timezone.localtime(bounds["first"]).year, timezone.localtime(bounds["last"]).year
            return [datetime.datetime(year, 1, 1, tzinfo=tz) for year in range(first, last + 1)]
        return super().datetimes(field_name, kind, order=order, tzinfo=tzinfo)


@admin.register(Activity)
class ActivityAdmin(CommunityChoicesMixin, ScopedAdmin):
    resource_classes = [ActivityResource]
    skip_admin_log = True  # the resource writes one ImportLog and one history entry per imported sheet
    inlines = [AttachmentInline]
    list_display = ["title", "start", "type", "community", "participants", "programme"]
    list_select_related = ["type", "community", "programme"]
    list_filter = [
        ("start", DateRangeFilter),
        KindFilter,
        TypeFilter,
        CommunityFilter,
        ProgrammeFilter,
        ImportFilter,
    ]
    date_hierarchy = "start"
    search_fields = ["title"]
    autocomplete_fields = ["programme", "lecturers"]
    readonly_fields = ["import_log"]
    fieldsets = [
        (None, {"fields": ["title", "type", "community", "start", "end", "participants", "venue"]}),
        (_("organiser (exactly one)"), {"fields": ["party_organization", "volunteer_team", "partner"]}),
        (None, {"fields": ["programme", "lecturers", "description", "import_log"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return DateHierarchyQuerySet(model=queryset.model, query=queryset.query, using=queryset._db)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.error_messages["invalid_choice"] = OUTSIDE_UNIT
        if db_field.name == "type" and field is not None:
            field.queryset = field.queryset.order_by("kind", "name")
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None:
            field.error_messages["invalid_choice"] = OUTSIDE_UNIT
        return field

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        own = list(Community.objects.for_user(request.user).values_list("pk", flat=True)[:2])
        if len(own) == 1:  # community staff: their community is the only choice
            initial.setdefault("community", own[0])
        return initial

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if "_addanother" in request.POST:
            # Daily entry: the next activity usually shares the type, community and programme.
            kept = {
                name: getattr(obj, f"{name}_id") for name in KEPT_ON_ADD_ANOTHER if getattr(obj, f"{name}_id")
            }
            return HttpResponseRedirect(f"{response['Location'].split('?')[0]}?{urlencode(kept)}")
        return response


@admin.register(ImportLog)
class ImportLogAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "imported_at",
        "user",
        "file_name",
        "rows",
        "created",
        "updated",
        "unchanged",
        "undone_at",
    ]
    list_select_related = ["user"]
    search_fields = ["file_name", "user__username"]
    autocomplete_fields = []
    date_hierarchy = "imported_at"
    list_filter = [("imported_at", DateRangeFilter)]
    fields = [
        "imported_at", "user", "file_name", "rows", "created", "updated", "unchanged", "finished_at",
        "undone_at", "undone_by",
    ]  # fmt: skip
    change_form_template = "admin/activities/importlog/change_form.html"

    def get_queryset(self, request):
        return ImportLog.objects.for_user(request.user)

    def get_urls(self):
        undo = self.admin_site.admin_view(self.undo_view)
        return [path("<int:object_id>/undo/", undo, name="activities_importlog_undo"), *super().get_urls()]

    def may_undo(self, request, log) -> bool:
        """The author, or staff who may delete activities and see every activity the import added."""
        if log.undone_at is not None or log.finished_at is None:
            return False
        if not request.user.has_perm("activities.delete_activity"):
            return False
        added = Activity.objects.filter(import_log=log)
        outside = added.exclude(pk__in=Activity.objects.for_user(request.user).values("pk"))
        return not outside.exists()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        log = self.get_object(request, object_id)
        extra = {}
        if log is not None:
            extra = {
                "may_undo": self.may_undo(request, log),
                "activities_url": f"{reverse('admin:activities_activity_changelist')}?import={log.pk}",
                "undo_url": reverse("admin:activities_importlog_undo", args=[log.pk]),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def undo_view(self, request, object_id):
        log = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method != "POST" or not self.may_undo(request, log):
            if log.undone_at is not None:
                self.message_user(request, gettext("This import has already been undone."), messages.WARNING)
                return HttpResponseRedirect(reverse("admin:activities_importlog_change", args=[log.pk]))
            raise PermissionDenied
        try:
            counts = undo_import(log=log, by=request.user)
        except UndoRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext(
                    "The import is undone: %(removed)s activities removed, %(restored)s put back as they were."
                )
                % counts,
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:activities_importlog_change", args=[log.pk]))
