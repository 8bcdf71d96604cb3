"""Personal data: who may see it in full, how it is masked, and the marker of an erased value.

Showing a sensitive value unmasked is announced (``shown_unmasked``); the audit app listens and writes the
access log.
"""

from django.dispatch import Signal

# The permission that shows sensitive personal data in full (phones, care categories, health notes).
SENSITIVE_PERMISSION = "communities.view_sensitive_personal_data"
# The permission to export or erase one resident's data on request.
REQUESTS_PERMISSION = "audit.handle_personal_data_requests"

# What an erased value reads.
ERASED = "已删除"

# sender: the model; user, objs (the records shown), fields (the names shown in full).
shown_unmasked = Signal()


def can_see_sensitive(user) -> bool:
    return user.has_perm(SENSITIVE_PERMISSION)


def record_shown(user, objs, fields) -> None:
    """Call wherever sensitive values of ``objs`` are shown in full (a page, a list, an export): one access-log
    row per record, nothing of the values themselves."""
    objs = [obj for obj in objs if obj is not None]
    fields = sorted({str(field) for field in fields})
    if objs and fields and user.is_authenticated:
        shown_unmasked.send(sender=type(objs[0]), user=user, objs=objs, fields=fields)


def is_erased(person) -> bool:
    """Whether ``person`` (as stored) was erased on request."""
    return person is not None and person.pk is not None and person.name == ERASED
