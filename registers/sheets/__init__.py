"""Import and export of the registers' spreadsheets (django-import-export), scoped to the account."""

from .cells import AMBIGUOUS, ImportFileError, cell_text, escape_formula, unescape_formula
from .lookups import LOOKUP_CHUNK
from .resource import ScopedModelResource
from .widgets import (
    BooleanWidget,
    CachedNameWidget,
    ChoiceWidget,
    DateTimeWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    MaskedWidget,
    ScopedForeignKeyWidget,
    index_by,
)

__all__ = [
    "AMBIGUOUS",
    "LOOKUP_CHUNK",
    "CachedNameWidget",
    "DateTimeWidget",
    "cell_text",
    "index_by",
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
