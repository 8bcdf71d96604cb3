"""Import/export base for every register: scoped to the importing account, clear messages, safe cells.

Every app's resources inherit from ``ScopedModelResource`` and get, without writing anything:

- lookups and updates limited to the account's unit (``ScopedForeignKeyWidget``, ``get_queryset``), and a
  row whose record would end up outside the unit refused as a bad row;
- headers in the user's language, and files with headers in any of the site's languages accepted;
- a file with missing or unknown columns refused as a whole with one clear message;
- every bad row reported with its row number in the file and a reason in the user's language
  (bad number, bad date, unknown choice, unit not found in your unit …), never library internals;
- a re-import updating instead of duplicating: by the id column when present, else by ``natural_key``;
- every exported cell passed through ``escape_formula`` (and the escape undone on import).
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db import models
from django.utils import translation
from django.utils.formats import sanitize_separators
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.results import Error, Result, RowResult

from audit.access import log_sensitive_access_many
from audit.history import BulkImportHistoryMixin  # history for rows imported with use_bulk

from .scoping import is_scoped, unit_of

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


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _in_every_language(lazy_text) -> set[str]:
    """The text in each of the site's languages (for headers and choices typed in either language)."""
    found = {str(lazy_text)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(lazy_text))
    return found


class ImportFileError(Exception):
    """A problem with the file as a whole (its columns): reported once, no row is imported."""


# Widgets: each raises ValueError with a message for the user; the library turns it into a row error.


class IntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        try:
            number = Decimal(str(sanitize_separators(_text(value))))
        except (InvalidOperation, ValueError, TypeError):
            number = None
        if (
            number is None
            or not number.is_finite()
            or number != number.to_integral_value()
            or abs(number) >= 10**15
        ):
            raise ValueError(gettext("“%(value)s” is not a whole number.") % {"value": _text(value)})
        return int(number)


class DecimalWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        try:
            number = Decimal(str(sanitize_separators(_text(value))))
        except (InvalidOperation, ValueError, TypeError):
            number = None
        if number is None or not number.is_finite():
            raise ValueError(gettext("“%(value)s” is not a number.") % {"value": _text(value)})
        return number


class DateWidget(widgets.DateWidget):
    """Dates as spreadsheets hold them (date cells) or as people type them (2018-05-31, 2018/5/31, 2018年5月31日)."""

    INPUT_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")

    def __init__(self, format="%Y-%m-%d", coerce_to_string=True):
        super().__init__(format=format, coerce_to_string=coerce_to_string)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            return None
        for input_format in self.INPUT_FORMATS:
            try:
                return datetime.strptime(text, input_format).date()  # noqa: DTZ007 (a date, no time zone)
            except ValueError:
                continue
        raise ValueError(gettext("“%(value)s” is not a date; write dates like 2018-05-31.") % {"value": text})


