"""A volunteer's record, in the five parts of 《志愿服务条例》 §19: basic information (the person, with the
national volunteer number), service (ServiceRecord), training, commendations and evaluations.

Every service counts through a ServiceRecord: a home visit gives one per volunteer who went (kept in step by
services.sync_visit_records), an activity one per volunteer who served on it, venue duty and other service
one each, entered by staff. Per 《志愿服务记录与证明出具办法》 hours are the actual service time and count once
the organiser has confirmed them; hours staff enter after the fact for service nobody recorded (补录) carry
their reason and are marked as back-filled wherever they show.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Community, Person
from registers.personal_data import PersonalField
from registers.scoping import ScopedQuerySet, community_scoped
from registers.validators import validate_not_future

from .visits import HomeVisit, VolunteerTeam

# Star levels (星级志愿者) by confirmed hours, as the national platform awards them.
STAR_HOURS = (100, 300, 600, 1000, 1500)
# A service entry lasts at most a day.
MAX_MINUTES = 24 * 60


def star_level(hours: float) -> int:
    """0 to 5 stars for ``hours`` confirmed hours."""
    return sum(1 for threshold in STAR_HOURS if hours >= threshold)


class ServiceRecordQuerySet(ScopedQuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def between(self, start: datetime.date, end: datetime.date):
        return self.filter(served_on__gte=start, served_on__lte=end)


class ServiceRecord(models.Model):
    """One service by one volunteer (志愿服务记录): the unit every volunteer figure counts."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", pgettext_lazy("kind of service", "home visit")
        ACTIVITY = "activity", _("activity")
        VENUE_DUTY = "venue_duty", _("venue duty")
        OTHER = "other", _("other service")

    class Recorded(models.TextChoices):
        CHECK_IN = "check_in", _("checked in and out")
        ORGANISER = "organiser", _("recorded by the organiser")
        BACKFILLED = "backfilled", _("back-filled by staff")

    volunteer = models.ForeignKey(
        Person, models.PROTECT, related_name="service_records", verbose_name=_("volunteer")
    )
    # The recording organisation's community (for a home visit, the recipient's, as the visit counts): one
    # indexed filter for scoping and counting.
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="service_records", verbose_name=_("community")
    )
    team = models.ForeignKey(
        VolunteerTeam,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_records",
        verbose_name=_("team"),
    )
    kind = models.CharField(_("kind of service"), max_length=20, choices=Kind.choices)
    home_visit = models.ForeignKey(
        HomeVisit,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="service_records",
        verbose_name=_("home visit"),
    )
    # The activities app sits above this one (an activity names a volunteer team): the link is by name, and
    # nothing here imports it.
    activity = models.ForeignKey(
        "activities.Activity",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="service_records",
        verbose_name=_("activity"),
    )
    served_on = models.DateField(_("date"), validators=[validate_not_future])
    starts_at = models.DateTimeField(_("start"), null=True, blank=True)
    ends_at = models.DateTimeField(_("end"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    content = models.CharField(_("content of the service"), max_length=200, blank=True)
    recorded = models.CharField(_("how recorded"), max_length=20, choices=Recorded.choices)
    backfill_reason = models.CharField(_("why back-filled"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now, editable=False)

    scope_paths = community_scoped("community")
    personal_data_about = "volunteer"
    not_personal_data = ("backfill_reason",)  # why staff back-filled hours, not about the volunteer
    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=MAX_MINUTES),
                name="service_record_minutes_range",
                violation_error_message=_("A service entry lasts between 1 minute and 24 hours."),
            ),
            models.CheckConstraint(
                condition=~Q(recorded="backfilled") | ~Q(backfill_reason=""),
                name="service_record_backfill_has_reason",
                violation_error_message=_("Say why these hours are back-filled."),
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="service_record_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.UniqueConstraint(
                fields=["home_visit", "volunteer"],
                condition=Q(home_visit__isnull=False),
                name="service_record_once_per_visit",
                violation_error_message=_("This volunteer already has a record of this visit."),
            ),
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=Q(activity__isnull=False),
                name="service_record_once_per_activity",
                violation_error_message=_("This volunteer already has a record of this activity."),
            ),
        ]
        indexes = [
            # Counts over a unit and a period; a community's list, newest first.
            models.Index(fields=["community", "served_on"], name="service_record_unit_date_idx"),
            # A district's list, newest first (the admin's order), without sorting every entry of the unit.
            models.Index(fields=["-served_on", "-id"], name="service_record_date_idx"),
            # One volunteer's record and totals.
            models.Index(fields=["volunteer", "served_on"], name="service_record_volunteer_idx"),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.served_on} · {self.get_kind_display()}"

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def description(self) -> str:
        """What was done, in words: the content entered, else the activity's title, else the kind."""
        if self.content:
            return self.content
        if self.activity_id:
            return self.activity.title
        return str(self.get_kind_display())

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def clean_fields(self, exclude=None):
        # An activity's service is recorded by the activity's community: derived before the fields are checked.
        if self.activity_id:
            self.community_id = self.activity.community_id
        super().clean_fields(exclude)

    def clean(self):
        errors = {}
        if self.recorded == self.Recorded.BACKFILLED and not self.backfill_reason.strip():
            errors["backfill_reason"] = _("Say why these hours are back-filled.")
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                errors["ends_at"] = _("The end must be after the start.")
            elif self.minutes and self.minutes * 60 > (self.ends_at - self.starts_at).total_seconds():
                errors["minutes"] = _("The hours cannot be more than the time from start to end.")
        if self.kind == self.Kind.HOME_VISIT and not self.home_visit_id:
            errors["home_visit"] = _(
                "A home visit's record is made from the visit: record the visit instead."
            )
        if self.kind == self.Kind.ACTIVITY and not self.activity_id:
            errors["activity"] = _("Name the activity.")
        if self.activity_id and self.minutes and "minutes" not in errors:
            length = (self.activity.end - self.activity.start).total_seconds() / 60
            if self.minutes > length:
                errors["minutes"] = _("More than the activity lasted (%(minutes)d minutes).") % {
                    "minutes": length
                }
        if errors:
            raise ValidationError(errors)

    def confirm(self, *, by, now=None) -> bool:
        """Confirm the hours (they count from now on); False when they already were."""
        if self.confirmed_at is not None:
            return False
        self.confirmed_at, self.confirmed_by = now or timezone.now(), by
        self.save(update_fields=["confirmed_at", "confirmed_by"])
        return True


