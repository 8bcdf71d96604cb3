"""Finding the record a row updates, for the whole file at once.

The records a file names are read before its rows are imported, ``LOOKUP_CHUNK`` ids or natural keys per
query, into ``_by_pk`` and ``_by_key`` (a key -> its record, None for no record, or AMBIGUOUS). Each record is
one object however it was found, and a row's save updates the index, so a later row naming the same record
(or a record an earlier row created) finds it as a query would have.
"""

from django.core.exceptions import (
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext

from .cells import AMBIGUOUS, cell_text
from .widgets import IntegerWidget

# Records of a file looked up per query (ids or natural keys): few queries, and well under SQLite's limit
# of variables per statement.
LOOKUP_CHUNK = 500


class RecordLookups:
    """The lookups of ``ScopedModelResource`` (``get_instance`` and what it reads in ``before_import``)."""

    def get_import_id_fields(self):
        """The id column when the file has one, else ``natural_key``, else the Meta's ``import_id_fields``."""
        if self.natural_key and not self._file_has_id:
            return list(self.natural_key)
        return super().get_import_id_fields()

    def _reset_lookups(self):
        self._by_pk, self._by_key = {}, {}
        self._pks_read = set()  # ids looked up (found or not)
        self._key_of = {}  # id(record) -> the key it is indexed under
        self._pending = {}  # id(record) -> the row number of records waiting for the next bulk write
        self._stored = {}  # pk -> {column: value} as the database holds it (for bulk updates)
        self._update_columns = None  # the columns of the bulk update being written
        self._index_keys = None  # the natural key fields records are indexed under, when they can be
        # Whether a row can name a record (by an id column or a natural key): if not, every row is a new
        # record, and the records written are not kept (a 100,000-row sheet would keep them all in memory).
        self._rows_name_records = True
        self._row_keys = {}  # row number (as import_row counts) -> the natural key read in before_import
        self.row_number = None  # the row being imported (set by ScopedModelResource.import_row)

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

    def stored_columns(self, record) -> dict:
        """{column: value} of ``record`` as the database held it when this import read it ({} for a new one)."""
        return self._stored.get(record.pk, {}) if record.pk is not None else {}

    @staticmethod
    def _columns(record):
        return {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}

    def _row_at(self, number) -> dict:
        """The row of the file at ``number`` (as the import counts them, from 1), e.g. to report it as bad."""
        if number is None:
            return {}
        return dict(zip(self._dataset.headers, self._dataset[number - 1], strict=False))

    def _remember(self, record):
        """After a row saved (or queued) ``record``: later rows find it under its key, and no longer under
        the key it had."""
        if record.pk is not None and self._rows_name_records:
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
        self._dataset = dataset
        id_field, key_fields = self._by_id_column(), self._key_fields()
        indexable = self._indexable(key_fields)
        self._index_keys = key_fields if indexable else None
        self._rows_name_records = self._file_has_id or key_fields is not None
        if id_field is not None and id_field.column_name not in (dataset.headers or ()):
            id_field = None  # (check_columns has put the headers in their canonical names)
        pks, keys = set(), set()
        # A file of new records only (no id column, no natural key: an activity sheet) names nothing to read.
        for number, values in enumerate(dataset if id_field is not None or indexable else (), start=1):
            row = self._clean_cells(dict(zip(dataset.headers, values, strict=False)))
            if not any(cell_text(value) for value in row.values()):
                continue
            if id_field is not None and cell_text(row.get(id_field.column_name)):
                try:
                    pks.add(IntegerWidget().clean(row[id_field.column_name]))
                except ValueError:
                    pass  # reported by the row
            elif indexable:
                key = self._row_key(row, key_fields)
                if key is not None:
                    keys.add(key)
                    self._row_keys[number] = key  # (get_instance would compute the same key again)
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
        if id_field is not None and cell_text(row.get(id_field.column_name)):
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
                        % {"id": cell_text(row[id_field.column_name])}
                    }
                ) from None
        key_fields = self._key_fields()
        if key_fields is None:
            return None  # no id on this row and no natural key: a new record
        key = self._row_keys.get(self.row_number) or self._row_key(row, key_fields)
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
