"""Import/export base for every register: scoped to the importing account, safe cells on export."""

from import_export import resources, widgets

from .scoping import is_scoped

# A cell starting with one of these runs as a formula in Excel, WPS or LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Prefix an apostrophe so a spreadsheet shows the text instead of evaluating it."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks the related record up only among those the importing account may see."""

    def get_queryset(self, value, row, *args, **kwargs):
        queryset = super().get_queryset(value, row, *args, **kwargs)
        user = kwargs.get("user")
        if user is not None and is_scoped(self.model):
            queryset = queryset.for_user(user)
        return queryset


class ScopedModelResource(resources.ModelResource):
    """Updates only records inside the account's unit; every exported cell is formula-safe."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.for_user(self.user) if self.user is not None else queryset

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))
