"""What a spreadsheet cell is: text, formula-safe both ways, typed in any of the site's languages."""

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
