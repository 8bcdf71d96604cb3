"""The date filter of every list of dated records: this month, last month, this quarter, last quarter, this
year, last year, or any range of days typed in two date inputs (a plain GET form: no JavaScript needed).

Our own rather than django-admin-rangefilter (0.15): its quick choices are today, the past 7 days, this
month and this year (no last month, no quarters), it ignores a date it cannot read without a word (the list
then looks filtered and is not), and its form brings inline styles and the admin calendar's scripts.

The parameters are those the reports' links and the exports' file names already use: ``visited_on__gte`` and
``visited_on__lte`` (both days included; ``__lt``, the end excluded, as Django's own date filter wrote it) on
a date, ``start__date__gte`` / ``start__date__lte`` on a date and time, always days in local time
(Asia/Shanghai): a filter on a date and time selects [first day 00:00, the day after the last 00:00).
"""

import datetime

from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from .periods import PRESETS, preset_bounds

PRESET_LABELS = {
    "this_month": pgettext_lazy("date filter", "this month"),
    "last_month": pgettext_lazy("date filter", "last month"),
    "this_quarter": pgettext_lazy("date filter", "this quarter"),
    "last_quarter": pgettext_lazy("date filter", "last quarter"),
    "this_year": pgettext_lazy("date filter", "this year"),
    "last_year": pgettext_lazy("date filter", "last year"),
}


class BadDateRange(ValueError):
    pass


def _read_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise BadDateRange(
            gettext("“%(value)s” is not a date: write it as 2018-06-01.") % {"value": value}
        ) from None


def read_range(
    start: str | None, end: str | None, end_excluded: str | None = None
) -> tuple[datetime.date | None, datetime.date | None]:
    """The days (first, last; either may be open) of a filter's parameters; BadDateRange says why not."""
    first = _read_day(start) if start else None
    last = _read_day(end) if end else None
    if last is None and end_excluded:
        last = _read_day(end_excluded) - datetime.timedelta(days=1)
    if first and last and first > last:
        raise BadDateRange(
            gettext("The start date (%(start)s) is after the end date (%(end)s).")
            % {"start": first.isoformat(), "end": last.isoformat()}
        )
    return first, last


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DateRangeFilter(admin.FieldListFilter):
    """``list_filter = [("visited_on", DateRangeFilter)]``; ``("slot__starts_at", DateRangeFilter)``."""

    template = "admin/registers/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.is_datetime = isinstance(field, models.DateTimeField)
        prefix = f"{field_path}__date" if self.is_datetime else field_path
        self.gte, self.lte, self.lt = f"{prefix}__gte", f"{prefix}__lte", f"{prefix}__lt"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.first = self.last = None
        self.error = None
        try:
            self.first, self.last = read_range(
                self._param(self.gte), self._param(self.lte), self._param(self.lt)
            )
        except BadDateRange as error:
            self.error = str(error)
            messages.warning(request, gettext("Date filter not applied: %(reason)s") % {"reason": self.error})

    def _param(self, name) -> str | None:
        value = self.used_parameters.get(name)
        if isinstance(value, list):
            value = value[-1] if value else None
        return value or None

    def expected_parameters(self):
        return [self.gte, self.lte, self.lt]

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if self.error or (self.first is None and self.last is None):
            return queryset
        bounds = {}
        if self.is_datetime:
            if self.first:
                bounds[f"{self.field_path}__gte"] = local_midnight(self.first)
            if self.last:
                bounds[f"{self.field_path}__lt"] = local_midnight(self.last + datetime.timedelta(days=1))
        else:
            if self.first:
                bounds[f"{self.field_path}__gte"] = self.first
            if self.last:
                bounds[f"{self.field_path}__lte"] = self.last
        return queryset.filter(**bounds)

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}

    def choices(self, changelist):
        today = timezone.localdate()
        chosen = (self.first, self.last) if not self.error else None
        any_date = changelist.get_query_string(remove=self.expected_parameters())
        yield {
            "selected": chosen == (None, None),
            "query_string": any_date,
            "display": pgettext_lazy("date filter", "any date"),
        }
        for key in PRESETS:
            first, last = preset_bounds(key, today)
            yield {
                "selected": chosen == (first, last),
                "query_string": changelist.get_query_string(
                    {self.gte: first.isoformat(), self.lte: last.isoformat()}, [self.lt]
                ),
                "display": PRESET_LABELS[key],
            }
        # The typed range's form keeps the list's other filters, search and ordering.
        self.hidden = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in self.expected_parameters()
            for value in values
        ]
        self.typed = {
            "gte": self._param(self.gte) or "",
            "lte": self._param(self.lte) or "",
        }
