"""Receivers: the start of a session (for its absolute limit, and whether it owes a second factor); the
writes and unmasked views the apps announce (registers.history, registers.personal_data), turned into the
change history and the access log."""

from auditlog.diff import model_instance_diff
from axes.signals import user_locked_out
from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from registers import history as announced
from registers.personal_data import exported, exported_unmasked, shown_unmasked

from . import events, history
from .access import log_export, log_sensitive_access_many
from .models import PasswordChange
from .passwords import note_password_age_at_sign_in
from .sessions import start_session_clock
from .two_factor import note_two_factor_at_sign_in

Kind = events.Kind


@receiver(user_logged_in, dispatch_uid="audit.session_clock")
def _start_session_clock(sender, request, user, **kwargs):
    start_session_clock(request)


@receiver(user_logged_in, dispatch_uid="audit.two_factor_at_sign_in")
def _note_two_factor(sender, request, user, **kwargs):
    note_two_factor_at_sign_in(request, user)


@receiver(shown_unmasked, dispatch_uid="audit.access_log")
def _log_access(sender, user, objs, fields, **kwargs):
    log_sensitive_access_many(user, objs, fields)


@receiver(exported_unmasked, dispatch_uid="audit.access_log_export")
def _log_export(sender, user, pks, fields, what, **kwargs):
    log_export(user, sender, pks, fields, what)
    events.record(
        Kind.UNMASKED_VIEW,
        user=user,
        target=sender._meta.label_lower,
        detail=f"{len(pks)} records: {', '.join(fields)}",
    )


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


# ---- the security event log (audit.events) -------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="audit.event_sign_in")
def _signed_in(sender, request, user, **kwargs):
    note_password_age_at_sign_in(request, user)
    events.record(Kind.SIGN_IN, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit.event_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    events.record(Kind.SIGN_IN, username=credentials.get("username", ""), succeeded=False, request=request)


@receiver(user_logged_out, dispatch_uid="audit.event_sign_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        events.record(Kind.SIGN_OUT, user=user, request=request)


@receiver(user_locked_out, dispatch_uid="audit.event_lockout")
def _locked_out(sender, request, username, ip_address, **kwargs):
    events.record(Kind.LOCKOUT, username=username or "", succeeded=False, request=request)


_ACCOUNT_FLAGS = ("password", "is_active", "is_staff", "is_superuser")


def _touches_flags(update_fields) -> bool:
    # A save of other fields (every sign-in saves last_login) costs no look-up of the row as it was.
    return update_fields is None or bool(set(update_fields) & set(_ACCOUNT_FLAGS))


@receiver(pre_save, sender=User, dispatch_uid="audit.account_before")
def _account_before(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not _touches_flags(update_fields):
        return
    if instance.pk is None:
        instance._audit_before = None
        return
    instance._audit_before = sender.objects.filter(pk=instance.pk).values(*_ACCOUNT_FLAGS).first()


@receiver(post_save, sender=User, dispatch_uid="audit.account_after")
def _account_after(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _touches_flags(update_fields):
        return
    name = instance.get_username()
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        events.record(Kind.ACCOUNT_CREATED, target=name, detail=_roles(instance))
        if instance.has_usable_password():
            PasswordChange.objects.create(user=instance)
        return
    if before["password"] != instance.password:
        PasswordChange.objects.create(user=instance)
        events.record(Kind.PASSWORD_CHANGED, target=name)
    if before["is_active"] != instance.is_active:
        events.record(
            Kind.ACCOUNT_REACTIVATED if instance.is_active else Kind.ACCOUNT_DEACTIVATED, target=name
        )
    if (before["is_staff"], before["is_superuser"]) != (instance.is_staff, instance.is_superuser):
        events.record(Kind.ROLE_CHANGED, target=name, detail=_roles(instance))


def _roles(user) -> str:
    return f"staff={'yes' if user.is_staff else 'no'} superuser={'yes' if user.is_superuser else 'no'}"


@receiver(post_delete, sender=User, dispatch_uid="audit.account_deleted")
def _account_deleted(sender, instance, **kwargs):
    events.record(Kind.ACCOUNT_DELETED, target=instance.get_username())


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit.groups_changed")
def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    _links_event(Kind.GROUPS_CHANGED, instance, action, reverse, model, pk_set, "groups", "name")


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="audit.permissions_changed")
def _permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    _links_event(
        Kind.PERMISSIONS_CHANGED, instance, action, reverse, model, pk_set, "user_permissions", "codename"
    )


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="audit.group_permissions_changed")
def _group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    _links_event(
        Kind.PERMISSIONS_CHANGED, instance, action, reverse, model, pk_set, "permissions", "codename"
    )


_VERBS = {"post_add": "+", "post_remove": "-", "pre_clear": "-"}


def _links_event(kind, instance, action, reverse, model, pk_set, links, label) -> None:
    """One event per changed account or group: which groups or permissions (its ``links``, named by their
    ``label``) were added (+) or removed (-)."""
    if action not in _VERBS:
        return
    if action == "pre_clear":
        if reverse:  # group.user_set.clear(): not something the app or the admin does
            return
        pk_set = set(getattr(instance, links).values_list("pk", flat=True))
    if not pk_set:
        return
    if reverse:  # group.user_set.add(user), permission.group_set.add(group): the other side changed
        for other in model.objects.filter(pk__in=pk_set):
            _links_event(kind, other, action, False, type(instance), {instance.pk}, links, label)
        return
    names = sorted(str(value) for value in model.objects.filter(pk__in=pk_set).values_list(label, flat=True))
    target = instance.get_username() if isinstance(instance, User) else f"group {instance.name}"
    events.record(kind, target=target, detail=f"{_VERBS[action]} {', '.join(names)}"[:500])


@receiver(shown_unmasked, dispatch_uid="audit.event_unmasked")
def _unmasked_event(sender, user, objs, fields, **kwargs):
    events.record(
        Kind.UNMASKED_VIEW,
        user=user,
        target=sender._meta.label_lower,
        detail=f"{len(objs)} records: {', '.join(fields)}",
    )


@receiver(exported, dispatch_uid="audit.event_export")
def _exported(sender, user, rows, what, **kwargs):
    events.record(
        Kind.EXPORT,
        user=user,
        target=sender._meta.label_lower if sender is not None else "",
        detail=f"{what}: {rows} records",
    )
