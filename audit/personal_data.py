"""Personal data: what is held about a person, exported, erased and expired — as the models declare it
(registers.personal_data); a system check (registers.checks) fails on a personal-looking field no model
declares, so a new field cannot silently escape erasure or retention.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext

from communities.models import PERSON_ERASURE
from registers.attachments import delete_attachments
from registers.personal_data import ERASED, HIDDEN, declared, erasure_values, sensitive_fields
from registers.phones import normalize_phone

# The tables below are read from the models' declarations (registers.personal_data): what each model
# declares it holds about a person, and how erasure and retention treat it.


def _project_models():
    return [model for model in apps.get_models() if declared(model)]


def related_erasure() -> dict:
    """Records about a person elsewhere: model -> (lookup from the model to the Person, {field: value})."""
    return {
        model: (model.personal_data_about, erasure_values(model))
        for model in _project_models()
        if getattr(model, "personal_data_about", None) and erasure_values(model)
    }


def erasure_by_phone() -> dict:
    """Records that name a person only by phone number (a public booking): model -> (phone field, values)."""
    return {
        model: (model.personal_data_found_by_phone, erasure_values(model))
        for model in _project_models()
        if getattr(model, "personal_data_found_by_phone", None)
    }


def retention() -> dict:
    """After settings.PERSONAL_DATA_RETENTION_DAYS: model -> (date or datetime lookup, {field: value})."""
    return {
        model: (model.personal_data_expires, erasure_values(model))
        for model in _project_models()
        if getattr(model, "personal_data_expires", None)
    }


def hidden_in_history(model) -> list[str]:
    """Many-to-many fields hidden without the permission: auditlog stores their changes as they are, so the
    history page shows them only to accounts with the permission (and logs that view)."""
    many = {field.name for field in model._meta.many_to_many}
    return [name for name in sensitive_fields(model, HIDDEN) if name in many]


def masked_fields(model) -> list[str]:
    """Fields masked in the change history itself, so it never becomes a second copy of them."""
    concrete = {field.name for field in model._meta.concrete_fields}
    return sorted(name for name in sensitive_fields(model) if name in concrete)


def _not_yet(values: dict) -> Q:
    """Rows where at least one of these fields still differs from its anonymised value."""
    q = Q()
    for field, value in values.items():
        q |= Q(**{f"{field}__isnull": False}) if value is None else ~Q(**{field: value})
    return q


BATCH = 1000  # rows per UPDATE (SQLite limits the number of values in one IN (...))


def _anonymise(model, queryset, values: dict, *, by=None, reason: str) -> int:
    """Overwrite ``values`` on the rows of ``queryset``, scrub their history, and record the change."""
    from .history import record_bulk_change_by_pk, scrub_history

    pks = list(queryset.filter(_not_yet(values)).values_list("pk", flat=True))
    changed = {field: [ERASED, "" if value is None else str(value)] for field, value in values.items()}
    changed["reason"] = [reason, reason]
    for start in range(0, len(pks), BATCH):
        batch = pks[start : start + BATCH]
        model.objects.filter(pk__in=batch).update(**values)
        scrub_history(model, batch, list(values))
        record_bulk_change_by_pk(model, batch, changed, by)
    return len(pks)


# ---- what is held about a person, inside the staff member's unit -------------------------------------


def _inside(queryset, user, outside: dict):
    """The part of ``queryset`` inside ``user``'s unit; the primary keys of the rest go into ``outside``
    ({model: set of primary keys}).

    Without a user (a command, the shell) or for a superuser, all of it. A request reaches only what the
    officer's unit holds: a booking at another unit's venue is that unit's to answer for.
    """
    if user is None or user.is_superuser or not hasattr(queryset, "for_user"):
        return queryset
    inside = queryset.for_user(user)
    elsewhere = queryset.exclude(pk__in=inside.values("pk")).values_list("pk", flat=True)
    if elsewhere := set(elsewhere):
        outside.setdefault(queryset.model, set()).update(elsewhere)
    return inside


def _counts(outside: dict) -> dict[str, int]:
    """{kind (plural): number of records} for the records left outside the unit."""
    counts = {}
    for model, pks in outside.items():
        kind = str(model._meta.verbose_name_plural)
        counts[kind] = counts.get(kind, 0) + len(pks)
    return counts


def phone_variants(person) -> list[str]:
    """The person's number as typed on their record and as the booking form stores it (normalised):
    "138 1234 5678" on the person is "13812345678" on their bookings."""
    return sorted({person.phone, normalize_phone(person.phone)} - {""})


def _by_phone(person):
    """(model, queryset, {field: erased value}) for the records that name the person by phone only."""
    phones = phone_variants(person)
    for model, (phone_field, values) in erasure_by_phone().items():
        if phones:
            yield model, model._default_manager.filter(**{f"{phone_field}__in": phones}), values


def _related(person):
    """(model, queryset, takes_part) for every record pointing at ``person``, and the records about them
    reached through one (``personal_data_about``, e.g. the home visits of the care recipient they are); every unit."""
    found = []
    for relation in person._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many:
            found.append((model, getattr(person, relation.get_accessor_name()).all(), True))
        else:
            found.append((model, model._default_manager.filter(**{relation.field.name: person}), False))
    for model, (path, _values) in related_erasure().items():
        if "__" in path:
            found.append((model, model._default_manager.filter(**{path: person}), False))
    return found


# ---- export -----------------------------------------------------------------------------------------


def _foreign_keys(model, depth: int) -> list[str]:
    paths = []
    for field in model._meta.concrete_fields:
        if field.is_relation and (field.many_to_one or field.one_to_one):
            paths.append(field.name)
            if depth > 1:
                paths += [f"{field.name}__{inner}" for inner in _foreign_keys(field.related_model, depth - 1)]
    return paths


def _with_names(queryset):
    """The rows with what their names and their related records' names read: foreign keys three levels deep
    (a service record's home visit is named by the visit's recipient, named by their person), many-to-many
    lists with their own keys.
    A fixed number of queries, however many rows."""
    model = queryset.model
    lists = [
        Prefetch(
            field.name,
            queryset=field.related_model._default_manager.select_related(
                *_foreign_keys(field.related_model, 1)
            ),
        )
        for field in model._meta.many_to_many
    ]
    return queryset.select_related(*_foreign_keys(model, 3)).prefetch_related(*lists)


def _row(obj) -> dict:
    row = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if field.is_relation and value is not None:
            value = str(getattr(obj, field.name))
        row[str(field.verbose_name)] = value
    for field in obj._meta.many_to_many:
        row[str(field.verbose_name)] = ", ".join(str(o) for o in getattr(obj, field.name).all())
    return row


@dataclass
class Holdings:
    """What is held about a person inside the unit (sections of rows), and how many records of each kind
    lie outside it (counts only)."""

    data: dict[str, list[dict]]
    outside: dict[str, int]


def collect(person, user=None) -> Holdings:
    """Everything held about ``person`` inside ``user``'s unit: the person, every record about them,
    bookings made with their phone number.

    Records the person only took part in (a home visit they made as a volunteer) are listed by name and
    date only: their details are about someone else.
    """
    data = {str(person._meta.verbose_name): [_row(person)]}
    outside = {}
    for model, queryset, takes_part in _related(person):
        objs = _with_names(_inside(queryset, user, outside))
        rows = [{str(model._meta.verbose_name): str(obj)} if takes_part else _row(obj) for obj in objs]
        if rows:
            title = str(model._meta.verbose_name_plural)
            if takes_part:
                took_part = gettext("took part")
                title = f"{title} ({took_part})"
            data.setdefault(title, []).extend(rows)
    for model, queryset, _values in _by_phone(person):
        rows = [_row(obj) for obj in _with_names(_inside(queryset, user, outside))]
        if rows:
            data.setdefault(str(model._meta.verbose_name_plural), []).extend(rows)
    return Holdings(data, _counts(outside))


def with_outside_counts(holdings: Holdings) -> dict[str, list[dict]]:
    """The sections of an export, with one more saying how many records other units hold (no contents)."""
    if not holdings.outside:
        return holdings.data
    rows = [{gettext("kind"): kind, gettext("records"): count} for kind, count in holdings.outside.items()]
    return {**holdings.data, gettext("held outside your unit (not in this file)"): rows}


def describe_outside(outside: dict[str, int]) -> str:
    """How a message names the records left outside the unit: "bookings: 2, docents: 1" (预约 2 条、讲解员 1 条)."""
    return gettext(", ").join(
        gettext("%(kind)s: %(count)s") % {"kind": kind, "count": count} for kind, count in outside.items()
    )


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def as_json(data) -> bytes:
    plain = {
        section: [{k: _plain(v) for k, v in row.items()} for row in rows] for section, rows in data.items()
    }
    return json.dumps(plain, ensure_ascii=False, indent=2).encode()


def _cell(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, str):
        from registers.sheets import escape_formula

        return escape_formula(value)
    if value is None or isinstance(value, (bool, int, float, Decimal, datetime, date)):
        return value  # a date or a time as a date cell (registers.workbooks)
    return str(value)


def as_xlsx(data) -> bytes:
    """A sheet per section (registers.workbooks: sheet names in the user's language, date cells, printable)."""
    from registers import workbooks

    book = workbooks.Workbook()
    for section, rows in data.items():
        headers = list(rows[0]) if rows else []
        book.sheet(section, headers, rows=[[_cell(row.get(h)) for h in headers] for row in rows])
    return book.content()


# ---- erasure ----------------------------------------------------------------------------------------

# How far from the person the history is searched for their name: the records pointing at them (a
# lecturer), the records pointing at those that are named after them (the activity she lectured at), and
# one step more (the visits of the care recipient she is are named "王芳 · 2018-05-01").
NAME_REACH = 3


@transaction.atomic
def erase_person(person, *, by) -> dict[str, int]:
    """Erase ``person``'s personal data inside ``by``'s unit: anonymise them and what names them, keep every
    row (counts). Returns how many records of each kind were left outside the unit (their staff's to erase).

    The person's row stays locked until the erasure is committed, and it is read again under the lock: a
    save from a form opened before (Person.keep_erased) waits, then finds the person erased.
    The history keeps who changed what and when, without the erased values: the person's own entries lose
    the erased fields, and the entries of every record about them, or about a record named after them, lose
    the person's name wherever it stands as a whole name (王芳, "王芳 · 2018-05-01"; never 王芳华).
    """
    from .history import scrub_history, scrub_text

    model = type(person)
    locked = model._default_manager.select_for_update().get(pk=person.pk)
    old_name = locked.name
    reason = "erasure on request"
    outside = {}
    reached = _history_reach(locked, by, outside)
    about = {}  # the records about the person: their photos and documents go with the erasure
    for related_model, (path, values) in related_erasure().items():
        queryset = _inside(related_model._default_manager.filter(**{path: locked}), by, outside)
        about.setdefault(related_model, set()).update(queryset.values_list("pk", flat=True))
        _anonymise(related_model, queryset, values, by=by, reason=reason)
    for related_model, queryset, values in _by_phone(locked):
        queryset = _inside(queryset, by, outside)
        about.setdefault(related_model, set()).update(queryset.values_list("pk", flat=True))
        _anonymise(related_model, queryset, values, by=by, reason=reason)
    for related_model, pks in about.items():
        reached.setdefault(related_model, set()).update(pks)
        delete_attachments(related_model, pks)
    _anonymise(model, model._default_manager.filter(pk=locked.pk), PERSON_ERASURE, by=by, reason=reason)
    scrub_history(model, [locked.pk], list(PERSON_ERASURE), new_repr=lambda pk: ERASED)
    reached.pop(model, None)
    if old_name and old_name != ERASED:
        for related_model, pks in reached.items():
            scrub_text(related_model, sorted(pks), old_name)
    _scrub_logs(model, locked.pk, reached, old_name)
    person.refresh_from_db()
    return _counts(outside)


def _history_reach(person, user, outside: dict) -> dict:
    """{model: primary keys} of the records inside ``user``'s unit whose history may carry the person's
    name, found from the models themselves, so that a new model pointing at a person is covered unasked:

    - every record pointing at the person (a committee role, a membership, a home visit they made);
    - every record pointing at one of those that is named after the person (its name shows theirs as a
      whole name: a lecturer is named 王芳, a membership "王芳 · 巾帼志愿服务队"): an activity whose
      lecturers list holds her, and so on, NAME_REACH steps from the person;
    - for many-to-many links, also the records no longer linked whose history still lists the name (she
      was removed from an activity's lecturers), unless another person bears the same name: then those
      entries cannot be told apart from hers and are left.

    Counts the records of each kind left outside the unit into ``outside``.
    """
    from .history import _prefetch_for_names

    name = person.name
    # A person erased before has no name left to look for (and 已删除 is in every erased record's history).
    searchable = bool(name) and name != ERASED
    namesake = type(person)._default_manager.filter(name=name).exclude(pk=person.pk).exists()
    reached: dict = {}
    named = [(type(person), {person.pk})]
    for _step in range(NAME_REACH if searchable else 1):
        next_named = []
        for model, pks in named:
            for relation in model._meta.related_objects:
                linking, field = relation.related_model, relation.field
                lookup = Q(**{f"{field.name}__in": pks})
                if relation.many_to_many and searchable and not namesake:
                    lookup |= Q(pk__in=_history_mentions(linking, field.name, name))
                inside = _inside(linking._default_manager.filter(lookup).distinct(), user, outside)
                seen = reached.setdefault(linking, set())
                new = [obj for obj in inside.order_by() if obj.pk not in seen]
                seen.update(obj.pk for obj in new)
                if searchable:
                    _prefetch_for_names(linking, new)
                    also_named = {obj.pk for obj in new if whole_name(name).search(str(obj))}
                    if also_named:
                        next_named.append((linking, also_named))
        named = next_named
    return reached


def _history_mentions(model, field_name: str, name: str) -> set[int]:
    """The ids of ``model``'s rows whose history lists ``name`` as a whole name in a change of
    ``field_name`` (a many-to-many list). The database picks the entries whose text holds it, as stored
    (PostgreSQL keeps the characters, SQLite may keep them escaped as \\uXXXX); Python keeps those where it
    is a whole name, not the start of 王芳华."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    entries = (
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
        .filter(changes__has_key=field_name)
        .alias(text=Cast("changes", models.TextField()))
        .filter(_text_holds("text", name))
        .values_list("object_id", "changes")
    )
    return {
        object_id
        for object_id, changes in entries
        if object_id is not None and replace_name(changes[field_name], name) != changes[field_name]
    }


def _text_holds(field: str, name: str) -> Q:
    """``field`` (JSON kept as text) holds ``name`` as written or escaped (json.dumps' default)."""
    return Q(**{f"{field}__contains": name}) | Q(**{f"{field}__contains": json.dumps(name)[1:-1]})


def _scrub_logs(model, pk, reached: dict, name: str) -> None:
    """The name out of the access log and Django's own admin log ("Recent actions" on the admin index):
    the person's rows are named 已删除, their related records' rows lose the name."""
    from django.contrib.admin.models import LogEntry as AdminLogEntry
    from django.contrib.contenttypes.models import ContentType

    from . import events
    from .models import AccessLog
    from .protection import scrubbing

    if not name or name == ERASED:
        return
    own, related = _access_rows_of(model, [pk]), _any_access_rows(list(reached.items()))
    rows = list(AccessLog.objects.filter(object_repr__contains=name).filter(own | related))
    admin_rows = list(
        AdminLogEntry.objects.filter(
            Q(object_repr__contains=name) | _text_holds("change_message", name) | own
        )
        .filter(own | related)
        .order_by()
    )
    own_type = ContentType.objects.get_for_model(model).pk
    for row in rows + admin_rows:
        mine = (row.content_type_id, row.object_id) == (own_type, str(pk))
        row.object_repr = ERASED if mine else replace_name(row.object_repr, name)
    for row in admin_rows:
        row.change_message = _scrub_change_message(row.change_message, name)
    with scrubbing():
        AccessLog.objects.bulk_update(rows, ["object_repr"], batch_size=500)
    if rows:
        events.record(events.Kind.AUDIT_SCRUB, detail=f"{len(rows)} access-log entries")
    AdminLogEntry.objects.bulk_update(admin_rows, ["object_repr", "change_message"], batch_size=500)


def _scrub_change_message(message: str, name: str) -> str:
    """The admin's change message is JSON ([{"added": {"object": "王芳 · ..."}}], written by json.dumps with
    its defaults, as Django does) or, from older versions, plain text."""
    try:
        parsed = json.loads(message)
    except ValueError:
        return replace_name(message, name)
    return json.dumps(replace_name(parsed, name))


def _access_rows_of(model, pks) -> Q:
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(model)
    return Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])


