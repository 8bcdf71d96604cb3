"""The change history of every register (django-auditlog): what is tracked, masked and written in bulk.

Every model of the register apps is registered here, so a new register is tracked without anyone
remembering to. Changes made through the admin, imports and public pages carry their actor (auditlog's
middleware); commands run without one ("system"). Phone numbers and health notes are masked in the history
itself (audit.personal_data.MASKED_IN_HISTORY), so the history never becomes a second copy of them.

``bulk_create`` and ``QuerySet.update`` send no signals: code that uses them calls ``record_bulk_create``
or ``record_bulk_change`` in the same transaction.
"""

import json

from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import prefetch_related_objects
from django.utils.encoding import smart_str

from communities.validators import PHONE_RE, mask_phone, normalize_phone

from .personal_data import ERASED, masked_fields

# The apps whose models are registers.
REGISTER_APPS = ("communities", "volunteers", "activities", "venues")
# Models that are not registers (or change on every booking as a counter): not tracked.
NOT_TRACKED = {"communities.staffprofile"}
# Fields that change as side effects of other changes (counters kept by the services): not tracked.
NOT_TRACKED_FIELDS = {"venues.slot": ["booked_places"]}


def mask_value(value: str) -> str:
    """How a sensitive value appears in the history: a phone masked, any other text hidden."""
    if not value or value == "None":
        return value
    return mask_phone(value) if PHONE_RE.match(normalize_phone(value)) else "***"


def tracked_models():
    for label in REGISTER_APPS:
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower not in NOT_TRACKED:
                yield model


def register_registers() -> None:
    for model in tracked_models():
        if auditlog.contains(model):
            continue
        m2m = [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
        auditlog.register(
            model,
            m2m_fields=m2m,
            mask_fields=masked_fields(model),
            mask_callable="audit.history.mask_value",
            exclude_fields=NOT_TRACKED_FIELDS.get(model._meta.label_lower, []),
        )


def _entry(obj, content_type, action, changes, actor) -> LogEntry:
    pk = obj.pk
    return LogEntry(
        content_type=content_type,
        object_pk=smart_str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=smart_str(obj)[:200],
        action=action,
        changes=changes,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


def _created_values(model, obj) -> dict:
    """The "create" changes of a row, like auditlog's own, from its columns only (no related lookups)."""
    options = auditlog.get_model_fields(model)
    masked, excluded = set(options["mask_fields"]), set(options["exclude_fields"])
    changes = {}
    for field in model._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if field.name in excluded or field.primary_key or value is None:
            continue
        text = smart_str(value)
        changes[field.name] = ["None", mask_value(text) if field.name in masked else text]
    return changes


def _prefetch_for_names(model, objs) -> None:
    """Fetch the rows' foreign keys (two levels) in a few queries: a name like "陈秀兰 · 2018-05-01" reads
    through them, and one query per row would make the history of a large import slow."""
    lookups = []
    for field in model._meta.concrete_fields:
        if field.is_relation and field.many_to_one:
            lookups.append(field.name)
            lookups.extend(
                f"{field.name}__{inner.name}"
                for inner in field.related_model._meta.concrete_fields
                if inner.is_relation and inner.many_to_one
            )
    if lookups:
        prefetch_related_objects(objs, *lookups)


def record_bulk_create(model, objs, user) -> int:
    """History for rows saved with ``bulk_create`` (which sends no signals): one "create" entry per row.

    Call it after ``bulk_create`` returned (the rows need their primary keys), inside the same transaction.
    """
    objs = [obj for obj in objs if obj.pk is not None]
    if not auditlog.contains(model) or not objs:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    _prefetch_for_names(model, objs)
    entries = [
        _entry(obj, content_type, LogEntry.Action.CREATE, _created_values(model, obj), user) for obj in objs
    ]
    LogEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def record_bulk_change(model, objs, changes: dict, user=None) -> int:
    """History for rows changed with ``QuerySet.update``: the same ``changes`` ({field: [old, new]}) for each."""
    objs = list(objs)
    if not auditlog.contains(model) or not objs:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    entries = [_entry(obj, content_type, LogEntry.Action.UPDATE, changes, user) for obj in objs]
    LogEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def record_bulk_change_by_pk(model, pks, changes: dict, user=None) -> int:
    """As ``record_bulk_change`` for rows known by primary key only (named "<model> <pk>" in the history)."""
    if not auditlog.contains(model) or not pks:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    name = smart_str(model._meta.verbose_name)
    actor = user if user is not None and user.is_authenticated else None
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=smart_str(pk),
                object_id=pk if isinstance(pk, int) else None,
                object_repr=f"{name} {pk}",
                action=LogEntry.Action.UPDATE,
                changes=changes,
                actor=actor,
            )
            for pk in pks
        ],
        batch_size=500,
    )
    return len(pks)


