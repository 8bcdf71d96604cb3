from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registers.admin import ScopedAdmin, ScopedInline
from registers.attachments import AttachmentInline
from registers.date_range import DateRangeFilter

from .models import (
    BRANCH_KINDS,
    Absence,
    AgendaItem,
    BranchMeeting,
    FollowUpTask,
    InServiceMember,
    JointMeeting,
    MeetingRequirement,
    Wish,
)


@admin.register(MeetingRequirement)
class MeetingRequirementAdmin(admin.ModelAdmin):
    """How often each meeting is due: one table for every branch (editable by those allowed to)."""

    list_display = ["kind", "period"]
    list_editable = ["period"]
    list_display_links = None

    def has_add_permission(self, request):
        return False  # one row per kind, made by the migration

    def has_delete_permission(self, request, obj=None):
        return False


class BranchMeetingForm(forms.ModelForm):
    class Meta:
        model = BranchMeeting
        fields = ["branch", "kind", "held_on", "topic", "attendees", "minutes"]

    def clean(self):
        cleaned = super().clean()
        branch, attendees = cleaned.get("branch"), cleaned.get("attendees")
        if branch is not None and attendees is not None:
            for message in BranchMeeting(branch=branch).attendee_errors(list(attendees)):
                self.add_error("attendees", message)
        return cleaned


class AbsenceInline(ScopedInline):
    model = Absence
    fields = ["person", "reason"]
    autocomplete_fields = ["person"]
    extra = 1


@admin.register(BranchMeeting)
class BranchMeetingAdmin(ScopedAdmin):
    # The list with the printable overdue list added.
    import_export_change_list_template = "admin/party/branchmeeting/change_list.html"
    form = BranchMeetingForm
    list_display = ["held_on", "branch", "kind", "topic", "attendee_count"]
    list_select_related = ["branch"]
    list_filter = ["kind", ("held_on", DateRangeFilter)]
    search_fields = ["topic", "branch__name"]
    autocomplete_fields = ["branch", "attendees"]
    inlines = [AbsenceInline, AttachmentInline]

    def has_import_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attendee_total=Count("attendees"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "branch" and field is not None:
            field.queryset = field.queryset.filter(kind__in=BRANCH_KINDS)
        return field

    @admin.display(description=_("attended"), ordering="attendee_total")
    def attendee_count(self, meeting):
        return meeting.attendee_total


@admin.register(InServiceMember)
class InServiceMemberAdmin(ScopedAdmin):
    list_display = ["person", "community", "employer", "home_branch", "skills", "reported_on", "active"]
    list_select_related = ["person", "community"]
    list_filter = ["active"]
    search_fields = ["person__name", "employer"]
    autocomplete_fields = ["person"]

    def has_import_permission(self, request):
        return False


class OverdueFilter(admin.SimpleListFilter):
    """The overdue list of a register whose queryset has ``overdue()``; the admin names it (``overdue_label``)."""

    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", model_admin.overdue_label)]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


@admin.register(Wish)
class WishAdmin(ScopedAdmin):
    """Wishes entered for residents (with their consent), claimed on the public wall, fulfilled, confirmed."""

    inlines = [AttachmentInline]
    list_display = [
        "title",
        "community",
        "resident_name",
        "estimated_value",
        "deadline",
        "status",
        "claimed_by",
    ]
    list_select_related = ["community", "claimed_by", "claimed_by_partner"]
    list_filter = [OverdueFilter, "status"]
    overdue_label = _("past the deadline, not confirmed")
    search_fields = ["title", "resident_name"]
    autocomplete_fields = ["claimed_by", "claimed_by_partner"]
    readonly_fields = ["claimed_at", "fulfilled_at", "confirmed_at", "rating"]
    fields = [
        "community", "title", "story", "estimated_value", "resident_name", "resident_phone", "consented",
        "deadline", "status", "claimed_by", "claimed_by_partner", "claimed_at", "fulfilment", "fulfilled_at",
        "confirmed_at", "rating",
    ]  # fmt: skip

    def has_import_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        now = timezone.now()
        if obj.status == Wish.Status.FULFILLED and obj.fulfilled_at is None:
            obj.fulfilled_at = now
        if obj.status == Wish.Status.CLAIMED and obj.claimed_at is None:
            obj.claimed_at = now
        super().save_model(request, obj, form, change)


class AgendaItemInline(ScopedInline):
    model = AgendaItem
    fields = ["category", "topic", "decision"]
    extra = 1


class FollowUpTaskInline(ScopedInline):
    model = FollowUpTask
    fields = ["task", "owner", "owner_name", "deadline", "done_on", "outcome"]
    autocomplete_fields = ["owner"]
    extra = 1


@admin.register(JointMeeting)
class JointMeetingAdmin(ScopedAdmin):
    list_display = ["held_on", "title", "subdistrict", "community", "partner_count", "open_tasks"]
    list_select_related = ["subdistrict", "community"]
    search_fields = ["title"]
    list_filter = [("held_on", DateRangeFilter)]
    autocomplete_fields = ["partners"]
    inlines = [AgendaItemInline, FollowUpTaskInline, AttachmentInline]

    def has_import_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                partner_total=Count("partners", distinct=True),
                open_total=Count("tasks", filter=Q(tasks__done_on__isnull=True), distinct=True),
            )
        )

    @admin.display(description=_("organisations"), ordering="partner_total")
    def partner_count(self, meeting):
        return meeting.partner_total

    @admin.display(description=_("open tasks"), ordering="open_total")
    def open_tasks(self, meeting):
        return meeting.open_total


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(ScopedAdmin):
    """Every task the joint meetings decided; "past the deadline, not done" is the overdue list."""

    list_display = ["task", "meeting", "owner", "owner_name", "deadline", "done_on"]
    list_select_related = ["meeting", "owner"]
    list_filter = [OverdueFilter, ("deadline", admin.DateFieldListFilter)]
    overdue_label = _("past the deadline, not done")
    search_fields = ["task", "owner_name"]
    autocomplete_fields = ["meeting", "owner"]

    def has_import_permission(self, request):
        return False
