"""{% record_history object %}: the change history of a record for its admin "History" page.

The values are shown from what auditlog stored, in a fixed number of queries: the names of the records a
foreign key pointed to are fetched once per field for the whole page (auditlog's own display fetches each
one by itself). Many-to-many fields that hold sensitive data (auditlog stores them unmasked) are shown only
to accounts with the permission, and that view is written to the access log.
"""

import datetime
from collections import defaultdict

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from dateutil import parser
from django import template
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registers.personal_data import can_see_sensitive

from ..access import log_sensitive_access
from ..personal_data import hidden_in_history

register = template.Library()

HISTORY_LIMIT = 200
HIDDEN = "***"


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since: its stored text is shown
        return None


def _label(field, name):
    return str(field.verbose_name) if field is not None else name


def _is_relation_name_needed(field):
    return field is not None and (field.many_to_one or field.one_to_one) and field.concrete


def _related_names(model, entries) -> dict:
    """{(field name, stored id): the related record's name} for every foreign key value on the page."""
    wanted = defaultdict(set)
    for entry in entries:
        for name, values in entry.changes_dict.items():
            field = _field(model, name)
            if _is_relation_name_needed(field) and isinstance(values, list):
                wanted[field].update(v for v in values if v not in (None, "None", ""))
    names = {}
    for field, stored in wanted.items():
        related = field.related_model
        pks = set()
        for value in stored:
            try:
                pks.add(related._meta.pk.to_python(value))
            except ValidationError:
                continue
        parents = [f.name for f in related._meta.concrete_fields if f.many_to_one]
        found = related._default_manager.select_related(*parents).in_bulk(pks)
        names.update({(field.name, str(pk)): str(obj) for pk, obj in found.items()})
    return names


def _shown(field, text, names) -> str:
    if text in (None, "None"):
        return ""
    text = str(text)
    if field is None or text == HIDDEN:
        return text
    if _is_relation_name_needed(field):
        return names.get((field.name, text), text)  # a record deleted since: its id
    if field.choices:
        return str({str(key): label for key, label in field.flatchoices}.get(text, text))
    if isinstance(field, models.BooleanField):
        return {"True": _("Yes"), "False": _("No")}.get(text, text)
    if isinstance(field, (models.DateTimeField, models.DateField)):
        try:
            value = parser.parse(text)
        except (ValueError, OverflowError):
            return text
        if isinstance(field, models.DateTimeField):
            value = value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        return date_format(value.date(), "DATE_FORMAT")
    return text


def _changes(entry, model, names, hidden, order, untracked) -> list[tuple[str, str, str, bool]]:
    """(label, old, new, False) rows in the model's field order (``order``: field name -> position); for a
    many-to-many entry (auditlog keeps one per add or removal), (label, "added"/"removed", the related
    records' names, True). Fields no longer tracked (``untracked``: the machinery's own, kept by entries written
    before) are left out."""
    rows = []
    for name, values in sorted(entry.changes_dict.items(), key=lambda item: order.get(item[0], len(order))):
        if name in untracked:
            continue
        field = _field(model, name)
        if field is not None and field.auto_created and not field.concrete:
            continue  # a reverse relation (early entries listed them, always empty)
        if isinstance(values, dict):
            verb = _("added") if values.get("operation") == "add" else _("removed")
            shown = HIDDEN if name in hidden else ", ".join(map(str, values.get("objects", [])))
            rows.append((_label(field, name), verb, shown, True))
        elif isinstance(values, list):
            old, new = (list(values) + [None, None])[:2]
            old, new = _shown(field, old, names), _shown(field, new, names)
            if old != new:  # (an empty text column of a new record: nothing to show)
                rows.append((_label(field, name), old, new, False))
    return rows


def _imported_from(entry):
    """The file a bulk import brought the record in from (audit.history.record_created_in_database)."""
    data = entry.additional_data
    return data.get("import") if isinstance(data, dict) else None


@register.simple_tag(takes_context=True)
def record_history(context, obj):
    """The latest entries (who, when, what changed) for ``obj``, newest first."""
    model = type(obj)
    user = context["request"].user
    entries = list(
        LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp")[:HISTORY_LIMIT]
    )
    sensitive = set(hidden_in_history(model))
    hidden = set() if can_see_sensitive(user) else sensitive
    names = _related_names(model, entries)
    order = {field.name: i for i, field in enumerate(model._meta.get_fields())}
    untracked = set(auditlog.get_model_fields(model)["exclude_fields"]) if auditlog.contains(model) else set()
    history = [
        {
            "entry": entry,
            "actor": entry.actor.get_username() if entry.actor else None,
            "changes": _changes(entry, model, names, hidden, order, untracked),
            "imported_from": _imported_from(entry),
        }
        for entry in entries
    ]
    shown = {name for entry in entries for name in entry.changes_dict if name in sensitive - hidden}
    if shown:
        log_sensitive_access(user, obj, shown)
    return history
