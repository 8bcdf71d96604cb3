"""Admin mixin: every list or change page that shows sensitive fields unmasked writes the access log."""

from communities.admin_base import can_see_sensitive

from .access import log_sensitive_access, log_sensitive_access_many


class LogsSensitiveViewsMixin:
    """For a ModelAdmin whose pages show sensitive values in full to accounts with the permission.

    ``sensitive_fields``: what the change page shows; ``sensitive_list_fields``: what a row of the list
    shows (None: the same). Only the fields that hold a value for the record are logged.
    """

    sensitive_fields: tuple[str, ...] = ("phone",)
    sensitive_list_fields: tuple[str, ...] | None = None

    def sensitive_value(self, obj, name):
        """The value shown for ``name`` (override where the page shows it from a related record)."""
        return getattr(obj, name, None)

    def _shown(self, obj, names) -> list[str]:
        shown = []
        for name in names:
            value = self.sensitive_value(obj, name)
            if hasattr(value, "all"):  # a many-to-many manager (prefetched on list pages)
                value = list(value.all())
            if value:
                shown.append(name)
        return shown

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Every time the page is drawn for a saved record: the first view and a form shown again.
        if obj is not None and obj.pk and can_see_sensitive(request.user):
            log_sensitive_access(request.user, obj, self._shown(obj, self.sensitive_fields))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        names = self.sensitive_fields if self.sensitive_list_fields is None else self.sensitive_list_fields
        if changelist is not None and names and can_see_sensitive(request.user):
            # One row per record and the fields it showed; rows with nothing sensitive are not logged.
            by_fields = {}
            for obj in changelist.result_list:
                shown = tuple(self._shown(obj, names))
                if shown:
                    by_fields.setdefault(shown, []).append(obj)
            for shown, objs in by_fields.items():
                log_sensitive_access_many(request.user, objs, shown)
        return response
