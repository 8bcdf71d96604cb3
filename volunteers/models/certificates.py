"""Volunteer service certificates (志愿服务记录证明): issued free by the organisation that recorded the service,
numbered (the office's code, the year, a serial never reused), registered, publicly verifiable, revocable with
a reason (《志愿服务记录与证明出具办法》; 民发〔2015〕149号)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Person, Subdistrict
from registers.personal_data import PersonalField
from registers.scoping import ScopedQuerySet, community_scoped, subdistrict_scoped

# Inside the issuing organisation a new certificate is published for about a week (公示).
PUBLICATION_DAYS = 7


class IssuingOffice(models.Model):
    """The unit that issues certificates for the service it recorded: a community, or a subdistrict office
    (for the service its communities recorded). Its code starts every certificate number."""

    subdistrict = models.ForeignKey(
        Subdistrict, models.PROTECT, related_name="issuing_offices", verbose_name=_("subdistrict")
    )
    community = models.OneToOneField(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="issuing_office",
        verbose_name=_("community"),
        help_text=_("Empty for the subdistrict office itself."),
    )
    name = models.CharField(
        _("organisation's full name"),
        max_length=100,
        help_text=_("As on the seal, e.g. 金业路社区志愿服务站."),
    )
    code = models.CharField(
        _("certificate code"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9]{2,20}$",
                _("2 to 20 capital letters or digits, e.g. LYJYL or the unit's credit code."),
            )
        ],
        help_text=_("Starts every certificate number: JYL-2018-00001."),
    )
    person_in_charge = models.CharField(_("person in charge"), max_length=50)
    contact = models.CharField(_("contact telephone"), max_length=30)
    seal = models.FileField(
        _("seal image"),
        upload_to="seals/",
        blank=True,
        help_text=_(
            "A PNG of the organisation's seal on a transparent background. Without it the certificate "
            "shows where to stamp the seal by hand."
        ),
    )

    scope_paths = subdistrict_scoped("subdistrict", community="community")
    not_personal_data = ("name",)  # the organisation's name
    personal_data = {"person_in_charge": PersonalField(), "contact": PersonalField()}
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate issuing office")
        verbose_name_plural = _("certificate issuing offices")
        ordering = ["subdistrict__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict"],
                condition=Q(community__isnull=True),
                name="issuing_office_one_per_subdistrict",
                violation_error_message=_("This subdistrict office already has its issuing settings."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        if self.community_id:
            self.subdistrict_id = self.community.subdistrict_id
        super().clean_fields(exclude)

    @property
    def unit(self):
        return self.community if self.community_id else self.subdistrict


class CertificateSerial(models.Model):
    """The last serial number an office used in a year: only ever counts up, so no number is used twice."""

    office = models.ForeignKey(IssuingOffice, models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    not_personal_data = ()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="certificate_serial_per_year")]

    def __str__(self):
        return f"{self.office_id}/{self.year}: {self.last}"

    @classmethod
    def next_for(cls, office: IssuingOffice, year: int) -> int:
        """The next serial (call inside a transaction: the row stays locked until it ends, so two certificates
        issued at once get two numbers)."""
        cls.objects.get_or_create(office=office, year=year)
        cls.objects.filter(office=office, year=year).update(last=F("last") + 1)
        return cls.objects.select_for_update().get(office=office, year=year).last


class CertificateQuerySet(ScopedQuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)

    def in_publication(self, now=None):
        """Issued in the last PUBLICATION_DAYS: published inside the organisation (公示)."""
        return self.filter(issued_at__gte=(now or timezone.now()) - datetime.timedelta(days=PUBLICATION_DAYS))


class Certificate(models.Model):
    """One certificate as issued: what it says is kept as it was said (later records do not change it)."""

    number = models.CharField(_("certificate number"), max_length=40, unique=True, editable=False)
    office = models.ForeignKey(
        IssuingOffice, models.PROTECT, related_name="certificates", verbose_name=_("issued by")
    )
    volunteer = models.ForeignKey(
        Person, models.PROTECT, related_name="certificates", verbose_name=_("volunteer")
    )
    period_start = models.DateField(_("service from"))
    period_end = models.DateField(_("service to"))
    hours = models.DecimalField(_("confirmed hours"), max_digits=8, decimal_places=1)
    backfilled_hours = models.DecimalField(_("of which back-filled"), max_digits=8, decimal_places=1)
    services = models.PositiveIntegerField(_("number of services"))
    content = models.TextField(_("content of the service"))
    person_in_charge = models.CharField(_("person in charge"), max_length=50)
    handler = models.CharField(_("handled by"), max_length=50)
    contact = models.CharField(_("contact telephone"), max_length=30)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("issued by (account)")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.CharField(_("why revoked"), max_length=200, blank=True)

    scope_paths = subdistrict_scoped("office__subdistrict", community="office__community")
    personal_data = {"notes": PersonalField(erase="")}
    personal_data_about = "volunteer"
    not_personal_data = ("revoke_reason",)  # why a certificate was withdrawn: about the certificate
    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer service certificate")
        verbose_name_plural = _("volunteer service certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="certificate_has_confirmed_hours",
                violation_error_message=_("A certificate is issued only for confirmed hours."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="certificate_period_in_order",
                violation_error_message=_("The period ends before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="certificate_revocation_has_reason",
                violation_error_message=_("Say why the certificate is revoked."),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self, *, by, reason: str, now=None) -> bool:
        """Withdraw the certificate (it stays in the register, its number is never given again)."""
        if self.revoked_at is not None:
            return False
        self.revoked_at, self.revoked_by, self.revoke_reason = now or timezone.now(), by, reason.strip()
        self.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        return True


def hours_of(minutes) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"))


class CertificateRequest(models.Model):
    """A volunteer's request for a certificate, from their own record page: the recording unit's staff see it
    in their list and issue the certificate (or say why not)."""

    volunteer = models.ForeignKey(
        Person, models.PROTECT, related_name="certificate_requests", verbose_name=_("volunteer")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="certificate_requests", verbose_name=_("recorded by")
    )
    purpose = models.CharField(_("what it is for"), max_length=100, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    certificate = models.ForeignKey(
        Certificate,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("certificate issued"),
    )
    answer = models.CharField(_("answer"), max_length=200, blank=True)

    scope_paths = community_scoped("community")
    personal_data_about = "volunteer"
    not_personal_data = ("purpose",)  # a school or job application, in the volunteer's words
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate request")
        verbose_name_plural = _("certificate requests")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.volunteer} · {self.requested_at:%Y-%m-%d}"
