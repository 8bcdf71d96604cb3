"""The dashboard's filters, read from the URL: a unit and a period.

``unit``: ``district:<id>``, ``subdistrict:<id>`` or ``community:<id>``, any unit inside the account's own
(default: the account's unit). The period, by the first of these present:

- ``year=2018``; ``quarter=2018-Q2``; ``month=2018-05``;
- ``since=2016-01-01`` (to today: the articles' 截至目前);
- ``start=2016-01-01&end=2018-12-31`` (either may be left out: the start of the year, today).
"""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registers.periods import month_bounds, quarter_bounds
from registers.units import UnitError, parse_unit, unit_key

EARLIEST = datetime.date(1949, 10, 1)
DATE_HELP = _("Enter the date as YYYY-MM-DD, for example 2018-12-31.")


def _date(value: str, field: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise forms.ValidationError(
            _("“%(value)s” is not a date (%(field)s). %(help)s"),
            params={"value": value, "field": field, "help": DATE_HELP},
            code="invalid_date",
        ) from None
    if day < EARLIEST:
        raise forms.ValidationError(
            _("%(field)s is before %(earliest)s: no records go back that far."),
            params={"field": field, "earliest": EARLIEST.isoformat()},
            code="too_early",
        )
    return day


class ReportFilterForm(forms.Form):
    unit = forms.CharField(label=pgettext_lazy("report filter", "unit"), required=False, widget=forms.Select)
    start = forms.CharField(
        label=pgettext_lazy("report filter", "from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=DATE_HELP,
    )
    end = forms.CharField(
        label=pgettext_lazy("report filter", "to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    year = forms.CharField(required=False, widget=forms.HiddenInput)
    quarter = forms.CharField(required=False, widget=forms.HiddenInput)
    month = forms.CharField(required=False, widget=forms.HiddenInput)
    since = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, home, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.home = user, home
        self.fields["unit"].widget.choices = unit_choices
        self.today = timezone.localdate()

    def clean_unit(self):
        value = self.cleaned_data.get("unit") or unit_key(self.home)
        try:
            return parse_unit(value, self.user)
        except UnitError as error:
            raise forms.ValidationError(str(error), code="unit") from None

    def clean(self):
        data = self.cleaned_data
        try:
            start, end = self._period(data)
        except forms.ValidationError as error:
            self.add_error(None, error)
            return data
        if start > end:
            self.add_error(
                None,
                _("The period starts (%(start)s) after it ends (%(end)s): swap the dates.")
                % {"start": start.isoformat(), "end": end.isoformat()},
            )
            return data
        data["start_date"], data["end_date"] = start, end
        return data

    def _period(self, data):
        year, quarter, month = data.get("year"), data.get("quarter"), data.get("month")
        if year:
            if not re.fullmatch(r"\d{4}", year.strip()):
                raise forms.ValidationError(
                    _("“%(value)s” is not a year such as 2018."), params={"value": year}
                )
            y = int(year)
            return _date(f"{y:04d}-01-01", pgettext_lazy("report filter", "year")), datetime.date(y, 12, 31)
        if quarter:
            match = re.fullmatch(r"(\d{4})-?Q([1-4])", quarter.strip(), re.IGNORECASE)
            if not match:
                raise forms.ValidationError(
                    _("“%(value)s” is not a quarter such as 2018-Q2."), params={"value": quarter}
                )
            first, last = quarter_bounds(int(match[1]), int(match[2]))
            _date(first.isoformat(), pgettext_lazy("report filter", "quarter"))
            return first, last
        if month:
            match = re.fullmatch(r"(\d{4})-(\d{1,2})", month.strip())
            if not match or not 1 <= int(match[2]) <= 12:
                raise forms.ValidationError(
                    _("“%(value)s” is not a month such as 2018-05."), params={"value": month}
                )
            first, last = month_bounds(datetime.date(int(match[1]), int(match[2]), 1))
            _date(first.isoformat(), pgettext_lazy("report filter", "month"))
            return first, last
        if data.get("since"):
            return _date(data["since"], pgettext_lazy("report filter", "since")), self.today
        start = _date(data["start"], pgettext_lazy("report filter", "from")) if data.get("start") else None
        end = _date(data["end"], pgettext_lazy("report filter", "to")) if data.get("end") else self.today
        if start is None:
            start = end.replace(month=1, day=1)
        return start, end
