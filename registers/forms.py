"""Form fields the staff's unit pages share: a unit (as unit_choices names it) and a month."""

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .units import UNIT_HELP, UnitError, home_unit, parse_unit, unit_choices, unit_key


def unit_field(user, label) -> forms.ChoiceField:
    """A unit an account may choose, stored by its key (district:3): for records that name a unit."""
    return forms.ChoiceField(label=label, choices=unit_choices(user), help_text=UNIT_HELP)


class MonthField(forms.DateField):
    input_formats = ["%Y-%m"]

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
        super().__init__(**kwargs)


class UnitMonthForm(forms.Form):
    unit = forms.CharField(label=_("unit"), required=False)
    month = MonthField(label=_("month"), required=False)

    def clean_month(self):
        return self.cleaned_data["month"] or timezone.localdate().replace(day=1)


def unit_or_404(request, value):
    """The unit a page is about: the account's own when none is named. Another unit's and one that does not
    exist look the same (404)."""
    try:
        unit = parse_unit(value, request.user) if value else home_unit(request.user)
    except UnitError:
        unit = None
    if unit is None:
        raise Http404
    return unit


def unit_and_month(request) -> tuple[UnitMonthForm, object, object]:
    """The form of a unit-and-month page, the unit (404 when not the account's to see) and the month (this
    month unless a valid one was asked for)."""
    form = UnitMonthForm(request.GET or None)
    month, unit_value = timezone.localdate().replace(day=1), ""
    if form.is_bound:
        if form.is_valid():
            month, unit_value = form.cleaned_data["month"], form.cleaned_data["unit"]
        else:
            unit_value = request.GET.get("unit", "")
    return form, unit_or_404(request, unit_value), month


def unit_month_context(request, form, unit, month) -> dict:
    """What the unit-and-month filter (templates/registers/_unit_month_filters.html) shows."""
    return {
        "form": form,
        "unit": unit,
        "unit_value": unit_key(unit),
        "unit_choices": unit_choices(request.user),
        "month": month,
        "month_value": month.strftime("%Y-%m"),
    }
