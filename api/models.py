"""Tokens of the read-only data interface: each names the unit whose figures it may read, and expires.

Only a digest of the token is stored; the token itself is shown once, when it is created."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registers.units import unit_names

TOKEN_PREFIX = "cs_"
LONGEST_VALIDITY = timedelta(days=366)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def default_expiry():
    return timezone.now() + timedelta(days=90)


class ApiTokenQuerySet(models.QuerySet):
    def for_user(self, user):
        """Tokens of the account's own unit or of units inside it (a superuser: all)."""
        if user.is_superuser:
            return self
        return self.filter(unit__in=list(unit_names(user)))

    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    name = models.CharField(
        _("used by"), max_length=100, help_text=_("The system that reads with it, e.g. 市一表通平台.")
    )
    unit = models.CharField(
        _("unit"), max_length=40, help_text=_("The unit whose figures it may read, e.g. subdistrict:3.")
    )
    prefix = models.CharField(_("token begins with"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=default_expiry)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    not_personal_data = ("name",)  # the name of a system, not of a person
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def clean(self):
        if self.expires_at and self.expires_at > timezone.now() + LONGEST_VALIDITY:
            raise ValidationError({"expires_at": _("A token is valid for a year at most.")})
        if self.expires_at and self.expires_at <= timezone.now():
            raise ValidationError({"expires_at": _("Choose a moment in the future.")})

    def issue(self) -> str:
        """A new secret for this token (saved by the caller): returned once, only its digest is kept."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.prefix, self.digest = token[:10], digest(token)
        return token

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
