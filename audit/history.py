"""The change history of every register (django-auditlog): what is tracked, masked and written in bulk.

Every model of the register apps is registered here, so a new register is tracked without anyone
remembering to. Changes made through the admin, imports and public pages carry their actor (auditlog's
middleware); commands run without one ("system"). Phone numbers and health notes are masked in the history
itself (the fields the models declare masked or hidden, registers.personal_data), so the history never becomes a second copy of them.

``bulk_create`` and ``QuerySet.update`` send no signals: code that uses them calls ``record_bulk_create``
or ``record_bulk_change`` in the same transaction.
"""

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.db.models import Case, F, Func, QuerySet, Value, When, prefetch_related_objects
from django.db.models.functions import Cast, Concat, JSONArray, JSONObject
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.encoding import smart_str

from registers.phones import PHONE_RE, mask_phone, normalize_phone

from . import events
from .personal_data import ERASED, masked_fields, replace_name

# The apps whose models are registers.
REGISTER_APPS = ("communities", "volunteers", "activities", "venues")
# Models that are not registers: not tracked. A certificate office's serial counter only counts up (each
# certificate keeps its own number and history); an import's record of what it changed is its undo's data.
NOT_TRACKED: set[str] = {"volunteers.certificateserial", "activities.importedchange"}
# Staff accounts: who may do what (groups, permissions, superuser) and in which unit (the StaffProfile,
# a register model above) is part of what an office must be able to trace. Never the password.
ACCOUNT_FIELDS = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser"]
# Fields that change as side effects of other changes (counters kept by the services), and the machinery's
# own fields no one reads in a history (a form's idempotency key; a waitlist link's secret token): not
# tracked, and not shown from the entries written before (audit.templatetags.audit_history).
NOT_TRACKED_FIELDS = {
    "venues.slot": ["booked_places"],
    "venues.venue": ["availability_version"],
    "venues.booking": ["idempotency_key"],
    "venues.waitlistentry": ["token"],
}


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
    user_model = get_user_model()
    if not auditlog.contains(user_model):
        auditlog.register(
            user_model, include_fields=ACCOUNT_FIELDS, m2m_fields=["groups", "user_permissions"]
        )
    for model in tracked_models():
        if auditlog.contains(model):
            continue
        m2m = [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
        _follow_through_links(model)
        auditlog.register(
            model,
            # The columns only: auditlog would list reverse relations too, as empty changes.
            include_fields=[f.name for f in model._meta.concrete_fields if not f.primary_key],
            m2m_fields=m2m,
            mask_fields=masked_fields(model),
            mask_callable="audit.history.mask_value",
            # A name's sort keys (registers.sorting) are computed from it: no history of their own.
            exclude_fields=[
                *NOT_TRACKED_FIELDS.get(model._meta.label_lower, []),
                *getattr(model, "sort_keys", {}),
            ],
        )


class _ThroughLinks:
    """A many-to-many field kept through a model of its own (a team's ``members`` through Membership): auditlog
    follows only automatic through tables, so a link row saved or deleted (a member added or removed on the
    team's page) is written here into the owner's history, as auditlog writes the others: "added"/"removed"
    and the related records' names."""

    def __init__(self, field):
        self.owner = field.model
        self.name = field.name
        self.source = field.m2m_field_name()  # the through model's key to the owner (team)
        self.target = field.m2m_reverse_field_name()  # and to the linked record (person)

    def saved(self, sender, instance, created, raw=False, **kwargs):
        if created and not raw:
            self._log(instance, "add")

    def deleted(self, sender, instance, origin=None, **kwargs):
        if isinstance(origin, self.owner) or (isinstance(origin, QuerySet) and origin.model is self.owner):
            return  # the owner itself is being deleted, its links with it
        self._log(instance, "delete")

    def _log(self, link, operation):
        LogEntry.objects.log_m2m_changes(
            [getattr(link, self.target)], getattr(link, self.source), operation, self.name
        )


def _follow_through_links(model) -> None:
    """Connect the receivers of ``model``'s many-to-many fields kept through a model of their own."""
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        if through._meta.auto_created:
            continue
        links = _ThroughLinks(field)
        uid = f"audit.links.{model._meta.label_lower}.{field.name}"
        post_save.connect(links.saved, sender=through, weak=False, dispatch_uid=f"{uid}.saved")
        post_delete.connect(links.deleted, sender=through, weak=False, dispatch_uid=f"{uid}.deleted")


def _actor(user):
    # Not auditlog's context actor: its middleware never resets it, so outside a request (a command, a
    # test) it still holds the last request's account.
    return user if user is not None and user.is_authenticated else None


def _entry(obj, content_type, action, changes, actor) -> LogEntry:
    pk = obj.pk
    return LogEntry(
        content_type=content_type,
        object_pk=smart_str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=smart_str(obj)[:200],
        action=action,
        changes=changes,
        actor=_actor(actor),
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


class _WithoutNullMembers(Func):
    """A JSON object without its null members (PostgreSQL's jsonb_strip_nulls; on SQLite, a JSON merge
    patch onto {}, which drops them)."""

    output_field = models.JSONField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="JSON_PATCH", template="%(function)s('{}', %(expressions)s)", **extra)  # fmt: skip

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="JSONB_STRIP_NULLS", **extra)