class Training(models.Model):
    """A course a volunteer attended (志愿服务培训)."""

    volunteer = models.ForeignKey(
        Person, models.PROTECT, related_name="trainings", verbose_name=_("volunteer")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="volunteer_trainings", verbose_name=_("community")
    )
    course = models.CharField(_("course"), max_length=100)
    held_on = models.DateField(_("date"), validators=[validate_not_future])
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    organiser = models.CharField(_("organised by"), max_length=100, blank=True)

    scope_paths = community_scoped("community")
    personal_data_about = "volunteer"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                name="training_hours_range",
                violation_error_message=_("A course's hours are more than 0 and at most 24 a day."),
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.course}"


class Commendation(models.Model):
    """A commendation or award to one volunteer (表彰奖励), beside the unit honours."""

    volunteer = models.ForeignKey(
        Person, models.PROTECT, related_name="commendations", verbose_name=_("volunteer")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="volunteer_commendations", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=100)
    awarded_by = models.CharField(_("awarded by"), max_length=100)
    awarded_on = models.DateField(_("awarded on"), validators=[validate_not_future])

    scope_paths = community_scoped("community")
    personal_data_about = "volunteer"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-awarded_on", "-id"]

    def __str__(self):
        return f"{self.volunteer} · {self.title}"


class Evaluation(models.Model):
    """An evaluation of a volunteer's service (服务评价) by the organiser or by the person served."""

    class By(models.TextChoices):
        ORGANISER = "organiser", _("the organiser")
        RECIPIENT = "recipient", _("the person served")

    volunteer = models.ForeignKey(
        Person, models.PROTECT, related_name="evaluations", verbose_name=_("volunteer")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="volunteer_evaluations", verbose_name=_("community")
    )
    service_record = models.ForeignKey(
        ServiceRecord,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("service evaluated"),
    )
    by = models.CharField(_("evaluated by"), max_length=20, choices=By.choices)
    rating = models.PositiveSmallIntegerField(_("rating (1 to 5)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    evaluated_on = models.DateField(_("date"), default=timezone.localdate, validators=[validate_not_future])

    scope_paths = community_scoped("community")
    personal_data = {"note": PersonalField(erase="")}
    personal_data_about = "volunteer"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-evaluated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="evaluation_rating_range",
                violation_error_message=_("A rating is 1 to 5."),
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.rating}"
