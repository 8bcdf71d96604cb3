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


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def previous_month(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month before ``day``'s."""
    return month_bounds(day.replace(day=1) - datetime.timedelta(days=1))


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """(year, quarter 1–4) of ``day``."""
    return day.year, (day.month - 1) // 3 + 1


def previous_quarter(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the quarter before ``day``'s (Q4 of last year from January to March)."""
    year, quarter = quarter_of(day)
    return quarter_bounds(year - 1, 4) if quarter == 1 else quarter_bounds(year, quarter - 1)


# The periods a list's date filter offers, relative to today (local date): key, and the period's days.
PRESETS = ("this_month", "last_month", "this_quarter", "last_quarter", "this_year", "last_year")


def preset_bounds(key: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return {
        "this_month": lambda: month_bounds(today),
        "last_month": lambda: previous_month(today),
        "this_quarter": lambda: quarter_bounds(*quarter_of(today)),
        "last_quarter": lambda: previous_quarter(today),
        "this_year": lambda: year_bounds(today.year),
        "last_year": lambda: year_bounds(today.year - 1),
    }[key]()


def same_period_last_year(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The same days a year earlier (29 February read as the 28th): what 同比 compares with."""

    def back(day):
        return day.replace(
            year=day.year - 1, day=min(day.day, calendar.monthrange(day.year - 1, day.month)[1])
        )

    return back(start), back(end)


def previous_period(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period of the same length just before (环比): whole months before whole months (a quarter before a
    quarter, a month before a month), else the same number of days."""
    if start.day == 1 and end == month_bounds(end)[1]:
        count = (end.year - start.year) * 12 + end.month - start.month + 1
        first = start
        for _month in range(count):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        return first, start - datetime.timedelta(days=1)
    length = end - start
    return start - length - datetime.timedelta(days=1), start - datetime.timedelta(days=1)
