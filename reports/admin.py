from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registers.admin import ScopedAdmin
from registers.forms import unit_field
from registers.units import unit_names

from .models import Target
from .resources import TargetResource


@admin.register(Target)
class TargetAdmin(ScopedAdmin):
    resource_classes = [TargetResource]
    list_display = ["unit_name", "year", "figure", "value", "set_by", "set_at"]
    list_filter = ["year", "figure"]
    list_select_related = ["set_by"]
    search_fields = ["unit"]

    def changelist_view(self, request, extra_context=None):
        # The units' names for the list, read once (a few queries), not once per row.
        self._unit_names = unit_names(request.user)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("unit"), ordering="unit")
    def unit_name(self, target):
        return getattr(self, "_unit_names", {}).get(target.unit, target.unit)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            return unit_field(request.user, db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)
