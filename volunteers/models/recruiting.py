"""Activities that recruit volunteers (志愿者招募): places, skills, the risks stated (《志愿服务条例》 §12), a
sign-up deadline; the volunteers who signed up (or wait for a place), and their check-in and check-out,
from which their service record of the activity is made."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Person
from registers.scoping import ScopedQuerySet, community_scoped

# A volunteer may check in from this long before the activity starts.
CHECK_IN_EARLY = datetime.timedelta(minutes=30)
# … and check out until this long after it ends.
CHECK_OUT_LATE = datetime.timedelta(hours=2)
# The national platforms' rule: at most this many check-ins per volunteer per day.
MAX_CHECK_INS_PER_DAY = 3


class RecruitmentQuerySet(ScopedQuerySet):
    def open_for_sign_up(self, now=None):
        now = now or timezone.now()
        return self.filter(published=True, signup_deadline__gt=now, activity__start__gt=now)


class Recruitment(models.Model):
    """An activity's call for volunteers."""

    # The activities app sits above this one: the link is by name, nothing here imports it.
    activity = models.OneToOneField(
        "activities.Activity", models.CASCADE, related_name="recruitment", verbose_name=_("activity")
    )
    # Always the activity's community (see clean_fields()): one indexed filter for scoping and counting.
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="recruitments", verbose_name=_("community")
    )
    needed = models.PositiveSmallIntegerField(_("volunteers needed"))
    tasks = models.CharField(_("what volunteers do"), max_length=200)
    skills = models.CharField(_("skills required"), max_length=200, blank=True)
    risks = models.CharField(
        _("risks"),
        max_length=300,
        help_text=_("What the volunteers should know of the risks of this service and how they are covered."),
    )
    signup_deadline = models.DateTimeField(
        _("sign-up and cancellation deadline"), help_text=_("Volunteers can cancel their sign-up until then.")
    )
    published = models.BooleanField(_("shown on the public page"), default=True)

    scope_paths = community_scoped("community")
    objects = RecruitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer recruitment")
        verbose_name_plural = _("volunteer recruitments")
        ordering = ["-signup_deadline", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(needed__gte=1) & Q(needed__lte=1000),
                name="recruitment_needed_range",
                violation_error_message=_("Between 1 and 1000 volunteers."),
            ),
        ]

    def __str__(self):
        return str(self.activity)

    def clean_fields(self, exclude=None):
        if self.activity_id:
            self.community_id = self.activity.community_id
        super().clean_fields(exclude)

    def clean(self):
        if self.activity_id and self.signup_deadline and self.signup_deadline > self.activity.start:
            raise ValidationError({"signup_deadline": _("The deadline must be before the activity starts.")})

    @property
    def check_in_opens(self) -> datetime.datetime:
        return self.activity.start - CHECK_IN_EARLY

    @property
    def check_out_closes(self) -> datetime.datetime:
        return self.activity.end + CHECK_OUT_LATE


class SignUp(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("signed up")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    recruitment = models.ForeignKey(
        Recruitment, models.CASCADE, related_name="sign_ups", verbose_name=_("recruitment")
    )
    volunteer = models.ForeignKey(
        Person, models.PROTECT, related_name="sign_ups", verbose_name=_("volunteer")
    )
    community = models.ForeignKey(Community, models.PROTECT, related_name="+", verbose_name=_("community"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    scope_paths = community_scoped("community")
    personal_data_about = "volunteer"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer sign-up")
        verbose_name_plural = _("volunteer sign-ups")
        ordering = ["recruitment", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recruitment", "volunteer"],
                condition=~Q(status="cancelled"),
                name="sign_up_once_per_recruitment",
                violation_error_message=_("This volunteer has already signed up for this activity."),
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.recruitment}"


class CheckIn(models.Model):
    """A volunteer's arrival and departure at an activity; the check-out makes their service record."""

    sign_up = models.OneToOneField(SignUp, models.CASCADE, related_name="check_in", verbose_name=_("sign-up"))
    volunteer = models.ForeignKey(
        Person, models.PROTECT, related_name="check_ins", verbose_name=_("volunteer")
    )
    community = models.ForeignKey(Community, models.PROTECT, related_name="+", verbose_name=_("community"))
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checked_in_by_organiser = models.BooleanField(_("checked in by the organiser"), default=False)
    completed_reason = models.CharField(
        _("why the organiser entered the check-out"), max_length=200, blank=True
    )

    scope_paths = community_scoped("community")
    personal_data_about = "volunteer"
    not_personal_data = ("completed_reason",)  # why a check-out was entered by hand
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-checked_in_at"]
        indexes = [models.Index(fields=["volunteer", "checked_in_at"], name="check_in_volunteer_day_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | Q(checked_out_at__gt=models.F("checked_in_at")),
                name="check_out_after_check_in",
                violation_error_message=_("The check-out must be after the check-in."),
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.checked_in_at:%Y-%m-%d %H:%M}"
