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

Cost per row. The records a file names are looked up for the whole file before its rows are imported
(one query per 500 rows, by id or by natural key), and a foreign key found by a ScopedForeignKeyWidget is
not looked up a second time by Django's ``full_clean``. A register that sets ``use_bulk = True`` in its Meta
(people) also writes its rows in batches: one INSERT, one UPDATE and the change history (audit.history's
BulkImportHistoryMixin) per batch instead of several statements per row; every row is still checked before
anything is written, and a batch the database refuses is saved again row by row to name the rows at fault.
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
from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.formats import sanitize_separators
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.exceptions import ImportError as ImportExportImportError
from import_export.fields import Field
from import_export.results import Error, Result, RowResult

from ..history import record_created, record_deleted, record_updated, wants_originals
from ..personal_data import can_see_sensitive, record_shown
from ..scoping import is_scoped
from ..units import unit_of

# A cell starting with one of these runs as a formula in Excel, WPS or LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Records of a file looked up per query (ids or natural keys): few queries, and well under SQLite's limit
# of variables per statement.
LOOKUP_CHUNK = 500
# A natural key that names several records.
AMBIGUOUS = object()


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
        self._found_ids = set()  # id() of every record this widget found (see found())
        super().__init__(model, field=field, **kwargs)

    def found(self, record) -> bool:
        """Whether ``record`` is one this widget looked up (so it exists and is inside the account's unit)."""
        return id(record) in self._found_ids

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
        self._found_ids.add(id(found))
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