def _column_as_text(field):
    """A column as the text auditlog stores for it ("True"/"False" for booleans, UTC for datetimes)."""
    if isinstance(field, models.BooleanField):
        return Case(When(**{field.attname: True}, then=Value("True")), default=Value("False"))
    return Cast(field.attname, models.TextField())


def _typed(value, field):
    """A constant of the column's type (PostgreSQL does not guess the type of a bare NULL; and a NULL given
    as a JSON value would be stored as JSON null)."""
    return Cast(Value(value, output_field=models.TextField() if value is None else field), field)


def record_created_in_database(model, queryset, user, name=None, note=None) -> int:
    """History for rows inserted in bulk, written by the database itself: one INSERT ... SELECT that adds a
    "create" entry for every row of ``queryset``, as ``record_bulk_create`` would, without building them
    in Python (50,000 imported rows cost a second, not the import's own time again).

    ``name`` is an expression for the record's name in the history (default "<verbose name> <pk>");
    ``note`` (a dict) is stored with every entry, e.g. the file it was imported from. Masked fields read
    "***" when they hold a value (not a partly masked phone, which needs Python). Call it in the transaction
    that inserted the rows.
    """
    if not auditlog.contains(model):
        return 0
    options = auditlog.get_model_fields(model)
    masked, excluded = set(options["mask_fields"]), set(options["exclude_fields"])
    changes = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in excluded:
            continue
        if field.name in masked:  # hidden, but an empty value stays empty (as in record_bulk_create)
            value = Case(When(**{field.attname: ""}, then=Value("")), default=Value("***"))
        else:
            value = _column_as_text(field)
        changes[field.name] = Case(
            When(**{f"{field.attname}__isnull": True}, then=_typed(None, models.JSONField())),
            default=JSONArray(Value("None"), value),
        )
    if name is None:
        name = Concat(Value(f"{smart_str(model._meta.verbose_name)} "), Cast("pk", models.TextField()))
    integer_pk = isinstance(model._meta.pk, (models.AutoField, models.BigAutoField, models.IntegerField))
    actor = getattr(_actor(user), "pk", None)
    columns = {  # LogEntry's columns; constants typed, as PostgreSQL does not guess a NULL's type
        "content_type_id": _typed(ContentType.objects.get_for_model(model).pk, models.IntegerField()),
        "object_pk": Cast("pk", models.TextField()),
        "object_id": F("pk") if integer_pk else _typed(None, models.BigIntegerField()),
        "object_repr": Cast(name, models.TextField()),
        "action": _typed(int(LogEntry.Action.CREATE), models.SmallIntegerField()),
        "changes_text": _typed("", models.TextField()),
        "changes": _WithoutNullMembers(JSONObject(**changes)),
        "actor_id": _typed(actor, models.IntegerField()),
        "cid": _typed(get_cid(), models.CharField()),
        "timestamp": _typed(timezone.now(), models.DateTimeField()),
        "additional_data": _typed(note, models.JSONField()),
    }
    # Aliases that cannot clash with the model's own field names.
    select = queryset.order_by().annotate(**{f"history_{key}": value for key, value in columns.items()})
    select = select.values_list(*(f"history_{key}" for key in columns))
    using = router.db_for_write(LogEntry)
    try:
        sql, params = select.query.get_compiler(using).as_sql()
    except EmptyResultSet:  # e.g. pk__in=[]: no rows, no entries
        return 0
    connection = connections[using]
    table = connection.ops.quote_name(LogEntry._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)
        return cursor.rowcount


