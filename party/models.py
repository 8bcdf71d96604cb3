"""The branches' organisational life (三会一课, 主题党日, 组织生活会, 民主评议党员) and how often each is due.

《中国共产党支部工作条例（试行）》 (2018) §16–18: the members' meeting generally quarterly, the branch committee
and the Party groups monthly, Party lectures (here quarterly, the common rule of the 两学一做 guidance), a themed
Party day on a fixed day each month, the organisational-life meeting and the democratic appraisal of members
yearly. The frequencies are a table offices can edit (MeetingRequirement); the overdue list reads it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Community, PartnerOrganization, PartyOrganization, Person, Subdistrict
from registers.periods import month_bounds
from registers.personal_data import ERASED, MASKED, PersonalField
from registers.phones import validate_phone
from registers.scoping import ScopedQuerySet, community_scoped, subdistrict_scoped
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
        Person, models.PROTECT, related_name="meeting_absences", verbose_name=pgettext_lazy("Party", "member")
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


class InServiceMember(models.Model):
    """An in-service Party member who reports to the community where they live (在职党员"双报到") and serves
    there: claims wishes, joins activities."""

    person = models.ForeignKey(
        Person, models.PROTECT, related_name="reported_to", verbose_name=_("Party member")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="in_service_members", verbose_name=_("community lived in")
    )
    employer = models.CharField(_("employer"), max_length=100)
    home_branch = models.CharField(_("own Party branch"), max_length=100)
    skills = models.CharField(_("skills they offer"), max_length=200, blank=True)
    reported_on = models.DateField(_("reported on"), validators=[validate_not_future])
    active = models.BooleanField(_("active"), default=True)

    scope_paths = community_scoped("community")
    personal_data = {"employer": PersonalField(erase=""), "home_branch": PersonalField(erase="")}
    personal_data_about = "person"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("in-service Party member (双报到)")
        verbose_name_plural = _("in-service Party members (双报到)")
        ordering = ["community__name", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "community"],
                name="in_service_member_once_per_community",
                violation_error_message=_("This Party member has already reported to this community."),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.community}"

    def clean(self):
        if self.person_id and not self.person.is_party_member:
            raise ValidationError({"person": _("Only Party members report to their community (双报到).")})


class WishQuerySet(ScopedQuerySet):
    def on_the_wall(self):
        return self.filter(status__in=[Wish.Status.PUBLISHED, Wish.Status.CLAIMED])

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(deadline__lt=today).exclude(
            status__in=[Wish.Status.CONFIRMED, Wish.Status.WITHDRAWN]
        )


class Wish(models.Model):
    """A resident's small wish (微心愿): published, claimed by a Party member or a partner organisation,
    fulfilled, then confirmed and rated by the resident (点单→派单→接单→评单)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("made on the public page, waiting for the community")
        PUBLISHED = "published", _("waiting to be claimed")
        CLAIMED = "claimed", _("claimed")
        FULFILLED = "fulfilled", _("fulfilled")
        CONFIRMED = "confirmed", _("confirmed by the resident")
        WITHDRAWN = "withdrawn", _("withdrawn")

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="wishes", verbose_name=_("community")
    )
    title = models.CharField(
        _("the wish"), max_length=100, help_text=_("What the resident wishes for, e.g. 一台助行器.")
    )
    story = models.CharField(_("why"), max_length=300, blank=True)
    estimated_value = models.DecimalField(_("estimated value (yuan)"), max_digits=8, decimal_places=2)
    resident_name = models.CharField(_("resident's name"), max_length=50)
    resident_phone = models.CharField(_("resident's phone"), max_length=20, validators=[validate_phone])
    consented = models.BooleanField(
        _("the resident agrees to the wish being published with their name masked"), default=False
    )
    deadline = models.DateField(_("to be fulfilled by"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    claimed_by = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_wishes",
        verbose_name=_("claimed by"),
    )
    claimed_by_partner = models.ForeignKey(
        PartnerOrganization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_wishes",
        verbose_name=_("claimed by the partner organisation"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilment = models.CharField(_("how it was fulfilled"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("the resident's rating (1 to 5)"), null=True, blank=True)
    created_at = models.DateTimeField(_("entered at"), default=timezone.now, editable=False)

    scope_paths = community_scoped("community")
    personal_data = {
        "resident_name": PersonalField(erase=ERASED),
        "resident_phone": PersonalField(MASKED, erase=""),
        "story": PersonalField(erase=""),
    }
    personal_data_found_by_phone = "resident_phone"
    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("small wish (微心愿)")
        verbose_name_plural = _("small wishes (微心愿)")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_value__gte=0) & Q(estimated_value__lte=100000),
                name="wish_value_range",
                violation_error_message=_("A small wish is worth between 0 and 100,000 yuan."),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="wish_rating_range",
                violation_error_message=_("A rating is 1 to 5."),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(consented=True),
                name="wish_published_with_consent",
                violation_error_message=_("A wish is published only with the resident's consent."),
            ),
        ]
        indexes = [models.Index(fields=["community", "status"], name="wish_unit_status_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.status == self.Status.PUBLISHED and not self.consented:
            raise ValidationError({"consented": _("A wish is published only with the resident's consent.")})
        if self.claimed_by_id and self.claimed_by_partner_id:
            raise ValidationError(_("A wish is claimed by one Party member or one organisation, not both."))


class JointMeeting(models.Model):
    """A joint Party-building meeting (党建工作联席会议) with the co-building organisations."""

    subdistrict = models.ForeignKey(
        Subdistrict, models.PROTECT, related_name="joint_meetings", verbose_name=_("subdistrict")
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_meetings",
        verbose_name=_("community"),
        help_text=_("Empty for a meeting the subdistrict office convenes."),
    )
    held_on = models.DateField(_("held on"), validators=[validate_not_future])
    title = models.CharField(_("title"), max_length=150)
    partners = models.ManyToManyField(
        PartnerOrganization, related_name="joint_meetings", verbose_name=_("organisations attending")
    )
    minutes = models.TextField(_("minutes of the meeting"), blank=True)

    scope_paths = subdistrict_scoped("subdistrict", community="community")
    not_personal_data = ("minutes",)  # the organisations' business, not a person's
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} · {self.title}"

    def clean_fields(self, exclude=None):
        if self.community_id:
            self.subdistrict_id = self.community.subdistrict_id
        super().clean_fields(exclude)


class AgendaItem(models.Model):
    """An item of a joint meeting, under the rule "大事共议、实事共办、要事共决、急事共商"."""

    class Category(models.TextChoices):
        DISCUSS = "discuss", _("major matters discussed together (大事共议)")
        DO = "do", _("practical matters done together (实事共办)")
        DECIDE = "decide", _("important matters decided together (要事共决)")
        URGENT = "urgent", _("urgent matters consulted together (急事共商)")

    meeting = models.ForeignKey(JointMeeting, models.CASCADE, related_name="items", verbose_name=_("meeting"))
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    topic = models.CharField(_("topic"), max_length=200)
    decision = models.CharField(_("decision"), max_length=300, blank=True)

    scope_paths = subdistrict_scoped("meeting__subdistrict", community="meeting__community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.topic


class FollowUpTaskQuerySet(ScopedQuerySet):
    def overdue(self, today=None):
        return self.filter(done_on__isnull=True, deadline__lt=today or timezone.localdate())


class FollowUpTask(models.Model):
    """What a joint meeting decided someone does, by when."""

    meeting = models.ForeignKey(JointMeeting, models.CASCADE, related_name="tasks", verbose_name=_("meeting"))
    task = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        PartnerOrganization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_tasks",
        verbose_name=_("organisation responsible"),
    )
    owner_name = models.CharField(_("person responsible"), max_length=50)
    deadline = models.DateField(_("deadline"))
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[validate_not_future])
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    scope_paths = subdistrict_scoped("meeting__subdistrict", community="meeting__community")
    not_personal_data = ("owner_name",)  # the official responsible for a task, named on the meeting's record
    objects = FollowUpTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["done_on", "deadline", "pk"]
        indexes = [models.Index(fields=["done_on", "deadline"], name="follow_up_open_deadline_idx")]

    def __str__(self):
        return self.task