class BulkImportHistoryMixin:
    """For resources with ``use_bulk = True``: announces the rows written in bulk (registers.history), so
    that they have their history like rows saved one by one. In a dry run (the preview) whatever the
    listeners write is rolled back with the rows."""

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        pending = list(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        self.record_created(pending)

    def record_created(self, objs):
        """Announce a saved batch (a resource may have the history written by the database instead)."""
        record_created(self._meta.model, objs, by=self.user)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        pending = list(self.update_instances)
        model = self._meta.model
        originals = {}
        if pending and wants_originals(model):
            originals = model._default_manager.in_bulk([obj.pk for obj in pending])
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        record_updated(model, originals, pending, by=self.user)

    def bulk_delete(self, using_transactions, dry_run, raise_errors, result=None):
        pending = list(self.delete_instances)
        super().bulk_delete(using_transactions, dry_run, raise_errors, result=result)
        record_deleted(self._meta.model, pending, by=self.user)


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
        self._reset_lookups()
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
        if self.masked_fields and self.user is not None and can_see_sensitive(self.user):
            # The file holds these fields in full: the access log records who exported which records.
            record_shown(self.user, queryset, list(self.masked_fields))

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        saved = kwargs.get("using_transactions") or not kwargs.get("dry_run")
        if saved and instance.pk is not None:  # (rows created in bulk: once written, see bulk_create)
            self._in_scope_check(instance, (kwargs.get("row_number"), row))

    def _in_scope_check(self, instance, number_and_row):
        if self.user is not None and is_scoped(type(instance)):
            self._saved_rows[instance.pk] = number_and_row

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
    #
    # The records a file names are read before its rows are imported, ``LOOKUP_CHUNK`` ids or natural keys
    # per query, into ``_by_pk`` and ``_by_key`` (a key -> its record, None for no record, or AMBIGUOUS).
    # Each record is one object however it was found, and a row's save updates the index, so a later row
    # naming the same record (or a record an earlier row created) finds it as a query would have.

    def get_import_id_fields(self):
        """The id column when the file has one, else ``natural_key``, else the Meta's ``import_id_fields``."""
        if self.natural_key and not self._file_has_id:
            return list(self.natural_key)
        return super().get_import_id_fields()

    def _reset_lookups(self):
        self._by_pk, self._by_key = {}, {}
        self._pks_read = set()  # ids looked up (found or not)
        self._key_of = {}  # id(record) -> the key it is indexed under
        self._pending = {}  # id(record) -> (row number, row) of records waiting for the next bulk write
        self._stored = {}  # pk -> {column: value} as the database holds it (for bulk updates)
        self._update_columns = None  # the columns of the bulk update being written
        self._index_keys = None  # the natural key fields records are indexed under, when they can be

    def _by_id_column(self):
        id_field = self.fields.get("id")
        by_id = id_field is not None and "id" in super().get_import_id_fields()
        return id_field if by_id else None

    def _key_fields(self):
        """The fields that find a row's record when it has no id (None: such a row is a new record)."""
        if self.natural_key:
            return [self.fields[name] for name in self.natural_key]
        if self._by_id_column() is None:
            return [self.fields[name] for name in super().get_import_id_fields()]
        return None

    def _model_field(self, field):
        try:
            return self._meta.model._meta.get_field(field.attribute)
        except Exception:
            return None

    def _key_part(self, model_field, value):
        if model_field is None:  # an attribute across a relation: compared as read
            return value
        if model_field.is_relation:
            return value.pk if isinstance(value, models.Model) else value
        if value is None:
            return None
        try:
            return model_field.to_python(value)  # "12" and 12 name the same year, as in a query
        except ValidationError:
            return value

    def _row_key(self, row, key_fields):
        """The natural key a row names, or None when a column is missing or a value cannot be read (the
        row's import reports it)."""
        parts = []
        for field in key_fields:
            if field.column_name not in row:
                return None
            try:
                value = field.clean(row)
            except ValueError:
                return None
            parts.append(self._key_part(self._model_field(field), value))
        return tuple(parts)

    def _record_key(self, record, key_fields):
        parts = []
        for field in key_fields:
            model_field = self._model_field(field)
            value = getattr(record, model_field.attname if model_field.is_relation else model_field.name)
            parts.append(self._key_part(model_field, value))
        return tuple(parts)

    def _indexable(self, key_fields):
        return key_fields is not None and all(
            (f := self._model_field(field)) is not None and f.concrete for field in key_fields
        )

    def _one_object(self, record):
        """The object already standing for this record, if any: one object per record in an import."""
        if record.pk not in self._by_pk:
            self._by_pk[record.pk] = record
        if record.pk not in self._stored:  # (a record this import created is read as stored only now)
            self._stored[record.pk] = self._columns(record)
        return self._by_pk[record.pk]

    @staticmethod
    def _columns(record):
        return {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}

    def _remember(self, record):
        """After a row saved (or queued) ``record``: later rows find it under its key, and no longer under
        the key it had."""
        if record.pk is not None:
            self._by_pk[record.pk] = record
        key_fields = self._index_keys
        if key_fields is None:
            return
        key, old = self._record_key(record, key_fields), self._key_of.get(id(record))
        if old is not None and old != key and self._by_key.get(old) is record:
            self._by_key[old] = None
        present = self._by_key.get(key)
        same = present is None or present is record or (record.pk is not None and present.pk == record.pk)
        self._by_key[key] = record if same else AMBIGUOUS
        self._key_of[id(record)] = key

    def before_import(self, dataset, **kwargs):
        """Read the records the file names: by id, and by natural key for the rows without one."""
        super().before_import(dataset, **kwargs)
        self._reset_lookups()
        id_field, key_fields = self._by_id_column(), self._key_fields()
        indexable = self._indexable(key_fields)
        self._index_keys = key_fields if indexable else None
        if id_field is not None and id_field.column_name not in (dataset.headers or ()):
            id_field = None  # (check_columns has put the headers in their canonical names)
        pks, keys = set(), set()
        # A file of new records only (no id column, no natural key: an activity sheet) names nothing to read.
        for values in dataset if id_field is not None or indexable else ():
            row = self._clean_cells(dict(zip(dataset.headers, values, strict=False)))
            if not any(_text(value) for value in row.values()):
                continue
            if id_field is not None and _text(row.get(id_field.column_name)):
                try:
                    pks.add(IntegerWidget().clean(row[id_field.column_name]))
                except ValueError:
                    pass  # reported by the row
            elif indexable:
                key = self._row_key(row, key_fields)
                if key is not None:
                    keys.add(key)
        queryset = self.get_queryset()
        if self.select_related:  # the preview's before/after columns name them
            queryset = queryset.select_related(*self.select_related)
        pks = sorted(pks)
        for start in range(0, len(pks), LOOKUP_CHUNK):
            chunk = pks[start : start + LOOKUP_CHUNK]
            self._pks_read.update(chunk)
            for record in queryset.filter(pk__in=chunk):
                self._one_object(record)
        keys = list(keys)
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = set(keys[start : start + LOOKUP_CHUNK])
            condition = Q()
            for position, field in enumerate(key_fields):
                model_field = self._model_field(field)
                wanted = {key[position] for key in chunk}
                matches = Q(**{f"{model_field.attname}__in": [v for v in wanted if v is not None]})
                if None in wanted:
                    matches |= Q(**{f"{model_field.attname}__isnull": True})
                condition &= matches
            for key in chunk:
                self._by_key[key] = None
            for record in queryset.filter(condition):
                key = self._record_key(record, key_fields)
                if key in chunk:
                    record = self._one_object(record)
                    self._by_key[key] = record if self._by_key[key] is None else AMBIGUOUS
                    self._key_of[id(record)] = key

    def get_instance(self, instance_loader, row):
        id_field = self._by_id_column()
        if id_field is not None and _text(row.get(id_field.column_name)):
            try:
                pk = IntegerWidget().clean(row[id_field.column_name])
                if pk in self._pks_read:
                    if pk not in self._by_pk:
                        raise ObjectDoesNotExist
                    return self._by_pk[pk]
                return self._one_object(self.get_queryset().get(pk=pk))
            except (ValueError, ObjectDoesNotExist):
                raise ValidationError(
                    {
                        "id": gettext(
                            "There is no record with id “%(id)s” in your unit; leave the id empty to add a new record."
                        )
                        % {"id": _text(row[id_field.column_name])}
                    }
                ) from None
        key_fields = self._key_fields()
        if key_fields is None:
            return None  # no id on this row and no natural key: a new record
        key = self._row_key(row, key_fields)
        if key is None:
            return None  # import_instance() reports the bad value on this row
        if key not in self._by_key:  # not read beforehand (e.g. its unit is created by an earlier row)
            params = {field.attribute: field.clean(row) for field in key_fields}
            try:
                found = self._one_object(self.get_queryset().get(**params))
            except ObjectDoesNotExist:
                found = None
            except MultipleObjectsReturned:
                found = AMBIGUOUS
            if self._indexable(key_fields):
                self._by_key[key] = found
                if found is not None and found is not AMBIGUOUS:
                    self._key_of[id(found)] = key
        else:
            found = self._by_key[key]
        if found is AMBIGUOUS:
            raise ValidationError(
                gettext(
                    "Several records match this row; add the id column (export the register first) to choose one."
                )
            )
        return found

    # Checking and saving a row -----------------------------------------------------------------------

    def _foreign_keys_found(self, instance) -> set[str]:
        """Foreign keys of ``instance`` set from a ScopedForeignKeyWidget in this import: the widget read the
        record from the account's own records, so Django's check that it exists (one query per key and
        row in ``full_clean``) would only read it again."""
        names = set()
        for field in self.fields.values():
            widget = field.widget.inner if isinstance(field.widget, MaskedWidget) else field.widget
            if not isinstance(widget, ScopedForeignKeyWidget) or not field.attribute:
                continue
            model_field = self._model_field(field)
            if model_field is None or not model_field.many_to_one or not model_field.is_cached(instance):
                continue
            related = model_field.get_cached_value(instance)
            if (
                related is not None
                and widget.found(related)
                and getattr(instance, model_field.attname) == related.pk
            ):
                names.add(model_field.name)
        return names

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Model.full_clean() (field checks, clean(), unique fields and constraints), less the existence
        query of the foreign keys found by the widgets."""
        errors = dict(import_validation_errors or {})
        if not self._meta.clean_model_instances:
            if errors:
                raise ValidationError(errors)
            return
        exclude = set(errors)
        try:
            instance.clean_fields(exclude=exclude | self._foreign_keys_found(instance))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # As full_clean(): the unique and constraint checks only for the fields that passed.
        exclude |= {name for name in errors if name != NON_FIELD_ERRORS}
        checks = [instance.validate_unique] if validate_unique else []
        for check in [*checks, instance.validate_constraints]:
            try:
                check(exclude=exclude)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self._meta.use_bulk:
            super().save_instance(instance, is_create, row, **kwargs)
        elif id(instance) in self._pending:
            # A later row of the file names a record an earlier row queued: it is written once, as it
            # stands after the last of them.
            self.before_save_instance(instance, row, **kwargs)
            self.after_save_instance(instance, row, **kwargs)
        else:
            # Queued for the batch's INSERT or UPDATE; a record queued by an earlier row has no id yet
            # but is created, not updated.
            super().save_instance(instance, instance.pk is None, row, **kwargs)
        if self._meta.use_bulk:
            self._pending[id(instance)] = (kwargs.get("row_number"), row)
        self._remember(instance)

    def get_bulk_update_fields(self):
        """The model columns the file's fields write (not the id, not read-only or derived columns); while a
        batch is written, only those that any of its rows changes."""
        fields = []
        for field in self.fields.values():
            model_field = self._model_field(field) if field.attribute else None
            if field.readonly or model_field is None or not model_field.concrete or model_field.primary_key:
                continue
            fields.append(model_field)
        if self._update_columns is not None:
            fields = [field for field in fields if field.attname in self._update_columns] or fields
        return [field.name for field in fields]

    def _changed_columns(self, records):
        """Columns some of ``records`` changes: a bulk UPDATE writes these only (Django builds a CASE per
        row and column, the import's largest cost when all of them are written; and columns nobody changed
        are not written back over someone else's change)."""
        changed = set()
        for record in records:
            stored = self._stored.get(record.pk)
            for name, value in self._columns(record).items():
                if stored is None or stored.get(name) != value:
                    changed.add(name)
        return changed

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        pending = list(self.create_instances)
        write = super().bulk_create  # with BulkImportHistoryMixin: the batch's history as well
        self._write_batch(write, pending, True, using_transactions, dry_run, raise_errors, batch_size, result)
        for record in pending:
            number_and_row = self._pending.pop(id(record), None)
            if record.pk is not None and number_and_row is not None:
                if self._index_keys is not None:  # a later row may find it by its key and change it
                    self._stored[record.pk] = self._columns(record)
                self._remember(record)
                self._in_scope_check(record, number_and_row)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        pending = list(self.update_instances)
        write = super().bulk_update
        self._update_columns = self._changed_columns(pending)
        try:
            self._write_batch(
                write, pending, False, using_transactions, dry_run, raise_errors, batch_size, result
            )
        finally:
            self._update_columns = None
        for record in pending:
            self._pending.pop(id(record), None)
            self._stored[record.pk] = self._columns(record)

    def _write_batch(
        self, write, pending, create, using_transactions, dry_run, raise_errors, batch_size, result
    ):
        if not pending:
            return
        using = self.get_db_connection_name()
        try:
            with transaction.atomic(using=using):
                write(using_transactions, dry_run, True, batch_size=batch_size, result=None)
        except ImportExportImportError:
            if raise_errors:
                raise
            # The database refused the batch (e.g. a name saved by someone else meanwhile): save its rows
            # one by one to name the rows at fault; auditlog's signals write the history of the others.
            for record in pending:
                if create:
                    record.pk, record._state.adding = None, True
                try:
                    with transaction.atomic(using=using):
                        record.save(force_insert=create)
                except DatabaseError:
                    if create:
                        record.pk = None
                    number, row = self._pending.get(id(record), (None, None))
                    result.append_invalid_row(number, row, ValidationError(self.not_saved_message()))

    @staticmethod
    def not_saved_message():
        return gettext(
            "This row could not be saved; check it against the other rows and the existing records."
        )

    # Rows -------------------------------------------------------------------------------------------

    @staticmethod
    def _clean_cells(row):
        for key, value in row.items():
            row[key] = unescape_formula(value.strip() if isinstance(value, str) else value)
        return row

    def import_row(self, row, instance_loader, **kwargs):
        self._clean_cells(row)
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
            row_result.validation_error = ValidationError(self.not_saved_message())
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
