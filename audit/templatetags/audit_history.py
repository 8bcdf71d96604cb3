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
    try:
        display = entry.changes_display_dict
    except Exception:  # a field that no longer exists: show the stored text
        display = entry.changes_dict
    rows = []
    for name, values in display.items():
        if isinstance(
            values, dict
        ):  # many-to-many: {"type": "m2m", "operation": "add"|"delete", "objects": [...]}
            verb = _("added") if values.get("operation") == "add" else _("removed")
            rows.append((_label(model, name), verb, ", ".join(map(str, values.get("objects", [])))))
        else:
            old, new = (list(values) + ["", ""])[:2]
            rows.append(
                (
                    _label(model, name),
                    "" if old in (None, "None") else old,
                    "" if new in (None, "None") else new,
                )
            )
    return rows


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
        }
        for entry in entries[:HISTORY_LIMIT]
    ]
