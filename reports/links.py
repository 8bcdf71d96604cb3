"""Links from a figure to the admin changelist that lists what it counts."""

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse

from activities.models import Activity
from registers.unit_filter import UNIT_PARAMETER
from registers.units import unit_key
from venues.models import Venue, VisitRecord
from volunteers.models import HomeVisit, VolunteerTeam


class Links:
    """Admin changelist URLs filtered like a figure: the unit by its key (``unit=subdistrict:3``, resolved on
    the list to the account's own scope by registers.unit_filter), never a list of ids — a link's length
    does not grow with the communities under the unit. Other parameters are lookups the admins allow (fields
    of the model itself, e.g. ``start__date__gte``, and their list filters' parameters). ``sub`` is a
    sub-unit of the dashboard's unit; without it, the whole unit."""

    def __init__(self, unit, start, end):
        self.unit, self.start, self.end = unit, start, end
        self._lists: dict = {}  # model -> its changelist's path (a page makes thousands of links)

    def url(self, model, **params) -> str | None:
        if model not in self._lists:
            opts = model._meta
            registered = admin.site.is_registered(model)
            self._lists[model] = registered and reverse(
                f"admin:{opts.app_label}_{opts.model_name}_changelist"
            )
        base = self._lists[model]
        if not base:
            return None
        return base + "?" + urlencode(params) if params else base

    def of_unit(self, sub=None) -> dict:
        return {UNIT_PARAMETER: unit_key(sub if sub is not None else self.unit)}

    def days(self, field: str) -> dict:
        return {f"{field}__gte": self.start.isoformat(), f"{field}__lte": self.end.isoformat()}

    def activities(self, sub=None, **extra):
        return self.url(Activity, **self.of_unit(sub), **self.days("start__date"), **extra)

    def visits(self, sub=None):
        return self.url(HomeVisit, **self.of_unit(sub), **self.days("visited_on"))

    def receptions(self, sub=None, **extra):
        return self.url(VisitRecord, **self.of_unit(sub), **self.days("visited_on"), **extra)

    def teams(self, sub=None, **extra):
        return self.url(VolunteerTeam, **self.of_unit(sub), **extra)

    def venues(self, sub=None, **extra):
        return self.url(Venue, **self.of_unit(sub), **extra)
