"""{% record_history object %}: the change history of a record for its admin "History" page."""

from auditlog.models import LogEntry
from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

register = template.Library()

HISTORY_LIMIT = 200


def _label(model, name):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    try:
        return str(field.verbose_name)
    except AttributeError:  # a reverse relation
        return str(field.related_model._meta.verbose_name_plural)


def _changes(entry, model):
    """(label, old, new) rows; for a many-to-many entry (auditlog keeps one per add or removal),
    (label, "added"/"removed", the related records' names)."""
    raw = entry.changes_dict
    if raw and all(isinstance(values, dict) for values in raw.values()):
        return [
            (
                _label(model, name),
                _("added") if values.get("operation") == "add" else _("removed"),
                ", ".join(map(str, values.get("objects", []))),
            )
            for name, values in raw.items()
        ]
    try:
        display = entry.changes_display_dict  # keyed by the fields' verbose names
    except Exception:  # a field that no longer exists: show the stored text
        display = raw
    # In the model's field order (PostgreSQL's jsonb keeps the keys in its own order).
    order = {str(getattr(field, "verbose_name", field.name)): i for i, field in enumerate(model._meta.fields)}
    rows = []
    for name, values in sorted(display.items(), key=lambda item: order.get(str(item[0]), len(order))):
        old, new = (list(values) + ["", ""])[:2]
        rows.append(
            (_label(model, name), "" if old in (None, "None") else old, "" if new in (None, "None") else new)
        )
    return rows


def _imported_from(entry):
    """The file a bulk import brought the record in from (audit.history.record_created_in_database)."""
    data = entry.additional_data
    return data.get("import") if isinstance(data, dict) else None


@register.simple_tag
def record_history(obj):
    """The latest entries (who, when, what changed) for ``obj``, newest first."""
    model = type(obj)
    entries = (
        LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp")
    )
    return [
        {
            "entry": entry,
            "actor": entry.actor.get_username() if entry.actor else None,
            "changes": _changes(entry, model),
            "imported_from": _imported_from(entry),
        }
        for entry in entries[:HISTORY_LIMIT]
    ]
