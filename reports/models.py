"""Targets a supervisor sets for the units under them, per year and figure (目标考核): the dashboard's ranking
shows each sub-unit's figure against its target."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registers.personal_data import PersonalField
from registers.scoping import ScopedQuerySet, community_scoped
from registers.units import unit_names

# The figures a target can be set for: those the ranking shows (reports.ranking.RANKED).
TARGETED = (
    ("activities", pgettext_lazy("report", "activities")),
    ("participants", pgettext_lazy("report", "participants (person-times)")),
    ("visits", pgettext_lazy("report", "home visits (person-times served)")),
)


class TargetQuerySet(models.QuerySet):
    def for_user(self, user):
        """Targets of the account's own unit and of the units inside it."""
        if user.is_superuser:
            return self
        return self.filter(unit__in=list(unit_names(user)))


class Target(models.Model):
    # A unit of any level, by its key ("community:5"): targets are set for districts, subdistricts and
    # communities alike.
    unit = models.CharField(_("unit"), max_length=40)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    figure = models.CharField(_("figure"), max_length=40, choices=TARGETED)
    value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=1, validators=[MinValueValidator(0)]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False, null=True,
        verbose_name=_("set by"),
    )  # fmt: skip
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-year", "unit", "figure"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "figure"],
                name="target_once_per_unit_year_figure",
                violation_error_message=_("This unit already has a target for this figure in this year."),
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year} {self.get_figure_display()}"


# --- Summary tables (reports.summaries): the dashboard's flow figures per community and month ------------
#
# Each table holds what one grouped query of the live records gives for a community and a calendar month
# (local time); ``reports.summaries`` keeps them equal to the live records and reads them. The foreign keys
# carry no database constraint and do nothing on delete: a summary row is rewritten from the live records,
# never cascaded, so deleting a community or a venue is not slowed by its summaries.


def _summary_key(to, name: str):
    return models.ForeignKey(to, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=name)


class CommunityMonth(models.Model):
    """Every flow of a community in a month: home visits (by the recipient's community), confirmed service
    records (by the recording community), activities (by the type's kind as it is now: a changed kind marks
    its activities' months), the visit register."""

    community = _summary_key("communities.Community", _("community"))
    month = models.DateField(_("month"))
    visits = models.PositiveIntegerField(default=0)
    visit_minutes = models.PositiveBigIntegerField(default=0)
    person_times = models.PositiveIntegerField(default=0)
    volunteer_minutes = models.PositiveBigIntegerField(default=0)
    backfilled_minutes = models.PositiveBigIntegerField(default=0)
    activities = models.PositiveIntegerField(default=0)
    participants = models.PositiveBigIntegerField(default=0)
    lectures = models.PositiveIntegerField(default=0)
    lecture_participants = models.PositiveBigIntegerField(default=0)
    volunteer_service = models.PositiveIntegerField(default=0)
    partner_activities = models.PositiveIntegerField(default=0)
    receptions = models.PositiveIntegerField(default=0)
    visitors = models.PositiveBigIntegerField(default=0)

    scope_paths = community_scoped("community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "month"], name="communitymonth_once")]

    def __str__(self):
        return f"{self.community_id} {self.month:%Y-%m}"


class KindMonth(models.Model):
    """A community's activities in a month by the kind of their type."""

    community = _summary_key("communities.Community", _("community"))
    month = models.DateField(_("month"))
    kind = models.CharField(max_length=30)
    activities = models.PositiveIntegerField(default=0)
    participants = models.PositiveBigIntegerField(default=0)

    scope_paths = community_scoped("community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "month", "kind"], name="kindmonth_once")]

    def __str__(self):
        return f"{self.community_id} {self.month:%Y-%m} {self.kind}"


class ProgrammeMonth(models.Model):
    """A community's activities in a month by programme (those under one)."""

    community = _summary_key("communities.Community", _("community"))
    month = models.DateField(_("month"))
    programme = _summary_key("activities.Programme", _("programme"))
    activities = models.PositiveIntegerField(default=0)
    participants = models.PositiveBigIntegerField(default=0)

    scope_paths = community_scoped("community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "month", "programme"], name="programmemonth_once")
        ]

    def __str__(self):
        return f"{self.community_id} {self.month:%Y-%m} {self.programme_id}"


class VenueMonth(models.Model):
    """A venue's activities and receptions in a month."""

    community = _summary_key("communities.Community", _("community"))
    month = models.DateField(_("month"))
    venue = _summary_key("venues.Venue", _("venue"))
    activities = models.PositiveIntegerField(default=0)
    participants = models.PositiveBigIntegerField(default=0)
    receptions = models.PositiveIntegerField(default=0)
    visitors = models.PositiveBigIntegerField(default=0)

    scope_paths = community_scoped("community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "month", "venue"], name="venuemonth_once")
        ]

    def __str__(self):
        return f"{self.community_id} {self.month:%Y-%m} {self.venue_id}"


class CommitteeSeat(models.Model):
    """The committee members elected in a community in a month (社区"两委"), as the dashboard counts them: by
    term, role and person, with the person's whole years on the election date (None without a birth date)
    and whether their education is junior college or above (as it is now: a change marks their seats)."""

    community = _summary_key("communities.Community", _("community"))
    month = models.DateField(_("month"))
    term = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=30)
    who = models.IntegerField()
    age = models.SmallIntegerField(null=True)
    college = models.PositiveSmallIntegerField(default=0)  # 1: junior college or above
    seats = models.PositiveSmallIntegerField(default=1)

    # Derived from the person's birth date, never shown per person (the dashboard sums it); erasing the birth
    # date marks the seat (a trigger), and the refresh writes the age again as None.
    personal_data = {"age": PersonalField()}
    scope_paths = community_scoped("community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "month", "term", "role", "who"], name="committeeseat_once"
            )
        ]

    def __str__(self):
        return f"{self.community_id} {self.month:%Y-%m} {self.term} {self.role} {self.who}"


