"""Import and export of the registers' spreadsheets (django-import-export), scoped to the account."""

from .resource import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    ImportFileError,
    IntegerWidget,
    MaskedWidget,
    ScopedForeignKeyWidget,
    ScopedModelResource,
    escape_formula,
    unescape_formula,
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
