"""The admin side of the personal-data declarations (registers.personal_data), for every register.

Without the sensitive-data permission, a field declared MASKED is shown masked (list and change page, read
only), a HIDDEN one is left out of the list, the filters, the forms and querystring lookups. With it, every
sensitive value a page shows in full is written to the access log. An admin that shows a personal field
through a column of its own (a recipient's phone is their person's) names it in ``personal_columns``
({"phone": "person__phone"}) and shows it with ``shown()``.

Staff of the record's own community, who must phone the resident or the visitor, see a masked number with a
button that shows it in full (``may_call``): one POST to ``<record>/reveal/<column>/`` answers the number
(JSON for static/registers/reveal.js, a small page without JavaScript) and writes the access log.
"""

from django.contrib import admin
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, Value
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path as url_path
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache

from .personal_data import (
    HIDDEN,
    MASKED,
    can_see_sensitive,
    declaration,
    declared,
    mask,
    may_call,
    record_shown,
)
from .scoping import is_scoped, unit_id_of
from .units import COMMUNITY, level_of, unit_of

# The form the reveal buttons submit (templates/admin/base_site.html): outside every page's own form, so a
# button never nests a form and the Enter key still saves.
REVEAL_FORM = "reveal-form"


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
            setattr(self, f"masked_{name}", self._masked_display(name, label))

    def _masked_display(self, name, label):
        @admin.display(description=label)
        def show(obj):
            return self._with_reveal(obj, name, mask(getattr(obj, name)))

        return show

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
        return self._with_reveal(obj, column, mask(value))

    # Showing a masked number in full, to those who must call ----------------------------------------

    def revealable_columns(self) -> dict[str, str]:
        """{column: path} of the masked values a caller may show in full."""
        return {
            column: path
            for column, path in self.sensitive_columns().items()
            if declaration(self.model, path).shown == MASKED
        }

    def _with_reveal(self, obj, column, masked):
        """The masked value, with the button that shows it in full where this row's viewer may call."""
        caller = getattr(obj, "personal_caller", None)
        if (
            not masked
            or caller is None
            or obj.pk is None
            or column not in self.revealable_columns()
            or unit_id_of(obj, COMMUNITY) != caller
        ):
            return masked
        url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_reveal",
            args=[quote(obj.pk), column],
        )
        return format_html(
            '<span class="reveal"><span class="reveal-value">{}</span> <button type="submit" form="{}" '
            'formaction="{}" class="reveal-button" data-reveal aria-label="{}" title="{}">{}</button></span>',
            masked,
            REVEAL_FORM,
            url,
            _("show the number"),
            _("show the number"),
            pgettext_lazy("phone number", "show"),
        )

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_reveal"
        view = self.admin_site.admin_view(never_cache(self.reveal_view))
        return [url_path("<path:object_id>/reveal/<str:column>/", view, name=name), *super().get_urls()]

    def reveal_view(self, request, object_id, column):
        """One masked value in full, for staff who may call (``may_call``), written to the access log."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        path = self.revealable_columns().get(column)
        if obj is None or path is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj) or not may_call(request.user, obj):
            raise PermissionDenied
        value = _value(obj, path) or ""
        if value:
            record_shown(request.user, [obj], [path.split("__")[-1]])
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"value": value})
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[quote(obj.pk)],
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Phone number"),
            "obj": obj,
            "label": self._column_label(column),
            "value": value,
            "back": back,
        }
        return TemplateResponse(request, "admin/registers/reveal.html", context)

    def _column_label(self, column):
        attribute = getattr(self, column, None)
        if attribute is not None and hasattr(attribute, "short_description"):
            return attribute.short_description
        return self.model._meta.get_field(column).verbose_name

    # Leaving out and masking ----------------------------------------------------------------------

    def get_queryset(self, request):
        # Whether this request may see values in full travels with each row (display methods get the row).
        queryset = super().get_queryset(request)
        sees_sensitive = can_see_sensitive(request.user)
        if self.personal_columns:
            queryset = queryset.annotate(personal_in_full=Value(sees_sensitive))
        if not sees_sensitive and is_scoped(self.model) and self.revealable_columns():
            # The community whose records this viewer may call (may_call); rows of it get the reveal button.
            unit = unit_of(request.user)
            caller = unit.pk if unit is not None and level_of(unit) == COMMUNITY else None
            queryset = queryset.annotate(personal_caller=Value(caller, output_field=IntegerField()))
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
