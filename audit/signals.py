"""Receivers: the start of a session (for its absolute limit, and whether it owes a second factor); the
writes and unmasked views the apps announce (registers.history, registers.personal_data), turned into the
change history and the access log."""

from auditlog.diff import model_instance_diff
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from registers import history as announced
from registers.personal_data import shown_unmasked

from . import history
from .access import log_sensitive_access_many
from .sessions import start_session_clock
from .two_factor import note_two_factor_at_sign_in


@receiver(user_logged_in, dispatch_uid="audit.session_clock")
def _start_session_clock(sender, request, user, **kwargs):
    start_session_clock(request)


@receiver(user_logged_in, dispatch_uid="audit.two_factor_at_sign_in")
def _note_two_factor(sender, request, user, **kwargs):
    note_two_factor_at_sign_in(request, user)


@receiver(shown_unmasked, dispatch_uid="audit.access_log")
def _log_access(sender, user, objs, fields, **kwargs):
    log_sensitive_access_many(user, objs, fields)


@receiver(announced.created_in_bulk, dispatch_uid="audit.created_in_bulk")
def _created(sender, objs, by, **kwargs):
    history.record_bulk_create(sender, objs, by)


@receiver(announced.inserted_by_query, dispatch_uid="audit.inserted_by_query")
def _inserted(sender, queryset, by, name, note, **kwargs):
    history.record_created_in_database(sender, queryset, by, name=name, note=note)


@receiver(announced.updated_in_bulk, dispatch_uid="audit.updated_in_bulk")
def _updated(sender, originals, objs, by, **kwargs):
    history.record_bulk_update(sender, originals, objs, by)


@receiver(announced.changed_by_update, dispatch_uid="audit.changed_by_update")
def _changed(sender, objs, pks, changes, before, by, **kwargs):
    if before is not None:
        for obj in objs:
            history.record_bulk_change(sender, [obj], model_instance_diff(before, obj), by)
    elif pks:
        history.record_bulk_change_by_pk(sender, pks, changes, by)
    else:
        history.record_bulk_change(sender, objs, changes, by)


@receiver(announced.links_changed_in_bulk, dispatch_uid="audit.links_changed_in_bulk")
def _links_changed(sender, field_name, changes, by, **kwargs):
    history.record_bulk_m2m_change(sender, field_name, changes, by)


@receiver(announced.deleted_in_bulk, dispatch_uid="audit.deleted_in_bulk")
def _deleted(sender, objs, by, **kwargs):
    history.record_bulk_delete(sender, objs, by)