def _any_access_rows(related) -> Q:
    q = Q(pk__in=[])
    for model, pks in related:
        if pks:
            q |= _access_rows_of(model, pks)
    return q


# ---- a name as a whole ------------------------------------------------------------------------------

# What may stand next to a name inside a record's name: "王芳 · 2018-05-01", "王芳 ↔ 环西社区",
# "王芳 (2021)", "王芳, 李强". A letter or a character does not: 王芳华 is another name.
_AROUND_A_NAME = r"\s·•↔()（）\[\]【】,，、;；:：/|"


def whole_name(name: str) -> re.Pattern:
    around = _AROUND_A_NAME
    return re.compile(rf"(?<![^{around}]){re.escape(name)}(?![^{around}])")


def replace_name(value, name: str):
    """``value`` (a string, or lists and dicts of them as stored in a history entry) with ``name`` replaced by
    已删除 where it stands as a whole name, never inside a longer one."""
    if isinstance(value, str):
        return whole_name(name).sub(ERASED, value) if name in value else value
    if isinstance(value, list):
        return [replace_name(item, name) for item in value]
    if isinstance(value, dict):
        return {key: replace_name(item, name) for key, item in value.items()}
    return value


# ---- retention --------------------------------------------------------------------------------------


def retention_cutoff(now=None) -> datetime:
    now = now or timezone.now()
    return now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def _cutoff_for(model, lookup: str, cutoff: datetime):
    field = model
    for part in lookup.split("__"):
        field = field._meta.get_field(part)
        if field.is_relation:
            field = field.related_model
    if isinstance(field, models.DateTimeField):
        return cutoff
    if isinstance(field, models.DateField):
        return timezone.localtime(cutoff).date()
    raise TypeError(f"{model._meta.label}.{lookup} is not a date")


@transaction.atomic
def purge_expired(now=None) -> dict[str, int]:
    """Anonymise the personal data of records older than the retention period; returns rows per model."""
    cutoff = retention_cutoff(now)
    done = {}
    for model, (lookup, values) in retention().items():
        before = _cutoff_for(model, lookup, cutoff)
        queryset = model.objects.filter(**{f"{lookup}__lt": before})
        done[model._meta.label_lower] = _anonymise(
            model, queryset, values, by=None, reason="retention period over"
        )
    _purge_login_failures(cutoff)
    return done


def _purge_login_failures(cutoff) -> None:
    """Failed sign-ins (usernames, addresses) are kept for the same period."""
    from axes.models import AccessFailureLog
    from axes.models import AccessLog as AxesAccessLog

    AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    AxesAccessLog.objects.filter(attempt_time__lt=cutoff).delete()
