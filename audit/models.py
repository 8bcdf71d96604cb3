"""The access log: who opened which sensitive record unmasked, and when."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from registers.personal_data import PersonalField
from registers.scoping import ScopedQuerySet, community_scoped


class AccessLog(models.Model):
    """One unmasked view of a sensitive record (full phone, health notes) by one account.

    Rows are written by ``audit.access.log_sensitive_access`` and never changed. The record's community is
    kept (even though derivable) so that supervisors see the log of their own unit with one indexed filter,
    and so that the row survives the record's deletion.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("account")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("community")
    )
    content_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+", verbose_name=_("kind"))
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    fields = models.CharField(_("fields shown"), max_length=200)
    # An export is one entry for the whole file (audit.access.log_export): how many records it held and
    # their ids, as ranges ("3-250,300"); object_id is then the first record's id.
    records = models.PositiveIntegerField(_("records"), default=1)
    record_ids = models.TextField(_("record ids"), blank=True)

    scope_paths = community_scoped("community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sensitive data access")
        verbose_name_plural = _("sensitive data accesses")
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="accesslog_object_idx")]
        permissions = [
            (
                "handle_personal_data_requests",
                _("Can export and erase a resident's personal data on request"),
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.object_repr} · {self.fields}"

    def record_pks(self) -> list[int]:
        """The ids of the records this entry names: the one record, or every record of an export."""
        if not self.record_ids:
            return [int(self.object_id)] if self.object_id.isdigit() else []
        return unpack_ids(self.record_ids)


def pack_ids(pks) -> str:
    """Ids as ranges: [1, 2, 3, 7, 9, 10] -> "1-3,7,9-10" (an export's ids are mostly runs)."""
    parts, pks = [], sorted(set(pks))
    start = previous = None
    for pk in pks + [None]:
        if start is not None and (pk is None or pk != previous + 1):
            parts.append(str(start) if start == previous else f"{start}-{previous}")
            start = None
        if start is None:
            start = pk
        previous = pk
    return ",".join(parts)


def unpack_ids(text: str) -> list[int]:
    pks = []
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        pks.extend(range(int(first), int(last or first) + 1))
    return pks


class SecurityEvent(models.Model):
    """One security event (等保 2.0 安全审计 b: date and time, account, event, outcome, and the address).

    Written by ``audit.events.record`` and never changed: the admin offers no change or deletion, and on
    PostgreSQL a trigger refuses UPDATE and DELETE except the retention purge (audit.protection). The account
    is kept as an id and a name, not a foreign key, so that no deletion elsewhere ever rewrites an entry.
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("sign-in")
        SIGN_OUT = "sign_out", _("sign-out")
        LOCKOUT = "lockout", _("lockout after failed sign-ins")
        TWO_FACTOR = "two_factor", _("second factor at sign-in")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PASSWORD_RESET_ASKED = "password_reset_asked", _("password reset asked for")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("two-factor sign-in turned on")
        TWO_FACTOR_REMOVED = "two_factor_removed", _("two-factor sign-in turned off")
        RECOVERY_CODES = "recovery_codes", _("new recovery codes")
        ACCOUNT_CREATED = "account_created", _("account created")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("account deactivated")
        ACCOUNT_REACTIVATED = "account_reactivated", _("account reactivated")
        ACCOUNT_DELETED = "account_deleted", _("account deleted")
        ROLE_CHANGED = "role_changed", _("staff or superuser status changed")
        GROUPS_CHANGED = "groups_changed", _("groups changed")
        PERMISSIONS_CHANGED = "permissions_changed", _("permissions changed")
        EXPORT = "export", _("export")
        UNMASKED_VIEW = "unmasked_view", _("personal data shown unmasked")
        AUDIT_PURGE = "audit_purge", _("old audit entries purged")
        AUDIT_SCRUB = "audit_scrub", _("names scrubbed from the history")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(_("account id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("account"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices, db_index=True)
    succeeded = models.BooleanField(_("succeeded"), default=True)
    target = models.CharField(_("concerning"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    # Staff's sign-in names and addresses, shown to the audit administrators; the whole entry goes after
    # AUDIT_LOG_RETENTION_DAYS (audit.protection), never edited before.
    personal_data = {"username": PersonalField(), "address": PersonalField()}

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} · {self.username or '-'} · {self.get_kind_display()}"


class PasswordChange(models.Model):
    """When an account's password was set: its age (PASSWORD_MAX_AGE_DAYS) is counted from the last one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "-at"], name="passwordchange_user_idx")]

    def __str__(self):
        return f"{self.user_id} · {self.at:%Y-%m-%d}"
