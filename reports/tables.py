"""The shapes the dashboard is made of: a ``Dashboard`` is a list of named ``Table``s the page renders, the
XLSX export writes one sheet each and the CSV export writes one of."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

TEXT, INT, DEC, PCT, DATE, MONTH = "text", "int", "dec", "pct", "date", "month"


@dataclass
class Column:
    key: str
    label: str
    kind: str = INT

    @property
    def is_number(self) -> bool:
        return self.kind not in (TEXT, DATE, MONTH)

    def shown(self, value):
        """A date as the page shows it (the XLSX keeps it a date cell): 2016-01-01, or 2018-01 for a month."""
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m") if self.kind == MONTH else value.isoformat()
        return value


@dataclass
class Table:
    """A table of the dashboard. Each row is a dict of values by column key, plus ``_links`` (column key →
    admin URL counting the same records, or a function giving them) and ``_key`` (a stable id of the row, e.g. a figure's name)."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    note: str = ""  # how the table is made, printed under its title (the ranking's rules)
    # A listing that grows with the unit (venues, teams): the page shows at most ``page_limit`` rows, those
    # with the most of ``page_order``'s columns; the XLSX and CSV files list every row.
    page_limit: int | None = None
    page_order: tuple = ()

    @cached_property  # the page asks several times; a city's listing sorts thousands of rows
    def page_rows(self) -> list[dict]:
        if self.page_limit is None or len(self.rows) <= self.page_limit:
            return self.rows
        busiest = sorted(self.rows, key=lambda row: -sum(row.get(key) or 0 for key in self.page_order))
        return busiest[: self.page_limit]

    @property
    def rows_left_out(self) -> int:
        return len(self.rows) - len(self.page_rows)

    @property
    def display_rows(self) -> list[dict]:
        """The page's rows for the template: ``{"key", "cells": [{"value", "number", "link"}]}``."""
        result = []
        for row in self.page_rows:
            links = row.get("_links") or {}
            if callable(links):  # a listing's links, made only for the rows the page shows
                links = links()
            cells = []
            for column in self.columns:
                value = row.get(column.key)
                cells.append(
                    {
                        "value": "" if value is None else column.shown(value),
                        "number": column.is_number and value is not None and value != "",
                        "link": links.get(column.key) or "",
                    }
                )
            result.append({"key": row.get("_key", ""), "cells": cells})
        return result

    @property
    def body_html(self) -> SafeString:
        """The page's rows as the template would write them (``{{ value }}`` localised and escaped, the
        number's ``data-value`` unlocalised), in Python: a district's breakdown has thousands of cells, and the
        template's loop over them cost the page more than its queries."""
        html = []
        for row in self.display_rows:
            cells = []
            for cell in row["cells"]:
                shown = conditional_escape(str(localize(cell["value"])))
                if not cell["number"]:
                    cells.append(f"<td>{shown}</td>")
                    continue
                if cell["link"]:
                    shown = f'<a href="{conditional_escape(cell["link"])}">{shown}</a>'
                raw = conditional_escape(str(localize(cell["value"], use_l10n=False)))
                cells.append(f'<td class="num" data-value="{raw}">{shown}</td>')
            html.append(f'<tr data-row="{conditional_escape(row["key"])}">{"".join(cells)}</tr>')
        return mark_safe("\n".join(html))  # every value above is escaped

    def value(self, row_key: str, column: str):
        for row in self.rows:
            if row.get("_key") == row_key:
                return row.get(column)
        raise KeyError(row_key)


@dataclass
class Dashboard:
    unit: object
    start: datetime.date
    end: datetime.date
    tables: list[Table]
    totals: dict
    months: list[dict]
    breakdown: list[dict]
    community_names: dict = field(default_factory=dict)

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)
