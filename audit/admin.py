"""The access log in the admin: read-only, scoped to the unit of the record that was opened."""

from django.contrib import admin

from registers.admin import ReadOnlyAdminMixin, ScopedAdminMixin

from .models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "object_repr", "content_type", "fields", "community"]
    list_select_related = ["user", "community", "content_type"]
    list_filter = ["content_type"]
    search_fields = ["object_repr", "user__username"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AccessLog._meta.fields]
