"""A message to a resident, a volunteer or staff: an SMS or an email, queued, then sent by a worker."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from registers.personal_data import MASKED, PersonalField
from registers.scoping import ScopedQuerySet, community_scoped


class Message(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("email")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        HELD = "held", _("held until 08:00 (quiet hours)")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("message"), max_length=40)  # messaging.catalogue.KINDS
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)  # a phone number or an email address
    params = models.JSONField(_("parameters"), default=dict)  # the template's parameters
    text = models.TextField(_("text"))
    # One message per key (e.g. "booking:12:confirmed"): queuing it twice sends it once.
    key = models.CharField(max_length=120, unique=True)
    community = models.ForeignKey(
        Community, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("community")
    )
    about = models.CharField(max_length=60, blank=True, db_index=True)  # e.g. "booking:12", for its timeline
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    send_after = models.DateTimeField(_("not before"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    scope_paths = community_scoped("community")
    personal_data = {
        "recipient": PersonalField(MASKED, erase=""),
        "params": PersonalField(erase={}),
        "text": PersonalField(erase=""),
    }
    personal_data_found_by_phone = "recipient"  # erasing a resident by phone erases the messages to it
    personal_data_expires = "created_at"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "send_after"]),
            models.Index(fields=["recipient", "created_at"]),  # the daily limit per number
        ]

    def __str__(self):
        return f"{self.title} · {self.get_status_display()}"

    @property
    def title(self) -> str:
        from .catalogue import KINDS

        found = KINDS.get(self.kind)
        return found.title if found else self.kind
