"""Counts of branch work over a unit and a period, and the overdue list (a fixed number of queries)."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q

from communities.models import PartyOrganization
from registers.scoping import scope_path
from registers.units import level_of, next_level, subunits

from .models import (
    BRANCH_KINDS,
    BranchMeeting,
    InServiceMember,
    MeetingKind,
    MeetingRequirement,
    Wish,
    period_bounds,
)

MEETING_KEYS = ("branch_meetings", "themed_party_days", "party_lectures")
WISH_KEYS = ("wishes", "wishes_claimed", "wishes_confirmed")
_AGGREGATES = {
    "branch_meetings": Count("pk"),
    "themed_party_days": Count("pk", filter=Q(kind=MeetingKind.THEMED_DAY)),
    "party_lectures": Count("pk", filter=Q(kind=MeetingKind.LECTURE)),
}


def branches(unit):
    return PartyOrganization.objects.for_unit(unit).filter(kind__in=BRANCH_KINDS)


def meeting_totals(unit, start: datetime.date, end: datetime.date) -> dict:
    """``{"branch_meetings", "themed_party_days", "party_lectures"}`` held in the unit over the period (1 query)."""
    row = BranchMeeting.objects.for_unit(unit).between(start, end).aggregate(**_AGGREGATES)
    return {key: row[key] or 0 for key in MEETING_KEYS}


def meeting_totals_by_subunit(unit, start: datetime.date, end: datetime.date) -> list[dict]:
    """One row per sub-unit: ``{"id", "name", **meeting_totals keys}`` (2 queries)."""
    key = scope_path(BranchMeeting, next_level(level_of(unit)))
    found = {
        row[key]: row
        for row in BranchMeeting.objects.for_unit(unit)
        .between(start, end)
        .values(key)
        .annotate(**_AGGREGATES)
        .order_by()
    }
    return [
        {"id": sub.pk, "name": sub.name, **{k: found.get(sub.pk, {}).get(k) or 0 for k in MEETING_KEYS}}
        for sub in subunits(unit)
    ]


def overdue(unit, day: datetime.date, *, until: datetime.date | None = None) -> list[dict]:
    """The unit's branches that have not held a required meeting in the period of ``day`` (its month,
    quarter or year, as MeetingRequirement says), up to ``until`` (default: the period's end).

    ``[{"branch", "missing": [(kind label, period label), …]}]`` ordered by subdistrict, community and name;
    branches with nothing missing are left out. 2 queries, however many branches and meetings.
    """
    requirements = list(MeetingRequirement.objects.order_by("kind"))
    held = {}
    for requirement in requirements:
        start, end = period_bounds(requirement.period, day)
        if until is not None:
            end = min(end, until)
        held[f"held_{requirement.kind}"] = Exists(
            BranchMeeting.objects.filter(
                branch=OuterRef("pk"), kind=requirement.kind, held_on__gte=start, held_on__lte=end
            )
        )
    rows = []
    found = (
        branches(unit)
        .annotate(**held)
        .select_related("subdistrict", "community")
        .order_by("subdistrict__name", "community__name", "name", "pk")
    )
    for branch in found:
        missing = [
            (requirement.get_kind_display(), requirement.get_period_display())
            for requirement in requirements
            if not getattr(branch, f"held_{requirement.kind}")
        ]
        if missing:
            rows.append({"branch": branch, "missing": missing})
    return rows


def wish_totals(unit, start: datetime.date, end: datetime.date) -> dict:
    """Wishes entered in the period, how many of them were claimed (认领) and confirmed by the resident (1 query)."""
    row = (
        Wish.objects.for_unit(unit)
        .filter(created_at__date__gte=start, created_at__date__lte=end)
        .aggregate(
            wishes=Count("pk"),
            wishes_claimed=Count("pk", filter=Q(claimed_at__isnull=False)),
            wishes_confirmed=Count("pk", filter=Q(status=Wish.Status.CONFIRMED)),
        )
    )
    return {key: row[key] or 0 for key in WISH_KEYS}


def in_service_by_subunit(unit, end: datetime.date) -> dict:
    """Active in-service Party members reporting to the unit by ``end`` (双报到): ``{"total", sub-unit id: n}``
    (1 query)."""
    key = scope_path(InServiceMember, next_level(level_of(unit)))
    rows = (
        InServiceMember.objects.for_unit(unit)
        .filter(active=True, reported_on__lte=end)
        .values(key)
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row[key]: row["n"] for row in rows}
    return {"total": sum(counts.values()), **counts}
