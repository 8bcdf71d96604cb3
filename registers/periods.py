"""Periods a report or a list covers: months, quarters and their first and last days (both included)."""

import calendar
import datetime


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month ``day`` falls in."""
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of ``quarter`` (1–4) of ``year``."""
    first = datetime.date(year, 3 * quarter - 2, 1)
    return first, month_bounds(first.replace(month=3 * quarter))[1]


def months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every month from ``start``'s to ``end``'s."""
    found, month = [], start.replace(day=1)
    while month <= end:
        found.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return found