class PeopleYear(models.Model):
    """Who took part in a community's work in a year, for the figures that count people once whatever
    their number of services: ``months`` has bit m-1 set for each month m they took part in."""

    class Role(models.TextChoices):
        VOLUNTEER = "volunteer"  # a confirmed service record (person id)
        VISIT_VOLUNTEER = "visit_volunteer"  # a confirmed home-visit service record (person id)
        RECIPIENT = "recipient"  # visited at home (care recipient id)
        LECTURER = "lecturer"  # gave a lecture session (lecturer id)

    community = _summary_key("communities.Community", _("community"))
    year = models.PositiveSmallIntegerField(_("year"))
    role = models.CharField(max_length=20, choices=Role.choices)
    who = models.IntegerField()
    months = models.IntegerField()

    scope_paths = community_scoped("community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "role", "who"], name="peopleyear_once")
        ]
        indexes = [models.Index(fields=["who", "year"], name="peopleyear_who")]  # the roll-up's refresh

    def __str__(self):
        return f"{self.community_id} {self.year} {self.role} {self.who}"


class UnitPeopleYear(models.Model):
    """``PeopleYear`` rolled up to each unit above the community: a person once per unit, year and role,
    ``months`` the OR of their months in the unit's communities. Derived from PeopleYear by the refresh, and
    counted by month mask into UnitPeopleCount (which the refresh keeps by the differences of these rows)."""

    level = models.CharField(max_length=20)  # registers.units level name: "district"
    unit_id = models.IntegerField()
    year = models.PositiveSmallIntegerField(_("year"))
    role = models.CharField(max_length=20, choices=PeopleYear.Role.choices)
    who = models.IntegerField()
    party = models.BooleanField(default=False)  # a home-visit volunteer who is a Party member, as counted
    months = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "unit_id", "year", "role", "who"], name="unitpeopleyear_once"
            )
        ]
        indexes = [models.Index(fields=["who", "year"], name="unitpeopleyear_who")]  # the refresh's people

    def __str__(self):
        return f"{self.level}:{self.unit_id} {self.year} {self.role} {self.who}"


class UnitPeopleCount(models.Model):
    """How many people of a unit above the community, year and role took part in exactly the months of
    ``months`` (UnitPeopleYear counted by month mask): the people of any period of whole months of the year
    are the sum over the masks that meet it, a few thousand rows for a city instead of a row per person."""

    level = models.CharField(max_length=20)
    unit_id = models.IntegerField()
    year = models.PositiveSmallIntegerField(_("year"))
    role = models.CharField(max_length=20, choices=PeopleYear.Role.choices)
    # Home-visit volunteers who are Party members now (a change of membership marks their rows' years).
    party = models.BooleanField(default=False)
    months = models.IntegerField()
    people = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "unit_id", "year", "role", "party", "months"], name="unitpeoplecount_once"
            )
        ]

    def __str__(self):
        return f"{self.level}:{self.unit_id} {self.year} {self.role} {self.months:012b} {self.people}"


# --- Volunteer team members (a standing figure: who is a member at a period's end) --------------------------
#
# A person counts as a member of a unit at a month's end from the first month one of their memberships in
# the unit's teams counts (joined, in a team founded, by then; no date: always): ``since``. Kept per person
# and unit like the people roll-up, and counted by that month, so a unit's members at any month's end are a
# sum over a few hundred rows instead of a COUNT(DISTINCT) over every membership inside it.

# ``since`` of a membership that has no date (joined and founded dates both blank).
NO_DATE = datetime.date(1900, 1, 1)


class UnitMember(models.Model):
    """A person who is a member of a volunteer team in a unit (of any level, the community included)."""

    level = models.CharField(max_length=20)
    unit_id = models.IntegerField()
    who = models.IntegerField()
    since = models.DateField()  # the first day of the first month they count in (NO_DATE: always)
    party = models.BooleanField(default=False)  # a Party member now (a change marks them)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "unit_id", "who"], name="unitmember_once")]
        indexes = [models.Index(fields=["who"], name="unitmember_who")]  # the refresh's people

    def __str__(self):
        return f"{self.level}:{self.unit_id} {self.who} {self.since:%Y-%m}"


class UnitMemberCount(models.Model):
    """How many members of a unit count from ``since`` (UnitMember counted): the members at a month's end
    are the sum over the rows with ``since`` up to it."""

    level = models.CharField(max_length=20)
    unit_id = models.IntegerField()
    since = models.DateField()
    party = models.BooleanField(default=False)
    people = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "unit_id", "since", "party"], name="unitmembercount_once"
            )
        ]

    def __str__(self):
        return f"{self.level}:{self.unit_id} {self.since:%Y-%m} {self.people}"


class MemberMark(models.Model):
    """A person whose memberships (or a team of theirs, or their Party membership) changed since their
    UnitMember rows were written: inserted by triggers, read and deleted (by id) by the refresh."""

    who = models.IntegerField()
    marked_at = models.DateTimeField(null=True)

    def __str__(self):
        return str(self.who)


class SummaryMark(models.Model):
    """A community and month whose live records changed since their summaries were written: database
    triggers on the live tables insert one per written row (reports.summaries.triggers), and the refresh
    rewrites the marked summaries and deletes the marks it read (by id, so a mark written meanwhile stays)."""

    community_id = models.IntegerField()
    month = models.DateField()
    marked_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["community_id"], name="summarymark_community")]

    def __str__(self):
        return f"{self.community_id} {self.month:%Y-%m}"
