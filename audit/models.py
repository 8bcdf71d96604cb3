"""The access log: who opened which sensitive record unmasked, and when."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.models import Community
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
