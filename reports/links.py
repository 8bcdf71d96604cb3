"""Links from a figure to the admin changelist that lists what it counts."""

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse

from activities.models import Activity
from registers.units import COMMUNITY, level_of
from venues.models import Venue, VisitRecord
from volunteers.models import HomeVisit, VolunteerTeam


class Links:
    """Admin changelist URLs filtered like a figure (only querystring lookups the admins allow: fields of the
    model itself, e.g. ``community__id__in`` and ``start__date__gte``, and their list filters' parameters).
    ``ids`` are the community ids of a sub-unit; without them, the whole unit's."""

    def __init__(self, unit, start, end, community_ids, subdistrict_ids):
        self.unit, self.start, self.end = unit, start, end
        self.community_ids, self.subdistrict_ids = community_ids, subdistrict_ids

    @staticmethod
    def url(model, **params) -> str | None:
        if not admin.site.is_registered(model):
            return None
        opts = model._meta
        base = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return base + "?" + urlencode(params) if params else base

    def communities(self, ids=None) -> dict:
        ids = self.community_ids if ids is None else ids
        if len(ids) == 1:
            return {"community__id__exact": ids[0]}
        return {"community__id__in": ",".join(str(pk) for pk in ids) or "0"}

    def subdistricts(self, ids=None) -> dict:
        ids = self.subdistrict_ids if ids is None else ids
        if level_of(self.unit) == COMMUNITY:
            return {"community__id__exact": self.unit.pk}
        if len(ids) == 1:
            return {"subdistrict__id__exact": ids[0]}
        return {"subdistrict__id__in": ",".join(str(pk) for pk in ids) or "0"}

    def days(self, field: str) -> dict:
        return {f"{field}__gte": self.start.isoformat(), f"{field}__lte": self.end.isoformat()}

    def activities(self, ids=None, **extra):
        return self.url(Activity, **self.communities(ids), **self.days("start__date"), **extra)

    def visits(self, ids=None):
        return self.url(HomeVisit, **self.communities(ids), **self.days("visited_on"))

    def receptions(self, ids=None, **extra):
        return self.url(VisitRecord, **self.communities(ids), **self.days("visited_on"), **extra)

    def teams(self, ids=None, **extra):
        return self.url(VolunteerTeam, **self.communities(ids), **extra)

    def venues(self, ids=None, **extra):
        return self.url(Venue, **self.communities(ids), **extra)
