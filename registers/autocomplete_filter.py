"""A list filter by a related record (a team, a community, a programme, a venue) chosen in a search box.

The sidebar's plain related filter lists every choice: every team of a province on each page of the home-visit
list. This one shows one search box instead (the admin's own select2 picker, shipped with Django) that asks
the admin's autocomplete view for matching choices as the user types. That view answers from the related
register's scoped queryset (registers.admin.LabelledAutocompleteJsonView), and the chosen value's label is
read from the same scope: an id of another unit's record in the address lists nothing and names nothing.

Why not a library: django-admin-autocomplete-filter (last released 2021) reads the chosen value's label from
the related model's unscoped manager and needs its own view per filter; django-autocomplete-light needs a
view per model, each to be scoped again. The admin's autocomplete view is already scoped and labelled here.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.utils.translation import pgettext

from .scoping import is_scoped


class AutocompleteFilter(admin.FieldListFilter):
    """``list_filter = [("team", AutocompleteFilter)]``; ``autocomplete_filter(parameter="venue")`` keeps a
    short parameter name that links already use (``?venue=3``)."""

    template = "admin/registers/autocomplete_filter.html"
    parameter = None  # the URL parameter; by default Django's own (``team__id__exact``)

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.related_field = field
        self.lookup_kwarg = self.parameter or f"{field_path}__{field.target_field.name}__exact"
        # A record that may have none (a care recipient without a team) can be looked for by that too.
        self.lookup_kwarg_isnull = f"{field_path}__isnull" if field.null else None
        super().__init__(field, request, params, model, model_admin, field_path)
        self.request, self.model_admin = request, model_admin
        self.value = self._parameter(self.lookup_kwarg) or None
        # (Django has read an ``__isnull`` parameter as a boolean already: "True" → True, "0" → False.) A record
        # chosen in the box wins over "none" (the box's form is sent with the list's other filters).
        isnull = bool(self.lookup_kwarg_isnull) and self._parameter(self.lookup_kwarg_isnull) is True
        self.empty = isnull and self.value is None

    def _parameter(self, name):
        value = self.used_parameters.get(name)
        return value[-1] if isinstance(value, list) else value

    def expected_parameters(self):
        return [self.lookup_kwarg] + ([self.lookup_kwarg_isnull] if self.lookup_kwarg_isnull else [])

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if self.empty:
            return queryset.filter(**{f"{self.field_path}__isnull": True})
        if self.value is None:
            return queryset
        if not str(self.value).isdigit():
            return queryset.none()
        lookup = f"{self.field_path}__{self.related_field.target_field.name}"
        return queryset.filter(**{lookup: int(self.value)})

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}

    def choice_field(self) -> forms.ModelChoiceField:
        """The picker, its choices (and so the chosen value's label) from the account's own records."""
        related = self.related_field.related_model
        queryset = related._default_manager.all()
        if is_scoped(related):
            queryset = queryset.for_user(self.request.user)
        if hasattr(related, "choice_label_related"):
            queryset = queryset.select_related(*related.choice_label_related)
        field = forms.ModelChoiceField(
            queryset=queryset,
            required=False,
            widget=AutocompleteSelect(self.related_field, self.model_admin.admin_site),
        )
        if hasattr(related, "choice_label"):
            field.label_from_instance = related.choice_label
        return field

    def choices(self, changelist):
        field = self.choice_field()
        attrs = {"id": f"filter_{self.lookup_kwarg}", "class": "autocomplete-filter"}
        self.picker = field.widget.render(self.lookup_kwarg, self.value, attrs=attrs)
        # The picker's form keeps the list's other filters, search and ordering (not the page).
        self.hidden = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in self.expected_parameters()
            for value in values
        ]
        yield {
            "selected": self.value is None and not self.empty,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": pgettext("filter", "All"),
        }
        if self.lookup_kwarg_isnull:
            yield {
                "selected": self.empty,
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg]
                ),
                "display": pgettext("filter", "None"),
            }


def autocomplete_filter(*, parameter: str) -> type[AutocompleteFilter]:
    """An AutocompleteFilter answering to ``?<parameter>=<id>``."""
    return type(f"AutocompleteFilter_{parameter}", (AutocompleteFilter,), {"parameter": parameter})


def can_autocomplete(admin_site, field) -> bool:
    """Whether the admin's autocomplete view can answer for the records ``field`` points to: a scoped
    register with an admin that has search fields."""
    if not isinstance(field, models.ForeignKey | models.ManyToManyField):
        return False
    related = field.related_model
    model_admin = admin_site._registry.get(related)
    return is_scoped(related) and model_admin is not None and bool(model_admin.search_fields)


def autocomplete_media() -> forms.Media:
    """The picker's scripts and styles (select2 in the user's language) and the filter's own."""
    picker = AutocompleteSelect(None, admin.site).media
    # One list, so that the filter's script comes after jquery.init.js (django.jQuery) whatever other media
    # the page merges in.
    return forms.Media(
        js=[*picker._js, "registers/autocomplete_filter.js"],
        css={"all": [*picker._css.get("screen", ()), "registers/autocomplete_filter.css"]},
    )