def _rewrite(entries) -> None:
    """Store edited entries: delete and insert them again with the same ids and times (one statement each;
    bulk_update's CASE per row costs seconds per thousand entries). Callers run inside a transaction."""
    if entries:
        LogEntry.objects.filter(pk__in=[entry.pk for entry in entries]).delete()
        LogEntry.objects.bulk_create(entries, batch_size=500)


def scrub_history(model, pks, fields, new_repr=None) -> int:
    """Remove the values of ``fields`` from the stored history of these rows (erasure, retention).

    The entries stay (who changed the record and when); only the erased values become "已删除".
    ``new_repr`` (a callable pk -> str) replaces the stored name of the record as well.
    """
    content_type = ContentType.objects.get_for_model(model)
    entries = list(
        LogEntry.objects.filter(content_type=content_type, object_pk__in=[smart_str(pk) for pk in pks])
    )
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        for field in fields:
            if field in changes and isinstance(changes[field], list):
                changes[field] = [
                    ERASED if value not in ("", "None", None) else value for value in changes[field]
                ]
        entry.changes = changes
        entry.changes_text = ""
        if new_repr is not None:
            entry.object_repr = new_repr(entry.object_pk)
    _rewrite(entries)
    return len(entries)


class BulkImportHistoryMixin:
    """For import-export resources with ``use_bulk = True``: history for the rows written in bulk.

    Put it first in the bases of the resource (or of ScopedModelResource); it needs ``self.user``. In a
    dry run (the preview) the entries are rolled back with the rows.
    """

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        pending = list(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        record_bulk_create(self._meta.model, pending, getattr(self, "user", None))

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        pending = list(self.update_instances)
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        model, user = self._meta.model, getattr(self, "user", None)
        fields = set(self.get_bulk_update_fields())
        content_type = ContentType.objects.get_for_model(model)
        entries = []
        for obj in pending:
            values = {k: v for k, v in _created_values(model, obj).items() if k in fields}
            changes = {name: ["", new] for name, (_old, new) in values.items()}
            changes["import"] = ["", "bulk update"]
            entries.append(_entry(obj, content_type, LogEntry.Action.UPDATE, changes, user))
        if auditlog.contains(model):
            LogEntry.objects.bulk_create(entries, batch_size=500)

    def bulk_delete(self, using_transactions, dry_run, raise_errors, result=None):
        pending = list(self.delete_instances)
        super().bulk_delete(using_transactions, dry_run, raise_errors, result=result)
        model = self._meta.model
        if auditlog.contains(model) and pending:
            content_type = ContentType.objects.get_for_model(model)
            LogEntry.objects.bulk_create(
                [
                    _entry(obj, content_type, LogEntry.Action.DELETE, {}, getattr(self, "user", None))
                    for obj in pending
                ]
            )


def scrub_text(model, pks, text: str) -> int:
    """Replace ``text`` (an erased person's name) wherever it appears in the history of these rows."""
    if not pks or not text:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    entries = list(
        LogEntry.objects.filter(content_type=content_type, object_pk__in=[smart_str(pk) for pk in pks])
    )
    changed = []
    for entry in entries:
        dumped = json.dumps(entry.changes, ensure_ascii=False)
        if text in dumped or text in entry.object_repr or text in (entry.changes_text or ""):
            entry.changes = json.loads(dumped.replace(text, ERASED))
            entry.object_repr = entry.object_repr.replace(text, ERASED)
            entry.changes_text = (entry.changes_text or "").replace(text, ERASED)
            changed.append(entry)
    _rewrite(changed)
    return len(changed)


__all__ = [
    "BulkImportHistoryMixin",
    "record_bulk_change",
    "record_bulk_create",
    "scrub_history",
    "scrub_text",
    "set_actor",
]
