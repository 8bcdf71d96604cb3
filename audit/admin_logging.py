"""Admin mixin: every list or change page that shows sensitive fields unmasked writes the access log."""

from communities.admin_base import can_see_sensitive

from .access import log_sensitive_access, log_sensitive_access_many


class LogsSensitiveViewsMixin:
    """For a ModelAdmin whose pages show ``sensitive_fields`` in full to accounts with the permission."""

    sensitive_fields: tuple[str, ...] = ("phone",)

    def _shown(self, obj) -> list[str]:
        return [name for name in self.sensitive_fields if getattr(obj, name, None)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and obj is not None and can_see_sensitive(request.user):
            log_sensitive_access(request.user, obj, self._shown(obj))
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and can_see_sensitive(request.user):
            shown = [obj for obj in changelist.result_list if self._shown(obj)]
            log_sensitive_access_many(request.user, shown, self.sensitive_fields)
        return response
