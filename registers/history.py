"""Writes that Django sends no signal for (bulk inserts, ``QuerySet.update``, links written through the
through table), announced so that the change history can follow them.

The apps call these functions in the transaction of the write; the audit app listens (audit.history) and
writes the history entries. Nothing here knows how history is kept.
"""

from django.dispatch import Signal

# Each signal's sender is the model whose rows were written; ``by`` is the account (None for a command).
created_in_bulk = Signal()  # objs: the saved rows (with their primary keys)
inserted_by_query = Signal()  # queryset: the inserted rows; name: an expression naming each; note: a dict
updated_in_bulk = Signal()  # originals: {pk: the row before}; objs: the rows after
changed_by_update = Signal()  # objs or pks; changes: {field: [old, new]}, or before: the row before (objs)
links_changed_in_bulk = Signal()  # field_name; changes: [(obj, ids before, objects after)]
deleted_in_bulk = Signal()  # objs


def record_created(model, objs, *, by) -> None:
    """Rows saved with ``bulk_create`` (call after it returned: they need their primary keys)."""
    objs = [obj for obj in objs if obj.pk is not None]
    if objs:
        created_in_bulk.send(sender=model, objs=objs, by=by)


def record_inserted(model, queryset, *, by, name=None, note=None) -> None:
    """Rows inserted in bulk, named by a query: the history is written by the database from ``queryset``
    (``name`` an expression for each row's name, ``note`` stored with every entry)."""
    inserted_by_query.send(sender=model, queryset=queryset, by=by, name=name, note=note)


def wants_originals(model) -> bool:
    """Whether anyone listens to bulk updates of ``model`` (then the rows are read before they change)."""
    return updated_in_bulk.has_listeners(model)


def record_updated(model, originals: dict, objs, *, by) -> None:
    """Rows saved with ``bulk_update``; ``originals`` holds each row as it was ({pk: row})."""
    if objs:
        updated_in_bulk.send(sender=model, originals=originals, objs=list(objs), by=by)


def record_changed(model, *, by, objs=None, pks=None, changes=None, before=None) -> None:
    """Rows changed with ``QuerySet.update``: the same ``changes`` ({field: [old, new]}) for each of ``objs``
    (or of the rows ``pks``), or for one row its state ``before`` the change (the history works out what)."""
    if objs or pks:
        changed_by_update.send(
            sender=model, objs=list(objs or []), pks=list(pks or []), changes=changes, before=before, by=by
        )


def record_links_changed(model, field_name: str, changes, *, by) -> None:
    """Many-to-many links written through the through table: [(obj, related ids before, related after)]."""
    if changes:
        links_changed_in_bulk.send(sender=model, field_name=field_name, changes=changes, by=by)


def record_deleted(model, objs, *, by) -> None:
    if objs:
        deleted_in_bulk.send(sender=model, objs=list(objs), by=by)
