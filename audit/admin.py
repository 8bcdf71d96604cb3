"""The audit app in the admin: the access log (scoped to the unit of the record opened), the security event
log (audit administrators only, read and exported, never changed), and what it adds to the accounts' page."""

from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from communities.admin import UserAdmin as CommunitiesUserAdmin
from registers.admin import ReadOnlyAdminMixin, ScopedAdminMixin
from registers.date_range import DateRangeFilter
from registers.export_admin import SpreadsheetExportMixin
from registers.personal_data import record_export
from registers.roles import AUDIT_ADMINISTRATORS

from . import events
from .models import AccessLog, SecurityEvent
from .two_factor import has_confirmed_device, remove_two_factor


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "object_repr", "content_type", "fields", "records", "community"]
    list_select_related = ["user", "community", "content_type"]
    list_filter = [("at", DateRangeFilter), "content_type"]
    search_fields = ["object_repr", "user__username"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AccessLog._meta.fields]


def is_audit_administrator(user) -> bool:
    """Membership of the group, not the superuser flag: the system administrator does not read the log of
    what administrators did unless also given this role (等保: 系统管理员 and 审计管理员 kept apart)."""
    return user.is_active and user.is_staff and user.groups.filter(name=AUDIT_ADMINISTRATORS).exists()


class SecurityEventResource(resources.ModelResource):
    at = fields.Field(attribute="at", column_name=str(_("at")))
    username = fields.Field(attribute="username", column_name=str(_("account")))
    address = fields.Field(attribute="address", column_name=str(_("address")))
    kind = fields.Field(attribute="get_kind_display", column_name=str(_("event")))
    succeeded = fields.Field(column_name=str(_("succeeded")))
    target = fields.Field(attribute="target", column_name=str(_("concerning")))
    detail = fields.Field(attribute="detail", column_name=str(_("detail")))

    class Meta:
        model = SecurityEvent
        fields = ("at", "username", "address", "kind", "succeeded", "target", "detail")
        export_order = fields

    def dehydrate_at(self, event):
        # A date cell in the XLSX (registers.workbooks), "2018-05-31 09:00:00" in the CSV.
        return timezone.localtime(event.at).replace(microsecond=0, tzinfo=None)

    def dehydrate_succeeded(self, event):
        return str(_("yes") if event.succeeded else _("no"))


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, SpreadsheetExportMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [SecurityEventResource]
    formats = [base_formats.XLSX, base_formats.CSV]
    list_display = ["at", "username", "address", "kind", "succeeded", "target", "detail"]
    list_filter = [("at", DateRangeFilter), "kind", "succeeded"]
    search_fields = ["username", "target", "address"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]
    show_full_result_count = False

    class Media:
        css = {"all": ["audit/audit.css"]}

    def has_module_permission(self, request):
        return is_audit_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_audit_administrator(request.user)

    def has_export_permission(self, request):
        return is_audit_administrator(request.user)

    def get_data_for_export(self, request, queryset, **kwargs):
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        record_export(request.user, SecurityEvent, len(dataset), str(SecurityEvent._meta.verbose_name_plural))
        return dataset


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(CommunitiesUserAdmin):
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-factor sign-in (the person enrols a new phone)"))
    def reset_two_factor(self, request, queryset):
        if not request.user.is_superuser:
            messages.error(request, _("Only a system administrator may reset two-factor sign-in."))
            return
        reset = 0
        for user in queryset:
            if has_confirmed_device(user):
                remove_two_factor(user)
                events.record(events.Kind.TWO_FACTOR_REMOVED, target=user.get_username(), detail="reset")
                reset += 1
        messages.success(request, _("Two-factor sign-in reset for %(count)d accounts.") % {"count": reset})

    def get_deleted_objects(self, objs, request):
        # The change history keeps who did what: an account that changed records is deactivated, not deleted.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        authors = set(LogEntry.objects.filter(actor__in=objs).values_list("actor__username", flat=True))
        protected = [
            *protected,
            *(
                _("%(user)s changed records: deactivate the account instead (untick “active”).")
                % {"user": name}
                for name in sorted(authors)
            ),
        ]
        return deleted, counts, perms_needed, protected
