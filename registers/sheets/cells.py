"""What a spreadsheet cell is: text, formula-safe both ways, typed in any of the site's languages."""

import re
import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import translation

# A cell starting with one of these runs as a formula in Excel, WPS or LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Prefix an apostrophe so a spreadsheet shows the text instead of evaluating it."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo ``escape_formula`` so that a file exported here imports back to the same text."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value[1:2]
        and value[1:].startswith(FORMULA_TRIGGERS)
    ):
        return value[1:]
    return value


def cell_text(value) -> str:
    return "" if value is None else str(value).strip()


def typed_text(value) -> str:
    """A cell as typed for a number or a date: full-width digits and punctuation (２０１８／６／１, ２０人)
    read as their ASCII forms, and the spaces people leave inside a number removed."""
    return unicodedata.normalize("NFKC", cell_text(value)).strip()


# Excel counts days from 1899-12-30 (its 1900 leap-year bug included); LibreOffice and WPS do the same.
EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 (a count of days, no time zone)
# Serials read as dates: 1 (1900-01-01) is possible, but a register's dates lie between 1900 and 2100.
EXCEL_SERIALS = range(1, 73416)


def excel_serial(value) -> datetime | None:
    """The moment an Excel date serial names (43252 = 2018-06-01, 43252.375 = 09:00 that day), or None when
    ``value`` is not a serial: a number cell, or text of five digits with an optional fraction (four digits
    would be a year, eight a date written 20180601)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = typed_text(value)
        if not re.fullmatch(r"\d{5}(\.\d+)?", text):
            return None
        number = float(text)
    if int(number) not in EXCEL_SERIALS:
        return None
    return EXCEL_EPOCH + timedelta(seconds=round(number * 86400))  # (a float's 9:10 is 9:09:59.99…)


def in_every_language(lazy_text) -> set[str]:
    """The text in each of the site's languages (for headers and choices typed in either language)."""
    found = {str(lazy_text)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(lazy_text))
    return found


class ImportFileError(Exception):
    """A problem with the file as a whole (its columns): reported once, no row is imported."""


# A key that names several records (a lookup that cannot choose).
AMBIGUOUS = object()
