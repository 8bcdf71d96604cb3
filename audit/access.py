"""The access log API: call ``log_sensitive_access`` wherever a sensitive value is shown unmasked."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.utils.encoding import smart_str

from registers.scoping import is_scoped, unit_id_of
from registers.units import COMMUNITY

from .models import AccessLog


def _community_id(obj):
    """The community a record belongs to, from what is loaded (no query)."""
    return unit_id_of(obj, COMMUNITY) if is_scoped(type(obj)) else getattr(obj, "community_id", None)


def log_sensitive_access(user, obj, fields: Iterable[str]) -> AccessLog | None:
    """Record that ``user`` saw ``fields`` of ``obj`` unmasked (full phone, health notes, an export).

    Call it from the view that shows the values, only when it does show them (the account has
    communities.view_sensitive_personal_data). One row per view; nothing of the values themselves.
    """
    fields = sorted({str(f) for f in fields})
    if not fields or not user.is_authenticated:
        return None
    return AccessLog.objects.create(
        user=user,
        community_id=_community_id(obj),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=smart_str(obj.pk),
        object_repr=smart_str(obj)[:200],
        fields=", ".join(fields)[:200],
    )


def log_sensitive_access_many(user, objs, fields: Iterable[str]) -> int:
    """The same for a list page or an export that shows many records unmasked: one row each, one INSERT."""
    fields = ", ".join(sorted({str(f) for f in fields}))[:200]
    objs = list(objs)
    if not fields or not objs or not user.is_authenticated:
        return 0
    content_type = ContentType.objects.get_for_model(objs[0])
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                user=user,
                community_id=_community_id(obj),
                content_type=content_type,
                object_id=smart_str(obj.pk),
                object_repr=smart_str(obj)[:200],
                fields=fields,
            )
            for obj in objs
        ],
        batch_size=1000,
    )
    return len(objs)
