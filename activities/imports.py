"""Undoing an activity import: the activities it added are removed, those it changed put back as they were.

Only while nobody has changed them since: the change history (django-auditlog) of the import's records after
the import ended names any later change, and the undo is refused with the list of those records. The undo is
one transaction; claiming the import (``undone_at``) is its first write, so two people undoing the same import
at once undo it once.
"""

from collections import defaultdict

from auditlog.models import LogEntry
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registers.history import record_links_changed, record_updated
from registers.models import Attachment

from .models import Activity, ImportedChange, ImportLog

# Records named when an undo is refused (the rest counted).
LISTED = 20


class UndoRefused(Exception):
    """The import cannot be undone; the message says why, for the user."""


def changed_since(log: ImportLog) -> list[Activity]:
    """The import's activities someone changed (or a later import changed) after it ended. The changes of
    a later import that was itself undone do not count: its undo put them back."""
    if log.finished_at is None:
        return []
    mine = Q(import_log=log) | Q(pk__in=ImportedChange.objects.filter(import_log=log).values("activity_id"))
    later = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Activity),
        object_id__in=Activity.objects.filter(mine).values("pk"),
        timestamp__gt=log.finished_at,
    ).values_list("object_id", "timestamp")
    entries = list(later)
    undone_windows = defaultdict(list)  # activity id -> (from, to) of later imports since undone
    for activity_id, began, undone in ImportedChange.objects.filter(
        activity_id__in={activity_id for activity_id, _at in entries},
        import_log__imported_at__gt=log.finished_at,
        import_log__undone_at__isnull=False,
    ).values_list("activity_id", "import_log__imported_at", "import_log__undone_at"):
        undone_windows[activity_id].append((began, undone))
    changed = {
        activity_id
        for activity_id, at in entries
        if not any(began <= at <= undone for began, undone in undone_windows[activity_id])
    }
    return list(Activity.objects.filter(pk__in=changed).order_by("start")[: LISTED + 1])


def depended_on(log: ImportLog) -> list[Activity]:
    """Activities the import added that records entered since hang on: volunteers' hours, a call for
    volunteers, photos or documents. Removing the activity would take them with it."""
    attached = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Activity))
    return list(
        Activity.objects.filter(import_log=log)
        .filter(
            Q(service_records__isnull=False)
            | Q(recruitment__isnull=False)
            | Q(pk__in=attached.values("object_id"))
        )
        .distinct()
        .order_by("start")[: LISTED + 1]
    )


def _named(activities) -> str:
    names = "、".join(
        f"{a.title}（{timezone.localtime(a.start):%Y-%m-%d %H:%M}）" for a in activities[:LISTED]
    )
    return names + (_("and others") if len(activities) > LISTED else "")


@transaction.atomic
def undo_import(*, log: ImportLog, by) -> dict:
    """Remove what ``log`` added and restore what it changed; returns the counts. Raises UndoRefused."""
    if log.finished_at is None:
        raise UndoRefused(_("This import was made before imports could be undone; it cannot be undone here."))
    claimed = ImportLog.objects.filter(pk=log.pk, undone_at__isnull=True).update(
        undone_at=timezone.now(), undone_by=by
    )
    if not claimed:
        raise UndoRefused(_("This import has already been undone."))
    edited = changed_since(log)
    if edited:
        raise UndoRefused(
            _("These activities were changed after the import, so it cannot be undone: %(names)s.")
            % {"names": _named(edited)}
        )
    needed = depended_on(log)
    if needed:
        raise UndoRefused(
            _(
                "Volunteers' hours, a call for volunteers, photos or documents were entered since for these "
                "activities, so the import cannot be undone: %(names)s."
            )
            % {"names": _named(needed)}
        )
    added = Activity.objects.filter(import_log=log)
    try:
        _rows, by_model = added.delete()  # one history entry per activity (auditlog's signals)
    except ProtectedError as error:
        blocking = sorted({str(obj) for obj in error.protected_objects})[:LISTED]
        raise UndoRefused(
            _("Records entered since depend on activities of this import: %(records)s.")
            % {"records": "、".join(blocking)}
        ) from None
    removed = by_model.get(Activity._meta.label, 0)  # (an activity deleted since is not counted)
    restored = _restore(log, by)
    # The undo's own writes end here: a later undo of an earlier import reads them as this import's.
    ImportLog.objects.filter(pk=log.pk).update(undone_at=timezone.now())
    AdminLogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[log],
        action_flag=CHANGE,
        change_message=_("Undone: %(removed)s activities removed, %(restored)s put back as they were.")
        % {"removed": removed, "restored": restored},
        single_object=True,
    )
    return {"removed": removed, "restored": restored}


def _restore(log: ImportLog, by) -> int:
    changes = list(ImportedChange.objects.filter(import_log=log).select_related("activity"))
    if not changes:
        return 0
    fields = [
        f for f in Activity._meta.concrete_fields if f.attname not in ("id", "import_log_id", "created_at")
    ]
    originals, restored, links = {}, [], []
    through = Activity.lecturers.through
    for change in changes:
        activity = change.activity
        originals[activity.pk] = Activity(
            **{f.attname: getattr(activity, f.attname) for f in fields}, pk=activity.pk
        )
        for field in fields:
            if field.attname in change.before:
                setattr(activity, field.attname, field.to_python(change.before[field.attname]))
        restored.append(activity)
    Activity.objects.bulk_update(restored, [f.name for f in fields], batch_size=500)
    record_updated(Activity, originals, restored, by=by)
    before_links = {}
    for activity_id, lecturer_id in through.objects.filter(activity_id__in=list(originals)).values_list(
        "activity_id", "lecturer_id"
    ):
        before_links.setdefault(activity_id, set()).add(lecturer_id)
    through.objects.filter(activity_id__in=list(originals)).delete()
    wanted = {change.activity_id: change.before.get("lecturers", []) for change in changes}
    through.objects.bulk_create(
        [through(activity_id=pk, lecturer_id=lecturer) for pk, ids in wanted.items() for lecturer in ids]
    )
    lecturers = {
        lec.pk: lec
        for lec in Activity.lecturers.field.related_model.objects.filter(
            pk__in={lecturer for ids in wanted.values() for lecturer in ids}
        )
    }
    for activity in restored:
        links.append(
            (
                activity,
                before_links.get(activity.pk, set()),
                [lecturers[i] for i in wanted[activity.pk] if i in lecturers],
            )
        )
    record_links_changed(Activity, "lecturers", links, by=by)
    return len(restored)
