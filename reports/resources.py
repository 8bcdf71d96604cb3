"""Targets from a sheet: 单位 (a unit's name, or its key such as community:5 where two units share a name),
年度, 指标, 目标值. A unit outside the account's unit is refused with the row; a sheet imported again
updates the targets it names (by unit, year and figure) instead of adding them twice."""

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from registers.sheets import DecimalWidget, IntegerWidget, ScopedModelResource, cell_text
from registers.units import split_unit_key, unit_names

from .models import Target


class UnitWidget(widgets.Widget):
    """A unit among the account's own, by name or by key; exported by name."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user, self._index, self._names = None, None, {}

    def _keys_by_name(self):
        if self._index is None:  # the account's units, read once per import or export (a few queries)
            self._names, self._index = unit_names(self.user), {}
            for key, name in self._names.items():
                self._index.setdefault(name, []).append(key)
        return self._index

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        index = self._keys_by_name()
        if split_unit_key(text) is not None:
            if any(text in keys for keys in index.values()):
                return text
            raise ValueError(gettext("%(unit)s is not in your unit.") % {"unit": text})
        keys = index.get(text, [])
        if len(keys) > 1:
            raise ValueError(
                gettext("Several units are called “%(name)s”: write its key instead (%(keys)s).")
                % {"name": text, "keys": "、".join(keys)}
            )
        if not keys:
            raise ValueError(gettext("“%(name)s” is not a unit in your unit.") % {"name": text})
        return keys[0]

    def render(self, value, obj=None, **kwargs):
        self._keys_by_name()
        return self._names.get(value, value or "")


class TargetResource(ScopedModelResource):
    unit = fields.Field(attribute="unit", column_name=_("unit"), widget=UnitWidget())
    year = fields.Field(
        attribute="year", column_name=pgettext_lazy("target sheet column", "year"), widget=IntegerWidget()
    )
    value = fields.Field(
        attribute="value", column_name=pgettext_lazy("target sheet column", "target"), widget=DecimalWidget()
    )
    natural_key = ("unit", "year", "figure")

    class Meta:
        model = Target
        fields = ("id", "unit", "year", "figure", "value")

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["unit"].widget.user = user

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        instance.set_by = self.user
