"""The access log API: call ``log_sensitive_access`` wherever a sensitive value is shown unmasked."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.utils.encoding import smart_str
from django.utils.translation import gettext

from registers.scoping import is_scoped, unit_id_of
from registers.units import COMMUNITY

from .models import AccessLog, pack_ids


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


def log_export(user, model, pks, fields: Iterable[str], what: str) -> AccessLog:
    """Record that ``user`` exported ``fields`` of the records ``pks`` of ``model`` unmasked in one file: one
    entry naming every record (by id; no names, no values). The entry's community is the account's when it
    is a community's staff (all its records are that community's), else none."""
    from registers.units import level_of, unit_of

    # As registers.personal_data.record_export_shown sends them: sorted, once, for a signed-in account.
    fields = ", ".join(fields)[:200]
    pks = sorted(set(pks))
    unit = unit_of(user)
    opts = model._meta
    # Read, not from the process's cache: a long-lived worker writes this entry, and must not write a kind's
    # id that a restored (or, in the tests, flushed) database no longer has. One query per export.
    content_type, _ = ContentType.objects.get_or_create(app_label=opts.app_label, model=opts.model_name)
    return AccessLog.objects.create(
        user=user,
        community_id=unit.pk if unit is not None and level_of(unit) == COMMUNITY else None,
        content_type=content_type,
        object_id=smart_str(pks[0]),
        object_repr=(
            gettext("%(register)s: export of %(count)s records") % {"register": what, "count": len(pks)}
        )[:200],
        fields=fields,
        records=len(pks),
        record_ids=pack_ids(pks),
    )
