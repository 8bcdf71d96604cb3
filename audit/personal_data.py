"""Personal data: where it is held, how it is masked, exported, erased and expired. The one list of fields.

Keep these tables in step with the models: a system check (audit.checks) fails when a field named here
no longer exists, so a renamed field cannot silently escape erasure or retention.
"""

import json
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

ERASED = "已删除"

# Fields masked in the change history (besides every field named "phone" or "*_phone").
MASKED_IN_HISTORY = {
    "volunteers.carerecipient": ["health_notes"],
    "volunteers.homevisit": ["notes"],
}

# Many-to-many fields with sensitive data: auditlog stores their changes unmasked, so the history page
# shows them only to accounts with communities.view_sensitive_personal_data (and logs that view).
HIDDEN_IN_HISTORY = {
    "volunteers.carerecipient": ["categories"],
}

# Erasure on request: the person's own fields and the values they become. Community, Party membership
# and the links to teams, visits and roles stay, so every count stays the same.
PERSON_ERASURE = {"name": ERASED, "gender": "", "birth_date": None, "phone": "", "education": ""}

# Records about the person elsewhere: model -> (lookup from the model to the Person, {field: value}).
RELATED_ERASURE = {
    "volunteers.carerecipient": ("person", {"health_notes": ""}),
    "volunteers.homevisit": ("recipient__person", {"notes": ""}),
}

# Records that name the person only by phone number (a public booking): model -> (phone field, {field: value}).
ERASURE_BY_PHONE = {
    "venues.booking": ("phone", {"contact_name": ERASED, "phone": "", "purpose": ""}),
}

# Retention: after settings.PERSONAL_DATA_RETENTION_DAYS, model -> (date or datetime lookup, {field: value}).
RETENTION = {
    "venues.booking": ("slot__starts_at", {"contact_name": ERASED, "phone": "", "purpose": ""}),
    "venues.visitrecord": ("visited_on", {"note": ""}),
    "volunteers.homevisit": ("visited_on", {"notes": ""}),
}


def get_model(label: str):
    """The model for ``label``, or None while its app is not installed."""
    app_label, model_name = label.split(".")
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def hidden_in_history(model) -> list[str]:
    return HIDDEN_IN_HISTORY.get(model._meta.label_lower, [])


def masked_fields(model) -> list[str]:
    names = {f.name for f in model._meta.concrete_fields if f.name == "phone" or f.name.endswith("_phone")}
    names.update(MASKED_IN_HISTORY.get(model._meta.label_lower, []))
    return sorted(names)


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


# ---- export -----------------------------------------------------------------------------------------


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


def _related(person):
    """(model, queryset, takes_part) for every record pointing at ``person``, and the records about them
    reached through one (RELATED_ERASURE, e.g. the home visits of the care recipient they are)."""
    found = []
    for relation in person._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many:
            found.append((model, getattr(person, relation.get_accessor_name()).all(), True))
        else:
            found.append((model, model._default_manager.filter(**{relation.field.name: person}), False))
    for label, (path, _values) in RELATED_ERASURE.items():
        model = get_model(label)
        if model is not None and "__" in path:
            found.append((model, model._default_manager.filter(**{path: person}), False))
    return found


def collect(person) -> dict[str, list[dict]]:
    """Everything held about ``person``: the person, every record about them, bookings by their phone.

    Records the person only took part in (a home visit they made as a volunteer) are listed by name and
    date only: their details are about someone else.
    """
    data = {str(person._meta.verbose_name): [_row(person)]}
    for model, queryset, takes_part in _related(person):
        rows = [{str(model._meta.verbose_name): str(obj)} if takes_part else _row(obj) for obj in queryset]
        if rows:
            title = str(model._meta.verbose_name_plural)
            if takes_part:
                took_part = gettext("took part")
                title = f"{title} ({took_part})"
            data.setdefault(title, []).extend(rows)
    if person.phone:
        for label, (phone_field, _values) in ERASURE_BY_PHONE.items():
            model = get_model(label)
            if model is not None:
                rows = [_row(obj) for obj in model._default_manager.filter(**{phone_field: person.phone})]
                if rows:
                    data.setdefault(str(model._meta.verbose_name_plural), []).extend(rows)
    return data


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


def as_xlsx(data) -> bytes:
    import io

    import xlsxwriter

    from communities.resources_base import escape_formula

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    for index, (section, rows) in enumerate(data.items()):
        sheet = workbook.add_worksheet(f"{index + 1} {section}"[:31])
        headers = list(rows[0]) if rows else []
        sheet.write_row(0, 0, headers)
        for r, row in enumerate(rows, start=1):
            sheet.write_row(
                r, 0, [escape_formula(str(_plain(row[h]) if row[h] is not None else "")) for h in headers]
            )
    workbook.close()
    return buffer.getvalue()


# ---- erasure ----------------------------------------------------------------------------------------


@transaction.atomic
def erase_person(person, *, by) -> None:
    """Erase ``person``'s personal data: anonymise them and what names them, keep every row (counts).

    The history keeps who changed what and when, without the erased values: the person's own entries
    lose the erased fields, and the entries of every record about them lose the person's name.
    """
    from .history import scrub_history, scrub_text
    from .models import AccessLog

    old_name, phone = person.name, person.phone
    reason = "erasure on request"
    related = [
        (model, list(queryset.values_list("pk", flat=True))) for model, queryset, _ in _related(person)
    ]
    model = type(person)
    _anonymise(model, model.objects.filter(pk=person.pk), PERSON_ERASURE, by=by, reason=reason)
    scrub_history(model, [person.pk], list(PERSON_ERASURE), new_repr=lambda pk: ERASED)
    for label, (path, values) in RELATED_ERASURE.items():
        related_model = get_model(label)
        if related_model is not None:
            _anonymise(
                related_model, related_model.objects.filter(**{path: person}), values, by=by, reason=reason
            )
    if phone:
        for label, (phone_field, values) in ERASURE_BY_PHONE.items():
            related_model = get_model(label)
            if related_model is not None:
                rows = related_model.objects.filter(**{phone_field: phone})
                related.append((related_model, list(rows.values_list("pk", flat=True))))
                _anonymise(related_model, rows, values, by=by, reason=reason)
    if old_name and old_name != ERASED:
        for related_model, pks in related:
            scrub_text(related_model, pks, old_name)
        AccessLog.objects.filter(object_repr__contains=old_name).filter(
            _access_rows_of(model, [person.pk]) | _any_access_rows(related)
        ).update(object_repr=ERASED)
    person.refresh_from_db()


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
    for label, (lookup, values) in RETENTION.items():
        model = get_model(label)
        if model is None:
            continue
        before = _cutoff_for(model, lookup, cutoff)
        queryset = model.objects.filter(**{f"{lookup}__lt": before})
        done[label] = _anonymise(model, queryset, values, by=None, reason="retention period over")
    _purge_login_failures(cutoff)
    return done


def _purge_login_failures(cutoff) -> None:
    """Failed sign-ins (usernames, addresses) are kept for the same period."""
    from axes.models import AccessFailureLog
    from axes.models import AccessLog as AxesAccessLog

    AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    AxesAccessLog.objects.filter(attempt_time__lt=cutoff).delete()
