"""A list filter naming a unit by its key (``?unit=subdistrict:3``): the reports' links to the admin lists.

The key is resolved here, inside the account's own scope (registers.units.parse_unit): a link's length never
grows with the communities under a unit, and another unit's key lists nothing (with the same message as a
unit that does not exist)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .scoping import is_scoped
from .units import UnitError, parse_unit

UNIT_PARAMETER = "unit"


class UnitFilter(admin.SimpleListFilter):
    title = _("unit")
    parameter_name = UNIT_PARAMETER

    def __init__(self, request, params, model, model_admin):
        # Resolved before the base class asks lookups() whether the filter is shown (and so applied).
        self.unit, self.refusal = None, None
        value = params.get(self.parameter_name)
        value = value[-1] if isinstance(value, list) else value
        if value:
            try:
                self.unit = parse_unit(value, request.user)
            except UnitError as error:
                self.refusal = str(error)
                messages.warning(request, self.refusal)
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        # Shown only while a link chose the unit: the sidebar names it, and "all" takes it away.
        if self.unit is not None:
            return [(self.value(), str(self.unit))]
        if self.refusal is not None:
            return [(self.value(), self.value())]
        return []

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.unit is None:
            return queryset.none()
        return queryset.for_unit(self.unit)


def with_unit_filter(model, list_filter) -> list:
    """``list_filter`` of a scoped register, with the unit filter first."""
    if not is_scoped(model):
        return list(list_filter)
    return [UnitFilter, *list_filter]
