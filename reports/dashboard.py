"""The dashboard: every figure of a unit and a period, as named tables (no models of its own).

``build(unit, start, end)`` gathers the counts once (``reports.gather``), walks the figure definitions
(``reports.figures``) for the totals, the breakdown by sub-unit and the months, then adds the listings
(``reports.listings``). The number of queries is fixed whatever the data size (about 40).

Standing figures (teams, venues, Party organisations, partners, lecturers) count what exists at the end of
the period; flows (visits, activities, receptions) count what happened within it. "Person-times" are named
for what they count: visits are person-times served (服务人次); participants are activity person-times.
"""

from __future__ import annotations

import datetime

from django.utils.translation import pgettext_lazy

from registers.periods import months
from registers.units import next_level

from .figures import FIGURES, LEVEL_NAMES
from .gather import Data, gather
from .listings import LISTINGS
from .tables import DEC, TEXT, Column, Dashboard, Table


def totals_table(d: Data, totals: dict) -> Table:
    rows = [
        {
            "_key": figure.key,
            "figure": figure.label,
            "value": totals[figure.key],
            "_links": {"value": figure.link(d, None) if figure.link else None},
        }
        for figure in FIGURES
        if totals[figure.key] is not None
    ]
    columns = [
        Column("figure", pgettext_lazy("report", "figure"), TEXT),
        Column("value", pgettext_lazy("report", "value"), DEC),
    ]
    return Table("totals", pgettext_lazy("report", "totals"), columns, rows)


def breakdown_table(d: Data) -> Table:
    figures = [f for f in FIGURES if f.per_sub]
    rows = []
    for sub in d.subunits:
        row = {"_key": f"{next_level(d.level)}:{sub.pk}", "unit": str(sub)}
        row.update({figure.key: figure.per_sub(d, sub.pk) for figure in figures})
        row["_links"] = {figure.key: figure.link(d, sub) for figure in figures if figure.link_per_sub}
        rows.append(row)
    columns = [Column("unit", LEVEL_NAMES[next_level(d.level)], TEXT)]
    columns += [Column(f.key, f.label, f.kind) for f in figures if d.level in f.breakdown_levels]
    return Table("breakdown", pgettext_lazy("report", "by sub-unit"), columns, rows)


def months_table(d: Data) -> Table:
    figures = [f for f in FIGURES if f.per_month]
    rows = []
    for month in months(d.start, d.end):
        row = {"_key": month.strftime("%Y-%m"), "month": month.strftime("%Y-%m")}
        row.update({figure.key: figure.per_month(d, month) for figure in figures})
        rows.append(row)
    columns = [Column("month", pgettext_lazy("report", "month"), TEXT)]
    columns += [Column(figure.key, figure.label, figure.kind) for figure in figures]
    return Table("months", pgettext_lazy("report", "by month"), columns, rows)


def build(unit, start: datetime.date, end: datetime.date, *, live: bool = False) -> Dashboard:
    d = gather(unit, start, end, live=live)
    totals = {figure.key: figure.total(d) for figure in FIGURES}
    breakdown, months = breakdown_table(d), months_table(d)
    tables = [totals_table(d, totals), breakdown, months, *(listing(d) for listing in LISTINGS)]
    return Dashboard(unit, start, end, tables, totals, months.rows, breakdown.rows)
