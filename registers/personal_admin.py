"""The admin side of the personal-data declarations (registers.personal_data), for every register.

Without the sensitive-data permission, a field declared MASKED is shown masked (list and change page, read
only), a HIDDEN one is left out of the list, the filters, the forms and querystring lookups. With it, every
sensitive value a page shows in full is written to the access log. An admin that shows a personal field
through a column of its own (a recipient's phone is their person's) names it in ``personal_columns``
({"phone": "person__phone"}) and shows it with ``shown()``.
"""

from django.contrib import admin
from django.db.models import Value

from .personal_data import HIDDEN, MASKED, can_see_sensitive, declaration, declared, mask, record_shown


def _masked_display(name, label):
    @admin.display(description=label)
    def show(obj):
        return mask(getattr(obj, name))

    return show


def _value(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part, None) if obj is not None else None
    return obj


class PersonalDataAdminMixin:
    #: Columns the admin computes from a personal field: column name -> the field's path from the model.
    personal_columns: dict[str, str] = {}

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        for name in self._own(MASKED):
            label = model._meta.get_field(name).verbose_name
            setattr(self, f"masked_{name}", _masked_display(name, label))

    # What is sensitive on this admin's pages -------------------------------------------------------

    def _own(self, shown) -> list[str]:
        return [name for name, field in declared(self.model).items() if field.shown == shown]

    def sensitive_columns(self) -> dict[str, str]:
        """{column or field name: the path of the sensitive field it shows}."""
        columns = {name: name for name, field in declared(self.model).items() if field.sensitive}
        for column, path in self.personal_columns.items():
            field = declaration(self.model, path)
            if field is not None and field.sensitive:
                columns[column] = path
        return columns

    def _hidden(self) -> set[str]:
        return {
            column
            for column, path in self.sensitive_columns().items()
            if declaration(self.model, path).shown == HIDDEN
        }

    def shown(self, obj, column):
        """A ``personal_columns`` value as this request may see it (full, masked, or empty when hidden)."""
        value = _value(obj, self.personal_columns.get(column, column))
        if not value or getattr(obj, "personal_in_full", False):
            return value or ""
        return mask(value)

    # Leaving out and masking ----------------------------------------------------------------------

    def get_queryset(self, request):
        # Whether this request may see values in full travels with each row (display methods get the row).
        queryset = super().get_queryset(request)
        if self.personal_columns:
            queryset = queryset.annotate(personal_in_full=Value(can_see_sensitive(request.user)))
        return queryset

    def _for(self, request, names, obj=True):
        if can_see_sensitive(request.user):
            return list(names)
        hidden, masked = self._hidden(), set(self._own(MASKED)) if obj else set()
        return [f"masked_{name}" if name in masked else name for name in names if name not in hidden]

    def get_list_display(self, request):
        return self._for(request, super().get_list_display(request))

    def get_list_filter(self, request):
        hidden = set() if can_see_sensitive(request.user) else self._hidden()
        return [
            f for f in super().get_list_filter(request) if (f[0] if isinstance(f, tuple) else f) not in hidden
        ]

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": self._for(request, options["fields"], obj is not None)})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not can_see_sensitive(request.user):
            readonly += [f"masked_{name}" for name in self._own(MASKED)]
        return readonly

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if not can_see_sensitive(request.user):
            excluded += [name for name in self._own(HIDDEN) if name not in excluded]
            if obj is not None:
                excluded += [name for name in self._own(MASKED) if name not in excluded]
        return excluded

    def lookup_allowed(self, lookup, value, request=None):
        # A querystring filter on a hidden field would reveal it one yes/no at a time.
        if lookup.split("__")[0] in self._own(HIDDEN) and not (request and can_see_sensitive(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)

    # The access log -------------------------------------------------------------------------------

    def _shown_in_full(self, obj, columns) -> list[str]:
        """The sensitive fields (by name) that hold a value for ``obj`` among ``columns``."""
        shown = set()
        for column in columns:
            path = self.sensitive_columns()[column]
            value = _value(obj, path)
            if hasattr(value, "all"):  # a many-to-many manager (prefetched on list pages)
                value = list(value.all())
            if value:
                shown.add(path.split("__")[-1])
        return sorted(shown)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Every time the page is drawn for a saved record: the first view and a form shown again.
        if obj is not None and obj.pk and can_see_sensitive(request.user):
            record_shown(request.user, [obj], self._shown_in_full(obj, self.sensitive_columns()))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is None or not can_see_sensitive(request.user):
            return response
        columns = [name for name in changelist.list_display if name in self.sensitive_columns()]
        # One row per record and the fields it showed; rows with nothing sensitive are not logged.
        by_fields = {}
        for obj in changelist.result_list if columns else ():
            shown = tuple(self._shown_in_full(obj, columns))
            if shown:
                by_fields.setdefault(shown, []).append(obj)
        for shown, objs in by_fields.items():
            record_shown(request.user, objs, shown)
        return response
