"""The shapes the dashboard is made of: a ``Dashboard`` is a list of named ``Table``s the page renders, the
XLSX export writes one sheet each and the CSV export writes one of."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

TEXT, INT, DEC, PCT, DATE = "text", "int", "dec", "pct", "date"


@dataclass
class Column:
    key: str
    label: str
    kind: str = INT

    @property
    def is_number(self) -> bool:
        return self.kind != TEXT and self.kind != DATE


@dataclass
class Table:
    """A table of the dashboard. Each row is a dict of values by column key, plus ``_links`` (column key →
    admin URL counting the same records) and ``_key`` (a stable id of the row, e.g. a figure's name)."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    @property
    def display_rows(self) -> list[dict]:
        """Rows for the template: ``{"key", "cells": [{"value", "number", "link"}]}``."""
        result = []
        for row in self.rows:
            links = row.get("_links") or {}
            cells = []
            for column in self.columns:
                value = row.get(column.key)
                cells.append(
                    {
                        "value": "" if value is None else value,
                        "number": column.is_number and value is not None and value != "",
                        "link": links.get(column.key) or "",
                    }
                )
            result.append({"key": row.get("_key", ""), "cells": cells})
        return result

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