def record_bulk_update(model, originals, objs, user) -> int:
    """History for rows saved with ``bulk_update``: an "update" entry per row that changed, with auditlog's
    own diff (old and new values, masked fields masked) against ``originals`` ({pk: the row as it was})."""
    if not auditlog.contains(model):
        return 0
    content_type = ContentType.objects.get_for_model(model)
    entries = []
    for obj in objs:
        changes = model_instance_diff(originals.get(obj.pk), obj)
        if changes:
            entries.append(_entry(obj, content_type, LogEntry.Action.UPDATE, changes, user))
    LogEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def record_bulk_m2m_change(model, field_name, changes, user) -> int:
    """History for many-to-many links written with the through model's ``bulk_create``/``delete`` (which
    send no signals): ``changes`` is [(obj, the related ids before, the related objects after)], and each
    row whose links changed gets auditlog's "removed" and "added" entries."""
    if not auditlog.contains(model):
        return 0
    related = model._meta.get_field(field_name).related_model
    removed_ids = {pk for _obj, before, after in changes for pk in before - {o.pk for o in after}}
    removed_names = {pk: smart_str(o) for pk, o in related.objects.in_bulk(removed_ids).items()}
    content_type = ContentType.objects.get_for_model(model)
    entries = []
    for obj, before, after in changes:
        after_ids = {o.pk for o in after}
        removed = [removed_names.get(pk, str(pk)) for pk in sorted(before - after_ids)]
        added = [smart_str(o) for o in after if o.pk not in before]
        for operation, names in (("delete", removed), ("add", added)):
            if names:
                m2m = {"type": "m2m", "operation": operation, "objects": names}
                entries.append(_entry(obj, content_type, LogEntry.Action.UPDATE, {field_name: m2m}, user))
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
    actor = _actor(user)
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
    """Store scrubbed entries in place: the same rows, ids and times, marked scrubbed (audit.protection lets
    only this path change them). One UPDATE per entry, sent together (bulk_update's CASE per row costs
    seconds per thousand entries). Callers run inside a transaction."""
    if not entries:
        return
    from .protection import scrubbing

    scrubbed_at = timezone.now().isoformat()
    for entry in entries:
        entry.additional_data = {**(entry.additional_data or {}), "scrubbed": scrubbed_at}
    fields = [
        LogEntry._meta.get_field(name)
        for name in ("changes", "changes_text", "object_repr", "additional_data")
    ]
    connection = connections[router.db_for_write(LogEntry)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(LogEntry._meta.db_table)} SET {assignments} WHERE {quote(LogEntry._meta.pk.column)} = %s"
    rows = [
        [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields] + [entry.pk]
        for entry in entries
    ]
    with scrubbing(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    kinds = sorted({ContentType.objects.get_for_id(entry.content_type_id).model for entry in entries})
    events.record(events.Kind.AUDIT_SCRUB, detail=f"{len(entries)} history entries of {', '.join(kinds)}")


def scrub_history(model, pks, fields, new_repr=None) -> int:
    """Remove the values of ``fields`` from the stored history of these rows (erasure, retention).

    The entries stay (who changed the record and when); only the erased values become "已删除".
    ``new_repr`` (a callable pk -> str) replaces the stored name of the record as well. Only the entries
    that change are written again.
    """
    content_type = ContentType.objects.get_for_model(model)
    entries = LogEntry.objects.filter(content_type=content_type, object_pk__in=[smart_str(pk) for pk in pks])
    changed = []
    for entry in entries:
        before = (entry.changes, entry.changes_text, entry.object_repr)
        changes = dict(entry.changes) if isinstance(entry.changes, dict) else {}
        for field in fields:
            if field in changes and isinstance(changes[field], list):
                changes[field] = [
                    ERASED if value not in ("", "None", None) else value for value in changes[field]
                ]
        entry.changes = changes
        entry.changes_text = ""
        if new_repr is not None:
            entry.object_repr = new_repr(entry.object_pk)
        if (entry.changes, entry.changes_text, entry.object_repr) != before:
            changed.append(entry)
    _rewrite(changed)
    return len(changed)


def record_bulk_delete(model, objs, user) -> int:
    """History for rows deleted in bulk (an import's deletions): a "delete" entry per row."""
    if not auditlog.contains(model) or not objs:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.bulk_create(
        [_entry(obj, content_type, LogEntry.Action.DELETE, {}, user) for obj in objs]
    )
    return len(objs)


def scrub_text(model, pks, text: str) -> int:
    """Replace ``text`` (an erased person's name) in the history of these rows where it stands as a whole
    name: a value or list item equal to it, a name in a many-to-many list ({"objects": ["王芳"]}), a record's
    name that shows it ("王芳 · 2018-05-01"). Never inside another name: 王芳华 stays."""
    if not pks or not text:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    changed = []
    keys = [smart_str(pk) for pk in pks]
    for start in range(0, len(keys), 1000):  # SQLite limits the number of values in one IN (...)
        for entry in LogEntry.objects.filter(
            content_type=content_type, object_pk__in=keys[start : start + 1000]
        ):
            before = (entry.changes, entry.object_repr, entry.changes_text or "")
            after = tuple(replace_name(value, text) for value in before)
            if after != before:
                entry.changes, entry.object_repr, entry.changes_text = after
                changed.append(entry)
    _rewrite(changed)
    return len(changed)


__all__ = [
    "record_bulk_change",
    "record_bulk_create",
    "scrub_history",
    "scrub_text",
]
