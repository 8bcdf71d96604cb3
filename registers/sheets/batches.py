"""Writing rows in batches (``use_bulk = True``), with their change history and the rows at fault named."""

from django.core.exceptions import (
    ValidationError,
)
from django.db import DatabaseError, transaction
from django.utils.translation import gettext
from import_export.exceptions import ImportError as ImportExportImportError

from ..history import record_created, record_deleted, record_updated, wants_originals


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


class BatchWrites(BulkImportHistoryMixin):
    """The batch writing of ``ScopedModelResource``: one INSERT and one UPDATE per batch of rows."""

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
            self._pending[id(instance)] = kwargs.get("row_number")
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
            row_number = self._pending.pop(id(record), None)
            if record.pk is not None and row_number is not None:
                if self._index_keys is not None:  # a later row may find it by its key and change it
                    self._stored[record.pk] = self._columns(record)
                self._remember(record)
                self._in_scope_check(record, row_number)

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
                    number = self._pending.get(id(record))
                    result.append_invalid_row(
                        number, self._row_at(number), ValidationError(self.not_saved_message())
                    )

    @staticmethod
    def not_saved_message():
        return gettext(
            "This row could not be saved; check it against the other rows and the existing records."
        )
