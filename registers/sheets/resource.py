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
(people) also writes its rows in batches: one INSERT, one UPDATE and the change history
(registers.sheets.batches) per batch instead of several statements per row; every row is still checked before
anything is written, and a batch the database refuses is saved again row by row to name the rows at fault.
"""

import functools
import time

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ValidationError,
)
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.fields import Field
from import_export.results import Error, Result, RowResult

from ..personal_data import MASKED, can_see_sensitive, declaration, mask, record_export_shown
from ..phones import validate_phone
from ..scoping import is_scoped
from ..units import unit_of
from .batches import BatchWrites
from .cells import ImportFileError, cell_text, escape_formula, in_every_language, unescape_formula
from .lookups import RecordLookups
from .template import is_example_row
from .widgets import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    MaskedWidget,
    PhoneWidget,
    ScopedForeignKeyWidget,
)

# Rows of a file searched for its header when title rows stand above it.
HEADER_SEARCH_ROWS = 10
# A background import writes its progress at most this often.
PROGRESS_EVERY_SECONDS = 1.0
# Rows an export reads at a time (with their many-to-many values, prefetched once per chunk).
EXPORT_CHUNK_ROWS = 2000


class ScopedResult(Result):
    """Reports row numbers as the spreadsheet shows them: the header is row 1, the first record row 2.

    With ``kept_rows`` (a background job's import: its page shows only the first rows) it keeps that many
    rows' results, every row with an error and the first row of each kind; the totals count every row, and
    a 100,000-row sheet does not keep 100,000 results in memory.
    """

    def __init__(self, *args, kept_rows=None, lines_above=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_rows, self._kinds_kept = kept_rows, set()
        self.lines_above = lines_above  # the header, and any title rows above it
        self.notices = []  # what the preview should tell about the file as a whole (not errors)

    def append_row_result(self, row_result):
        if getattr(row_result, "passed_over", False):
            return  # (nothing to preview)
        if (
            self.kept_rows is None
            or len(self.rows) < self.kept_rows
            or row_result.errors
            or row_result.import_type not in self._kinds_kept
        ):
            self.rows.append(row_result)
            self._kinds_kept.add(row_result.import_type)

    def increment_row_result_total(self, row_result):
        # A blank line or the template's example row is no record: not counted as "unchanged".
        if not getattr(row_result, "passed_over", False):
            super().increment_row_result_total(row_result)

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + self.lines_above, row, validation_error)


class ScopedModelResource(RecordLookups, BatchWrites, resources.ModelResource):
    """Updates only records inside the account's unit; every exported cell is formula-safe.

    Subclasses declare ``natural_key``: the resource field names that identify a record when the file has no
    id column (e.g. ``("community", "name")``), so that re-importing a file updates instead of duplicating.
    """

    natural_key: tuple[str, ...] = ()
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

    def __init__(self, user=None, on_progress=None, kept_rows=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.on_progress = on_progress  # called with the rows read or written so far (a background job's)
        self.kept_rows = kept_rows  # rows whose results are kept (ScopedResult); None: all
        self.rows_read, self._next_progress = 0, 0.0
        self._file_has_id = False
        self._lines_above = 1  # lines of the file above its first record: the header, and title rows
        self._saved_rows = {}  # pk -> the row number (in the dataset) of the rows saved by this import
        self._reset_lookups()
        for field in self.fields.values():
            # Headers in the user's language, fixed for this import/export ("households" -> "Households").
            field.column_name = "ID" if field.column_name == "id" else capfirst(str(field.column_name))
            if isinstance(field.widget, ScopedForeignKeyWidget):
                field.widget.user = user
        # Personal data as the models declare it (registers.personal_data), for accounts without the
        # permission: masked fields masked in the file and the preview, hidden ones neither exported nor read.
        self.sensitive = {}  # field name -> its declaration
        for name, field in self.fields.items():
            declared_as = declaration(self._meta.model, field.attribute or name)
            if declared_as is not None and declared_as.sensitive:
                self.sensitive[name] = declared_as
        self.sees_sensitive = user is None or can_see_sensitive(user)
        self.hidden_fields = set()
        for name, declared_as in self.sensitive.items():
            if self.sees_sensitive:
                continue
            if declared_as.shown == MASKED:
                self.fields[name].widget = MaskedWidget(self.fields[name].widget, mask)
            else:
                self.hidden_fields.add(name)
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
                # A model may name other spellings of its choices: ``choice_spellings = {field: {text: code}}``.
                widget=ChoiceWidget(
                    django_field.choices,
                    aliases=getattr(django_field.model, "choice_spellings", {}).get(field_name),
                ),
                readonly=readonly,
                default=django_field.default,
            )
        elif validate_phone in django_field.validators:
            field = Field(
                attribute=field_name, column_name=field_name, widget=PhoneWidget(), readonly=readonly
            )
        else:
            field = super().field_from_django_field(field_name, django_field, readonly)
        if field_name == "id":
            field.readonly = True  # ids identify records (get_instance); they are never written
            field.column_name = _("id")
        else:
            field.column_name = django_field.verbose_name
        return field

    def get_result_class(self):
        return functools.partial(ScopedResult, kept_rows=self.kept_rows, lines_above=self._lines_above)

    # Scope ------------------------------------------------------------------------------------------

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.for_user(self.user) if self.user is not None else queryset

    def get_chunk_size(self):
        # The export reads its rows (and their many-to-many values) a chunk at a time: the library's 100 made
        # the queries grow with the rows (56 -> 434 for ten times the home visits).
        return EXPORT_CHUNK_ROWS

    def before_export(self, queryset, **kwargs):
        super().before_export(queryset, **kwargs)
        # The file will hold these fields in full: the records it holds are noted as they are written.
        self._exported_pks = [] if self.sensitive and self.user is not None and self.sees_sensitive else None

    def after_export(self, queryset, dataset, **kwargs):
        super().after_export(queryset, dataset, **kwargs)
        if getattr(self, "_exported_pks", None):
            # One access-log entry for the whole file, naming every record (one row per record cost two
            # thirds of a large export's time).
            what = capfirst(str(self._meta.model._meta.verbose_name_plural))
            record_export_shown(self.user, self._meta.model, self._exported_pks, list(self.sensitive), what)
        self._exported_pks = None

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if self.get_field_name(field) in self.hidden_fields:
            return  # a hidden field is never written by an account that may not see it
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        saved = kwargs.get("using_transactions") or not kwargs.get("dry_run")
        if saved and instance.pk is not None:  # (rows created in bulk: once written, see bulk_create)
            self._in_scope_check(instance, kwargs.get("row_number"))

    def _in_scope_check(self, instance, row_number):
        if self.user is not None and is_scoped(type(instance)):
            self._saved_rows[instance.pk] = row_number

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
                number = self._saved_rows[pk]
                result.append_invalid_row(number, self._row_at(number), ValidationError(message))
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
                spellings |= in_every_language(declared[name].column_name)
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

    def find_header_row(self, dataset) -> None:
        """Offices put a title (often merged across the columns) and blank lines above the header: the
        header is the first of the file's first rows that names at least two of the register's columns
        (and more than the first row does). The rows above it are dropped; the rows' numbers still count
        them, as the spreadsheet program shows them."""
        aliases = self.header_aliases()

        def known(cells):
            return sum(1 for cell in cells if cell_text(cell).casefold() in aliases)

        best = known(dataset.headers or ())
        for index, values in enumerate(dataset[:HEADER_SEARCH_ROWS]):
            if known(values) >= max(2, best + 1):
                dataset.headers = [cell_text(value) for value in values]
                for _above in range(index + 1):
                    del dataset[0]
                self._lines_above = index + 2
                return

    def check_columns(self, dataset) -> None:
        headers = [cell_text(h) for h in (dataset.headers or [])]
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
        while len(dataset) and not any(cell_text(value) for value in dataset[-1]):
            del dataset[-1]
        self._lines_above = 1
        try:
            self.find_header_row(dataset)
            self.check_columns(dataset)
            if not any(any(cell_text(value) for value in row) for row in dataset):
                raise ImportFileError(gettext("The file has its header row but no records under it."))
        except ImportFileError as error:
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            result.append_base_error(Error(error))
            return result
        return super().import_data(dataset, *args, **kwargs)

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

    # Rows -------------------------------------------------------------------------------------------

    @staticmethod
    def _clean_cells(row):
        for key, value in row.items():
            # A blank XLSX cell arrives as None where a CSV's arrives as "": both are an empty cell.
            row[key] = (
                "" if value is None else unescape_formula(value.strip() if isinstance(value, str) else value)
            )
        return row

    def import_row(self, row, instance_loader, **kwargs):
        self.row_number = kwargs.get("row_number")
        self._clean_cells(row)
        if not any(cell_text(value) for value in row.values()) or is_example_row(row.values()):
            # A blank line between records (spreadsheets keep them), or the template's example row: nothing to
            # import, nothing wrong.
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            row_result.passed_over = True
            row_result.diff = ["" for _header in self.get_diff_headers()]
            return row_result
        row_result = super().import_row(row, instance_loader, **kwargs)
        self._count_row()
        if row_result.errors:
            # An error the widgets and full_clean() did not foresee (e.g. the database refused the row):
            # the user gets a sentence, not an exception class.
            row_result.errors = []
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(self.not_saved_message())
        if row_result.validation_error is not None:
            row_result.validation_error = self._with_column_names(row_result.validation_error)
        return row_result

    def _count_row(self):
        """Report the rows read or written to ``on_progress`` (a background job's), at most once a second."""
        if self.on_progress is None:
            return
        self.rows_read += 1
        now = time.monotonic()
        if now >= self._next_progress:
            self.on_progress(self.rows_read)
            self._next_progress = now + PROGRESS_EVERY_SECONDS

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

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset, **kwargs)
        if self.on_progress is not None:
            self.on_progress(self.rows_read)  # the last count (the per-row reports are once a second)
        return dataset

    def export_resource(self, instance, selected_fields=None, **kwargs):
        self._count_row()
        if getattr(self, "_exported_pks", None) is not None:
            self._exported_pks.append(instance.pk)
        return super().export_resource(instance, selected_fields, **kwargs)

    def export_field(self, field, instance, **kwargs):
        if self.get_field_name(field) in self.hidden_fields:
            return ""
        return escape_formula(super().export_field(field, instance, **kwargs))
