"""Personal data: declared once on each model, read by everything that shows, exports, erases or expires it.

A model declares its personal fields the way it declares ``scope_paths``::

    personal_data = {
        "name": PersonalField(erase=ERASED),              # shown to whoever may see the record
        "phone": PersonalField(MASKED, erase=""),          # 138****1234 without the permission
        "health_notes": PersonalField(HIDDEN, erase=""),   # left out without the permission
    }
    not_personal_data = ("address",)      # looks personal, is not (a venue's address)
    personal_data_about = "person"        # erasing a person also erases these fields of the records about them
    personal_data_found_by_phone = "phone"  # … and of the records naming them by phone only (a booking)
    personal_data_expires = "visited_on"  # these fields are erased PERSONAL_DATA_RETENTION_DAYS after it

The admin base (registers.admin) and the import/export base (registers.sheets) mask and hide what is
declared; the history, the access log, erasure and retention (audit) read the same declarations; a system
check (registers.checks) fails on a personal-looking field nobody declared. Showing a sensitive value
unmasked is announced (``shown_unmasked``); the audit app listens and writes the access log.
"""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.dispatch import Signal

from .phones import mask_phone
from .scoping import is_scoped, unit_id_of
from .units import COMMUNITY, level_of, unit_of

# The permission that shows sensitive personal data in full (phones, care categories, health notes).
SENSITIVE_PERMISSION = "communities.view_sensitive_personal_data"
# The permission to export or erase one resident's data on request.
REQUESTS_PERMISSION = "audit.handle_personal_data_requests"

# What an erased value reads.
ERASED = "已删除"

# How a personal field is shown to an account without SENSITIVE_PERMISSION.
OPEN = "open"  # as it is, to whoever may see the record (a name, a gender)
MASKED = "masked"  # masked: a phone as 138****1234
HIDDEN = "hidden"  # not at all: left out of pages, files and filters

KEEP = object()  # erasure and retention leave the field as it is


@dataclass(frozen=True)
class PersonalField:
    shown: str = OPEN
    erase: object = KEEP  # the value erasure on request and the end of retention write

    @property
    def sensitive(self) -> bool:
        return self.shown != OPEN


# sender: the model; user, objs (the records shown), fields (the names shown in full).
shown_unmasked = Signal()


# sender: the model exported (or None); user, rows (how many records), what (the file, in words).
exported = Signal()


def record_export(user, model, rows: int, what: str) -> None:
    """Call wherever records leave the system in a file (an export, a report's spreadsheet): the security
    event log keeps who exported what and how many records."""
    if user is not None and user.is_authenticated:
        exported.send(sender=model, user=user, rows=rows, what=what)


def can_see_sensitive(user) -> bool:
    return user.has_perm(SENSITIVE_PERMISSION)


def may_call(user, obj) -> bool:
    """Whether ``user`` may see the masked phone numbers of ``obj`` in full: those who see sensitive data,
    and the staff of the record's own community (who phone the resident or the visitor); each such view is
    logged. Staff of other units, of the subdistrict and supervisors see masks."""
    if can_see_sensitive(user):
        return True
    unit = unit_of(user)
    return (
        unit is not None
        and level_of(unit) == COMMUNITY
        and is_scoped(type(obj))
        and unit_id_of(obj, COMMUNITY) == unit.pk
    )


def record_shown(user, objs, fields) -> None:
    """Call wherever sensitive values of ``objs`` are shown in full (a page, a list, an export): one access-log
    row per record, nothing of the values themselves."""
    objs = [obj for obj in objs if obj is not None]
    fields = sorted({str(field) for field in fields})
    if objs and fields and user.is_authenticated:
        shown_unmasked.send(sender=type(objs[0]), user=user, objs=objs, fields=fields)


# sender: the model exported; user, pks (the records the file holds), fields (the names held in full), what.
exported_unmasked = Signal()


def record_export_shown(user, model, pks, fields, what: str) -> None:
    """Call once when a file leaves the system with sensitive values of the records ``pks`` in full (an
    export by an account with the permission): one access-log entry naming every record, not one per record."""
    fields = sorted({str(field) for field in fields})
    if pks and fields and user is not None and user.is_authenticated:
        exported_unmasked.send(sender=model, user=user, pks=list(pks), fields=fields, what=what)


def is_erased(person) -> bool:
    """Whether ``person`` (as stored) was erased on request."""
    return person is not None and person.pk is not None and person.name == ERASED


def mask(value) -> str:
    """The one mask of a sensitive value shown to an account without the permission."""
    return mask_phone(str(value)) if value else ""


# ---- reading the declarations --------------------------------------------------------------------------


def declared(model) -> dict[str, PersonalField]:
    return getattr(model, "personal_data", {})


def declaration(model, path: str) -> PersonalField | None:
    """The declaration of the field ``path`` leads to from ``model`` (``person__phone`` from a care
    recipient is the person's phone), or None for a field that is not personal or not a field."""
    *relations, name = path.split("__")
    for part in relations:
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not field.is_relation:
            return None
        model = field.related_model
    return declared(model).get(name)


def sensitive_fields(model, shown: str | None = None) -> list[str]:
    """The fields of ``model`` masked or hidden without the permission (or only those ``shown`` so)."""
    return [
        name
        for name, field in declared(model).items()
        if field.sensitive and (shown is None or field.shown == shown)
    ]


def erasure_values(model) -> dict:
    """{field: the value it takes} when the personal data of a record of ``model`` is erased or expires."""
    return {name: field.erase for name, field in declared(model).items() if field.erase is not KEEP}


def declared_models(models) -> list:
    """The models among ``models`` that declare personal data."""
    return [model for model in models if declared(model)]


def mask_name(name: str) -> str:
    """王*军, 王*, 欧阳**: the first and last characters of a name kept, the middle masked."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
