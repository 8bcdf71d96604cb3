"""The ranking of a unit's sub-units (区委督查室每季度进行目标考核排名), with 同比 and 环比: per sub-unit, each
ranked figure, its change against the same period last year and the period before, its rate per 1,000
residents; a score and a place. The rules are stated with the table (``RULES``).

The three periods are read together: one grouped query for the activities, one for the home visits.
"""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import pgettext, pgettext_lazy

from activities.models import Activity, period_bounds
from registers.periods import previous_period, same_period_last_year
from registers.scoping import subunit_group
from registers.units import COMMUNITY, level_of, next_level, subunits
from volunteers.models import HomeVisit

from . import summaries
from .figures import FIGURES
from .models import CommunityMonth, Target
from .tables import DEC, INT, PCT, TEXT, Column, Table

RANKED = ("activities", "participants", "visits")  # figures of reports.figures, named as there
PER_RESIDENTS = 1000
RULES = pgettext_lazy(
    "report",
    "How the ranking is made: for each of activities, participants and home visits, a sub-unit's number per "
    "1,000 residents (its total where its population is not recorded) is scored against the best among the "
    "sub-units (the best scores 100); the score is the average of the three; a higher score ranks first, "
    "equal scores share a place. 同比 compares with the same days last year, 环比 with the period of the same "
    "length just before.",
)


def _change(now, before):
    if not before:
        return None
    return round((now - before) * 100 / before, 1)


def _by_sub_from_summaries(unit, periods: dict) -> dict:
    """The same as ``_by_sub`` from the summary tables, for periods of whole months (1 query)."""
    figures = {}
    for name, (start, end) in periods.items():
        during = Q(month__gte=start, month__lte=end)
        for key in RANKED:
            figures[f"{key}_{name}"] = Coalesce(Sum(key, filter=during), 0)
    earliest = min(bounds[0] for bounds in periods.values())
    latest = max(bounds[1] for bounds in periods.values())
    rows = CommunityMonth.objects.for_unit(unit).filter(month__gte=earliest, month__lte=latest).order_by()
    group = subunit_group(CommunityMonth, unit)
    return {row[group]: row for row in rows.values(group).annotate(**figures)}


def _by_sub(unit, periods: dict) -> dict:
    """{sub-unit id: {figure_period: value}} for each named period (start, end), in two queries."""
    if all(summaries.covers(start, end) for start, end in periods.values()):
        summaries.refresh_unit(unit)
        return _by_sub_from_summaries(unit, periods)
    values: dict = {}
    earliest = min(bounds[0] for bounds in periods.values())
    latest = max(bounds[1] for bounds in periods.values())
    begin, stop = period_bounds(earliest, latest)
    activity_figures, visit_figures = {}, {}
    for name, (start, end) in periods.items():
        first, after = period_bounds(start, end)
        during = Q(start__gte=first, start__lt=after)
        activity_figures[f"activities_{name}"] = Count("pk", filter=during)
        activity_figures[f"participants_{name}"] = Coalesce(Sum("participants", filter=during), 0)
        visit_figures[f"visits_{name}"] = Count("pk", filter=Q(visited_on__gte=start, visited_on__lte=end))
    group = subunit_group(Activity, unit)
    activities = Activity.objects.for_unit(unit).filter(start__gte=begin, start__lt=stop).order_by()
    for row in activities.values(group).annotate(**activity_figures):
        values.setdefault(row[group], {}).update(row)
    group = subunit_group(HomeVisit, unit)
    visits = (
        HomeVisit.objects.for_unit(unit).filter(visited_on__gte=earliest, visited_on__lte=latest).order_by()
    )
    for row in visits.values(group).annotate(**visit_figures):
        values.setdefault(row[group], {}).update(row)
    return values


def ranking_table(unit, start, end) -> Table | None:
    """The ranking of ``unit``'s sub-units for the period (None for a community: it has none)."""
    if level_of(unit) == COMMUNITY:
        return None
    subs = subunits(unit)
    periods = {
        "now": (start, end),
        "last_year": same_period_last_year(start, end),
        "before": previous_period(start, end),
    }
    values = _by_sub(unit, periods)
    rows = []
    for sub in subs:
        own = values.get(sub.pk, {})
        population = getattr(sub, "population", None) or None
        row = {"_key": f"{next_level(level_of(unit))}:{sub.pk}", "unit": str(sub)}
        for key in RANKED:
            now = own.get(f"{key}_now", 0)
            row[key] = now
            row[f"{key}_yoy"] = _change(now, own.get(f"{key}_last_year", 0))
            row[f"{key}_mom"] = _change(now, own.get(f"{key}_before", 0))
            row[f"{key}_rate"] = round(now * PER_RESIDENTS / population, 2) if population else None
        rows.append(row)
    targets = {
        (target.unit, target.figure): target.value
        for target in Target.objects.filter(
            unit__in=[row["_key"] for row in rows], year=end.year, figure__in=RANKED
        )
    }
    for row in rows:
        for key in RANKED:
            target = targets.get((row["_key"], key))
            row[f"{key}_target"] = target
            row[f"{key}_progress"] = round(row[key] * 100 / target, 1) if target else None
    for key in RANKED:
        measure = [row[f"{key}_rate"] if row[f"{key}_rate"] is not None else row[key] for row in rows]
        best = max(measure, default=0) or 1
        for row, value in zip(rows, measure, strict=True):
            row["score"] = row.get("score", 0) + value * 100 / best / len(RANKED)
    for row in rows:
        row["score"] = round(row["score"], 1)
    rows.sort(key=lambda row: (-row["score"], row["unit"]))
    for index, row in enumerate(rows):
        same = index and rows[index - 1]["score"] == row["score"]
        row["place"] = rows[index - 1]["place"] if same else index + 1
    columns = [
        Column("place", pgettext("report", "place"), INT),
        Column("unit", pgettext("report", "unit"), TEXT),
    ]
    labels = {figure.key: figure.label for figure in FIGURES}
    for key in RANKED:
        label = labels[key]
        targeted = any((row["_key"], key) in targets for row in rows)
        columns += [
            Column(key, str(label), INT),
            *(
                [
                    Column(f"{key}_target", pgettext("report", "%(figure)s, target for %(year)s") % {"figure": label, "year": end.year}, DEC),
                    Column(f"{key}_progress", pgettext("report", "%(figure)s, share of the target (%%)") % {"figure": label}, PCT),
                ]
                if targeted
                else []
            ),
            Column(f"{key}_rate", pgettext("report", "%(figure)s per 1,000 residents") % {"figure": label}, DEC),
            Column(f"{key}_yoy", pgettext("report", "%(figure)s, change on last year (%%)") % {"figure": label}, PCT),
            Column(f"{key}_mom", pgettext("report", "%(figure)s, change on the period before (%%)") % {"figure": label}, PCT),
        ]  # fmt: skip
    columns.append(Column("score", pgettext("report", "score"), DEC))
    return Table("ranking", pgettext("report", "ranking of the sub-units"), columns, rows, note=str(RULES))