class BooleanWidget(widgets.BooleanWidget):
    """Yes/no in words people type: 是/否, yes/no, true/false, 1/0; exported as 是/否 (or yes/no)."""

    YES = {"1", "true", "yes", "y", "是", "√", "✓", "t"}
    NO = {"0", "false", "no", "n", "否", "×", "x", "f"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            if value in (0, 1):
                return bool(value)
        text = _text(value).casefold()
        if not text:
            return None
        if not hasattr(self, "_words"):  # once per import: the words in every site language
            self._words = (
                self.YES | {t.casefold() for t in _in_every_language(_("yes"))},
                self.NO | {t.casefold() for t in _in_every_language(_("no"))},
            )
        if text in self._words[0]:
            return True
        if text in self._words[1]:
            return False
        raise ValueError(gettext("“%(value)s” is not yes or no; write 是 or 否.") % {"value": _text(value)})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return gettext("yes") if value else gettext("no")


class ChoiceWidget(widgets.CharWidget):
    """A field with choices: exported as its label, imported from the label (either language) or the code."""

    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return ""
        if not hasattr(
            self, "_codes"
        ):  # once per import: each choice's code and label in every site language
            self._codes = {}
            for code, label in self.choices:
                for spelling in {str(code), *_in_every_language(label)}:
                    self._codes.setdefault(spelling.casefold(), code)
        code = self._codes.get(text.casefold())
        if code is not None:
            return code
        raise ValueError(
            gettext("“%(value)s” is not one of the choices: %(choices)s.")
            % {"value": text, "choices": "、".join(str(label) for _code, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        for code, label in self.choices:
            if code == value:
                return str(label)
        return "" if value is None else str(value)


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Finds the related record by ``field`` (usually its name) only among those the account may see.

    ``row_filters`` narrows the lookup with other fields of the same resource where names repeat across
    units, e.g. ``{"community__name": "community"}`` finds a grid by its name within the row's community.
    """

    def __init__(self, model, field="name", row_filters=None, **kwargs):
        self.row_filters = row_filters or {}  # lookup -> resource field name
        self.row_columns = {}  # lookup -> that field's column header, bound by ScopedModelResource
        self.user = None  # bound by ScopedModelResource to the importing account
        self._found = {}
        super().__init__(model, field=field, **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        queryset = super().get_queryset(value, row, *args, **kwargs)
        user = self.user or kwargs.get("user")
        if user is not None and is_scoped(self.model):
            queryset = queryset.for_user(user)
        for lookup, column in self.row_columns.items():
            narrowing = _text((row or {}).get(column))
            if narrowing:
                queryset = queryset.filter(**{lookup: narrowing})
        return queryset

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        # A file names the same few units on every row: look each up once per import (found ones only, so a
        # unit created by an earlier row of the same file is still found).
        key = (text, *(_text((row or {}).get(column)) for column in self.row_columns.values()))
        if key in self._found:
            return self._found[key]
        try:
            found = self.get_queryset(text, row, **kwargs).get(**self.get_lookup_kwargs(text, row, **kwargs))
        except ObjectDoesNotExist:
            user = self.user or kwargs.get("user")
            if user is not None and not user.is_superuser:
                message = gettext("%(model)s “%(value)s” was not found in your unit (%(unit)s).")
            else:
                message = gettext("%(model)s “%(value)s” was not found.")
            raise ValueError(
                message % {"model": self.model._meta.verbose_name, "value": text, "unit": unit_of(user)}
            ) from None
        except MultipleObjectsReturned:
            raise ValueError(
                gettext("Several %(model)s are named “%(value)s”; add the column that tells them apart.")
                % {"model": self.model._meta.verbose_name_plural, "value": text}
            ) from None
        except (ValueError, TypeError):
            raise ValueError(
                gettext("%(model)s “%(value)s” was not found.")
                % {"model": self.model._meta.verbose_name, "value": text}
            ) from None
        self._found[key] = found
        return found


class MaskedWidget(widgets.Widget):
    """Shows a masked value (138****1234) wherever the resource renders the field: export and the preview's
    before/after comparison; reads imported values with the field's own widget."""

    def __init__(self, inner, mask):
        self.inner, self.mask = inner, mask
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        return self.inner.clean(value, row=row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return self.mask(value) if value else ""


class ScopedResult(Result):
    """Reports row numbers as the spreadsheet shows them: the header is row 1, the first record row 2."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)


class ScopedModelResource(BulkImportHistoryMixin, resources.ModelResource):
    """Updates only records inside the account's unit; every exported cell is formula-safe.

    Subclasses declare ``natural_key``: the resource field names that identify a record when the file has no
    id column (e.g. ``("community", "name")``), so that re-importing a file updates instead of duplicating.
    """

    natural_key: tuple[str, ...] = ()
    #: Sensitive fields and how to mask them ({"phone": mask_phone}) for accounts without
    #: communities.view_sensitive_personal_data: in exports and in the import preview.
    masked_fields: dict = {}
    #: Relations the export reads for every row (fetched in the same query).
    select_related: tuple[str, ...] = ()

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "DecimalField": DecimalWidget,
        "DateField": DateWidget,
        "IntegerField": IntegerWidget,
        "PositiveIntegerField": IntegerWidget,
        "BigIntegerField": IntegerWidget,
        "PositiveBigIntegerField": IntegerWidget,
        "PositiveSmallIntegerField": IntegerWidget,
        "SmallIntegerField": IntegerWidget,
        "AutoField": IntegerWidget,
        "BigAutoField": IntegerWidget,
        "SmallAutoField": IntegerWidget,
        "BooleanField": BooleanWidget,
    }

    class Meta:
        clean_model_instances = True  # full_clean(): field validators, model clean(), constraints
        skip_unchanged = True  # a re-import of the same file changes nothing
        report_skipped = True  # … and the preview says so
        use_transactions = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._file_has_id = False
        self._saved_rows = {}  # pk -> (row number, row) of the rows saved by this import
        for field in self.fields.values():
            # Headers in the user's language, fixed for this import/export ("households" -> "Households").
            field.column_name = "ID" if field.column_name == "id" else capfirst(str(field.column_name))
            if isinstance(field.widget, ScopedForeignKeyWidget):
                field.widget.user = user
        if user is not None and not user.has_perm("communities.view_sensitive_personal_data"):
            for name, mask in self.masked_fields.items():
                self.fields[name].widget = MaskedWidget(self.fields[name].widget, mask)
        for field in self.fields.values():
            if isinstance(field.widget, ScopedForeignKeyWidget):
                field.widget.row_columns = {
                    lookup: self.fields[name].column_name for lookup, name in field.widget.row_filters.items()
                }

    # Declaring fields -------------------------------------------------------------------------------

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        related = getattr(django_field, "related_model", None)
        if isinstance(django_field, models.ForeignKey) and is_scoped(related):
            # By id, looked up only among the account's records (declare a name-based field where people
            # type names: ScopedForeignKeyWidget(Model, "name")).
            field = Field(
                attribute=field_name,
                column_name=field_name,
                widget=ScopedForeignKeyWidget(related, field="pk"),
                readonly=readonly,
            )
        elif django_field.choices and not isinstance(django_field, models.ForeignKey):
            field = Field(
                attribute=field_name,
                column_name=field_name,
                widget=ChoiceWidget(django_field.choices),
                readonly=readonly,
                default=django_field.default,
            )
        else:
            field = super().field_from_django_field(field_name, django_field, readonly)
        if field_name == "id":
            field.readonly = True  # ids identify records (get_instance); they are never written
            field.column_name = _("id")
        else:
            field.column_name = django_field.verbose_name
        return field

    @classmethod
    def get_result_class(cls):
        return ScopedResult

    # Scope ------------------------------------------------------------------------------------------

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.for_user(self.user) if self.user is not None else queryset

    def after_export(self, queryset, dataset, **kwargs):
        super().after_export(queryset, dataset, **kwargs)
        if (
            self.masked_fields
            and self.user is not None
            and self.user.has_perm("communities.view_sensitive_personal_data")
        ):
            # The file holds these fields in full: the access log records who exported which records.
            log_sensitive_access_many(self.user, queryset, list(self.masked_fields))

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        saved = kwargs.get("using_transactions") or not kwargs.get("dry_run")
        if self.user is not None and saved and instance.pk is not None and is_scoped(type(instance)):
            self._saved_rows[instance.pk] = (kwargs.get("row_number"), row)

    def after_import(self, dataset, result, **kwargs):
        """A saved row whose record is no longer inside the account's unit is a bad row (and, being one,
        rolls the whole import back). Checked with the same ``for_user`` query as everything else, in one
        query per thousand rows rather than one per row."""
        super().after_import(dataset, result, **kwargs)
        pks = list(self._saved_rows)
        inside = set()
        for start in range(0, len(pks), 1000):
            chunk = pks[start : start + 1000]
            inside.update(self.get_queryset().filter(pk__in=chunk).values_list("pk", flat=True))
        message = gettext("This record would fall outside your unit (%(unit)s).") % {
            "unit": unit_of(self.user)
        }
        for pk in pks:
            if pk not in inside:
                number, row = self._saved_rows[pk]
                result.append_invalid_row(number, row, ValidationError(message))
        result.invalid_rows.sort(key=lambda invalid: invalid.number)
        self._saved_rows = {}

    # The file as a whole ----------------------------------------------------------------------------

    def header_aliases(self) -> dict[str, str]:
        """Every accepted spelling of each column (any site language, or the field name) -> its header."""
        aliases = {}
        declared = type(self).fields
        for name, field in self.fields.items():
            spellings = {name, field.column_name}
            if name in declared:
                spellings |= _in_every_language(declared[name].column_name)
            for spelling in spellings:
                aliases[spelling.strip().casefold()] = field.column_name
        return aliases

    def required_columns(self) -> list[str]:
        """Columns a file must have: those of required model fields, and the natural key when no id column."""
        required = []
        for name, field in self.fields.items():
            if field.readonly or not field.attribute:
                continue
            try:
                model_field = self._meta.model._meta.get_field(
                    field.attribute.split("__")[0].removesuffix("_id")
                )
            except Exception:
                continue
            if name in self.natural_key or (
                not model_field.blank and not model_field.has_default() and not model_field.auto_created
            ):
                required.append(field.column_name)
        return required

    def check_columns(self, dataset) -> None:
        headers = [_text(h) for h in (dataset.headers or [])]
        if not any(headers):
            raise ImportFileError(gettext("The file has no header row: its first row must name the columns."))
        aliases = self.header_aliases()
        renamed, unknown = [], []
        for header in headers:
            if not header:
                renamed.append("")
                continue
            canonical = aliases.get(header.casefold())
            if canonical is None:
                unknown.append(header)
            renamed.append(canonical or header)
        duplicated = sorted({h for h in renamed if h and renamed.count(h) > 1})
        id_column = self.fields["id"].column_name if "id" in self.fields else None
        has_id = id_column in renamed
        missing = [c for c in self.required_columns() if c not in renamed and not (has_id and c != id_column)]
        problems = []
        if missing:
            problems.append(gettext("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
        if unknown:
            problems.append(gettext("Unknown columns: %(columns)s.") % {"columns": "、".join(unknown)})
        if duplicated:
            problems.append(gettext("Repeated columns: %(columns)s.") % {"columns": "、".join(duplicated)})
        if problems:
            expected = "、".join(f.column_name for f in self.get_user_visible_fields())
            raise ImportFileError(
                " ".join(
                    [gettext("The file's columns do not match this register."), *problems]
                    + [gettext("The columns are: %(columns)s.") % {"columns": expected}]
                )
            )
        dataset.headers = renamed
        self._file_has_id = has_id

    def import_data(self, dataset, *args, **kwargs):
        # All or nothing: a file with any bad row writes nothing, also at the confirm step.
        kwargs["rollback_on_validation_errors"] = True
        # Spreadsheet programs leave formatted but empty rows at the end of a sheet.
        while len(dataset) and not any(_text(value) for value in dataset[-1]):
            del dataset[-1]
        try:
            self.check_columns(dataset)
        except ImportFileError as error:
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            result.append_base_error(Error(error))
            return result
        return super().import_data(dataset, *args, **kwargs)

    # Finding the record a row updates ---------------------------------------------------------------

    def get_import_id_fields(self):
        """The id column when the file has one, else ``natural_key``, else the Meta's ``import_id_fields``."""
        if self.natural_key and not self._file_has_id:
            return list(self.natural_key)
        return super().get_import_id_fields()

    def get_instance(self, instance_loader, row):
        queryset = self.get_queryset()
        id_field = self.fields.get("id")
        by_id = id_field is not None and "id" in super().get_import_id_fields()
        if by_id and _text(row.get(id_field.column_name)):
            try:
                pk = IntegerWidget().clean(row[id_field.column_name])
                return queryset.get(pk=pk)
            except (ValueError, ObjectDoesNotExist):
                raise ValidationError(
                    {
                        "id": gettext(
                            "There is no record with id “%(id)s” in your unit; leave the id empty to add a new record."
                        )
                        % {"id": _text(row[id_field.column_name])}
                    }
                ) from None
        if self.natural_key:
            key_fields = [self.fields[name] for name in self.natural_key]
        elif not by_id:
            key_fields = [self.fields[name] for name in super().get_import_id_fields()]
        else:
            return None  # no id on this row and no natural key: a new record
        params = {}
        for field in key_fields:
            if field.column_name not in row:
                return None
            try:
                params[field.attribute] = field.clean(row)
            except ValueError:
                return None  # import_instance() reports the bad value on this row
        try:
            return queryset.get(**params)
        except ObjectDoesNotExist:
            return None
        except MultipleObjectsReturned:
            raise ValidationError(
                gettext(
                    "Several records match this row; add the id column (export the register first) to choose one."
                )
            ) from None

    # Rows -------------------------------------------------------------------------------------------

    def import_row(self, row, instance_loader, **kwargs):
        for key, value in row.items():
            row[key] = unescape_formula(value.strip() if isinstance(value, str) else value)
        if not any(_text(value) for value in row.values()):
            # A blank line between records (spreadsheets keep them): nothing to import, nothing wrong.
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            row_result.diff = ["" for _header in self.get_diff_headers()]
            return row_result
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.errors:
            # An error the widgets and full_clean() did not foresee (e.g. the database refused the row):
            # the user gets a sentence, not an exception class.
            row_result.errors = []
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(
                gettext(
                    "This row could not be saved; check it against the other rows and the existing records."
                )
            )
        if row_result.validation_error is not None:
            row_result.validation_error = self._with_column_names(row_result.validation_error)
        return row_result

    def _with_column_names(self, error: ValidationError) -> ValidationError:
        """Key a row's errors by the file's column headers instead of model attribute names."""
        if not hasattr(error, "error_dict"):
            return error
        by_attribute = {}
        for name, field in self.fields.items():
            if field.attribute:
                by_attribute.setdefault(field.attribute, field.column_name)
                by_attribute.setdefault(field.attribute.removesuffix("_id"), field.column_name)
            by_attribute.setdefault(name, field.column_name)
        relabelled = {}
        for key, messages in error.message_dict.items():
            label = NON_FIELD_ERRORS if key == NON_FIELD_ERRORS else by_attribute.get(key, key)
            relabelled.setdefault(label, []).extend(messages)
        return ValidationError(relabelled)

    # Export -----------------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        queryset = super().filter_export(queryset, **kwargs)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))
