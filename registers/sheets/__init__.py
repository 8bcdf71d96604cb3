"""Import and export of the registers' spreadsheets (django-import-export), scoped to the account."""

from .cells import ImportFileError, escape_formula, unescape_formula
from .resource import ScopedModelResource
from .widgets import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    MaskedWidget,
    ScopedForeignKeyWidget,
)

__all__ = [
    "BooleanWidget",
    "ChoiceWidget",
    "DateWidget",
    "DecimalWidget",
    "ImportFileError",
    "IntegerWidget",
    "MaskedWidget",
    "ScopedForeignKeyWidget",
    "ScopedModelResource",
    "escape_formula",
    "unescape_formula",
]
