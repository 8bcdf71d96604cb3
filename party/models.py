"""The branches' organisational life (三会一课, 主题党日, 组织生活会, 民主评议党员) and how often each is due.

《中国共产党支部工作条例（试行）》 (2018) §16–18: the members' meeting generally quarterly, the branch committee
and the Party groups monthly, Party lectures (here quarterly, the common rule of the 两学一做 guidance), a themed
Party day on a fixed day each month, the organisational-life meeting and the democratic appraisal of members
yearly. The frequencies are a table offices can edit (MeetingRequirement); the overdue list reads it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.models import PartyOrganization, Person
from registers.periods import month_bounds
from registers.personal_data import PersonalField
from registers.scoping import ScopedQuerySet, subdistrict_scoped
from registers.validators import validate_not_future

# The organisations that hold branch meetings: branches and general branches, not committees or Party groups.
BRANCH_KINDS = (
    PartyOrganization.Kind.GENERAL_BRANCH,
    PartyOrganization.Kind.BRANCH,
    PartyOrganization.Kind.AREA_BRANCH,
    PartyOrganization.Kind.ENTERPRISE_BRANCH,
)


class MeetingKind(models.TextChoices):
    MEMBERS = "members", _("branch members' meeting")
    COMMITTEE = "committee", _("branch committee meeting")
    GROUP = "group", _("Party group meeting")
    LECTURE = "lecture", _("Party lecture")
    THEMED_DAY = "themed_day", _("themed Party day")
    LIFE_MEETING = "life_meeting", _("organisational-life meeting")
    APPRAISAL = "appraisal", _("democratic appraisal of members")


class Period(models.TextChoices):
    MONTH = "month", _("every month")
    QUARTER = "quarter", _("every quarter")
    YEAR = "year", _("every year")


def period_bounds(period: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month, quarter or year that contains ``day``."""
    if period == Period.MONTH:
        return month_bounds(day)
    if period == Period.QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
        start = day.replace(month=first_month, day=1)
        return start, month_bounds(start.replace(month=first_month + 2))[1]
    return day.replace(month=1, day=1), day.replace(month=12, day=31)


class MeetingRequirement(models.Model):
    """How often a branch must hold a kind of meeting (one row per kind)."""

    kind = models.CharField(_("kind of meeting"), max_length=20, choices=MeetingKind.choices, unique=True)
    period = models.CharField(_("at least once"), max_length=10, choices=Period.choices)

    not_personal_data = ()

    class Meta:
        verbose_name = _("meeting frequency")
        verbose_name_plural = _("meeting frequencies")
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_period_display()}"


class BranchMeetingQuerySet(ScopedQuerySet):
    def between(self, start, end):
        return self.filter(held_on__gte=start, held_on__lte=end)


class BranchMeeting(models.Model):
    branch = models.ForeignKey(
        PartyOrganization, models.PROTECT, related_name="meetings", verbose_name=_("Party branch")
    )
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("held on"), validators=[validate_not_future])
    topic = models.CharField(_("topic"), max_length=200)
    attendees = models.ManyToManyField(
        Person, blank=True, related_name="branch_meetings", verbose_name=_("attended")
    )
    minutes = models.TextField(_("minutes of the meeting"), blank=True)

    scope_paths = subdistrict_scoped("branch__subdistrict", community="branch__community")
    objects = BranchMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch meeting")
        verbose_name_plural = _("branch meetings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["branch", "kind", "held_on"], name="branch_meeting_kind_date_idx")]

    def __str__(self):
        return f"{self.branch} · {self.get_kind_display()} · {self.held_on}"

    def clean(self):
        if self.branch_id and self.branch.kind not in BRANCH_KINDS:
            raise ValidationError({"branch": _("Only branches and general branches hold branch meetings.")})

    def attendee_errors(self, people) -> list[str]:
        outsiders = [person.name for person in people if person.party_branch_id != self.branch_id]
        if outsiders:
            return [
                str(
                    _("Not members of %(branch)s: %(names)s.")
                    % {"branch": self.branch, "names": "、".join(outsiders)}
                )
            ]
        return []


class Absence(models.Model):
    """A member absent from a meeting, and why (请假)."""

    meeting = models.ForeignKey(
        BranchMeeting, models.CASCADE, related_name="absences", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="meeting_absences", verbose_name=_("member")
    )
    reason = models.CharField(_("reason"), max_length=100)

    scope_paths = subdistrict_scoped("meeting__branch__subdistrict", community="meeting__branch__community")
    personal_data = {"reason": PersonalField(erase="")}
    personal_data_about = "person"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="absence_once_per_meeting"),
        ]

    def __str__(self):
        return f"{self.person} · {self.reason}"

    def clean(self):
        if self.person_id and self.meeting_id and self.person.party_branch_id != self.meeting.branch_id:
            raise ValidationError({"person": _("Not a member of this branch.")})
        if (
            self.person_id
            and self.meeting_id
            and self.meeting.pk
            and self.meeting.attendees.filter(pk=self.person_id).exists()
        ):
            raise ValidationError({"person": _("Marked as attending: a member is either there or absent.")})
