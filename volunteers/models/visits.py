"""Volunteer teams, the people they visit at home and the visits (双上门、五确定).

Figures always say which person-times they are: a visit is one "person-time served" (服务人次); each
volunteer who went on a visit is one "volunteer person-time" (志愿者参与人次).
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from communities.models import Community, Courtyard, PartyOrganization, Person
from registers.periods import month_bounds
from registers.personal_data import HIDDEN, PersonalField
from registers.scoping import ScopedQuerySet, community_scoped
from registers.sorting import ScopedSortKeyQuerySet, SortKeyed, natural_key
from registers.validators import validate_not_future


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (two dates), computed by the database."""

    output_field = IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


class DaysBefore(Func):
    """The date ``days`` days before ``date`` (an integer expression), computed by the database."""

    output_field = models.DateField()

    def __init__(self, date, days, **extra):
        super().__init__(date, days, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="date(%(expressions)s || ' days')", arg_joiner=", '-' || "
        )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` away from ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


MAX_MONTHS = 12


class CodedChoice(models.Model):
    """A row of a fixed list whose label comes from the code's translated choice."""

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self):
        return str(self.get_code_display())

    @classmethod
    def ensure_all(cls):
        """Create the rows of the fixed list (the data migration and the demo call this)."""
        cls.objects.bulk_create(
            [cls(code=code, position=i) for i, code in enumerate(cls.Code.values)], ignore_conflicts=True
        )

    @classmethod
    def lookup_table(cls) -> dict[str, "CodedChoice"]:
        """Every row by its code and by its label in English and Chinese, for imports."""
        from django.utils import translation

        table = {}
        for row in cls.objects.all():
            table[row.code.lower()] = row
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    table[str(row.get_code_display()).lower()] = row
        return table


class CareCategory(CodedChoice):
    """Why someone is visited at home. Sensitive personal data: shown only with the permission."""

    class Code(models.TextChoices):
        DISABLED = "disabled", _("disabled")
        SERIOUSLY_ILL = "seriously_ill", _("seriously ill")
        AGED_80_PLUS = "aged_80_plus", _("aged 80 or over")
        MOBILITY_IMPAIRED = "mobility_impaired", _("other mobility-impaired")

    code = models.CharField(_("code"), max_length=30, choices=Code.choices, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta(CodedChoice.Meta):
        verbose_name = _("care category")
        verbose_name_plural = _("care categories")


class Service(CodedChoice):
    """A service given on a home visit (the fixed list; anything else goes into the free text)."""

    class Code(models.TextChoices):
        CONVERSATION = "conversation", _("company and conversation")
        CLEANING = "cleaning", _("cleaning")
        SHOPPING_ERRANDS = "shopping_errands", _("shopping and errands")
        HEALTH_CHECK = "health_check", _("blood pressure and health check")
        HAIRCUT = "haircut", _("haircut")
        REPAIRS = "repairs", _("household repairs")
        LEGAL_ADVICE = "legal_advice", _("legal advice")
        POLICY = "policy", _("explaining policies")
        MEDICINE = "medicine", _("medicine delivery")

    code = models.CharField(_("code"), max_length=30, choices=Code.choices, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta(CodedChoice.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")


class VolunteerTeam(SortKeyed):
    class ServiceArea(models.TextChoices):
        HOME_VISITS = "home_visits", _("home visits")
        ENVIRONMENT = "environment", _("environment")
        LEGAL_AID = "legal_aid", _("legal aid")
        ARTS = "arts", _("arts and performance")
        CALLIGRAPHY = "calligraphy", _("calligraphy and painting")
        PUBLIC_WELFARE = "public_welfare", _("public welfare")
        HEALTH = "health", _("health")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100)
    sort_key = models.CharField(_("natural order"), max_length=255, editable=False, default="")
    service_area = models.CharField(
        _("service area"), max_length=20, choices=ServiceArea.choices, default=ServiceArea.HOME_VISITS
    )
    # The sponsoring community; every community-owned record carries this FK so that scoping and counting
    # are one indexed filter.
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="volunteer_teams", verbose_name=_("sponsoring community")
    )
    party_organization = models.ForeignKey(
        PartyOrganization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_teams",
        verbose_name=_("sponsoring Party organisation"),
    )
    leader = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="teams_led", verbose_name=_("leader")
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True, validators=[validate_not_future])
    is_party_member_team = models.BooleanField(_("Party-member team"), default=False)
    members = models.ManyToManyField(
        Person, through="Membership", related_name="volunteer_teams", verbose_name=_("members")
    )

    scope_paths = community_scoped("community")
    not_personal_data = ("name",)  # names no person
    # 二队 before 十二队 (registers.sorting).
    sort_keys = {"sort_key": ("name", natural_key)}
    objects = ScopedSortKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["community__name", "sort_key", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="volunteer_team_name_unique_in_community",
                violation_error_message=_("A volunteer team of this name already exists in this community."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if (
            self.party_organization_id
            and self.community_id
            and self.party_organization.subdistrict_id != self.community.subdistrict_id
        ):
            raise ValidationError(
                {"party_organization": _("This Party organisation is not in the community's subdistrict.")}
            )

    def non_members(self, people, on: datetime.date | None = None) -> list[Person]:
        """Those of ``people`` who were not members of this team (on the date ``on``, when given)."""
        members = Membership.objects.filter(team=self, person__in=people)
        if on is not None:
            members = members.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=on))
        member_ids = set(members.values_list("person_id", flat=True))
        return [person for person in people if person.pk not in member_ids]


class Membership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("leader")
        DEPUTY = "deputy", _("deputy leader")
        MEMBER = "member", _("member")

    team = models.ForeignKey(
        VolunteerTeam, models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="volunteer_memberships", verbose_name=_("person")
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True, validators=[validate_not_future])
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    # A membership belongs to its team and is edited inline on it: scoped through the team's community.
    scope_paths = community_scoped("team__community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["team", "role", "person__name_sort", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                name="membership_unique_person_in_team",
                violation_error_message=_("This person is already a member of this team."),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.team}"


class CareRecipientQuerySet(ScopedQuerySet):
    def with_last_visit(self, on_or_before: datetime.date | None = None):
        """Annotate ``last_visit_on``: the latest visit's date (on or before the given day), by the database.

        One correlated subquery per row that reads the (recipient, visited_on) index backwards.
        """
        visits = HomeVisit.objects.filter(recipient=OuterRef("pk"))
        if on_or_before is not None:
            visits = visits.filter(visited_on__lte=on_or_before)
        return self.annotate(last_visit_on=Subquery(visits.order_by("-visited_on").values("visited_on")[:1]))

    def due_in(self, month: datetime.date, today: datetime.date | None = None):
        """Active recipients not visited within their frequency, as of the end of ``month``'s month.

        Monthly frequencies count calendar months: "every month" is due in March unless visited in March,
        "every 2 months" unless visited in February or March. Frequencies in days count back from the
        month's last day. Annotates ``last_visit_on`` and ``days_since_last_visit`` (None: never visited),
        counted to the month's last day, or to today for the current month.

        One query: each recipient's window start is a CASE, and "no visit in the window" one NOT EXISTS
        probe of the (recipient, visited_on) index; the latest visit is looked up for the due rows only.
        """
        first, last = month_bounds(month)
        today = today or timezone.localdate()
        as_of = min(last, today)
        months = CareRecipient.FrequencyUnit.MONTHS
        window_start = Case(
            *[
                When(frequency_unit=months, frequency=n, then=Value(add_months(first, 1 - n)))
                for n in range(1, MAX_MONTHS + 1)
            ],
            default=DaysBefore(Value(last), F("frequency") - 1),
            output_field=models.DateField(),
        )
        visited_in_window = HomeVisit.objects.filter(
            recipient=OuterRef("pk"), visited_on__gte=OuterRef("window_start"), visited_on__lte=last
        )
        return (
            self.filter(active=True, since__lte=last)
            .alias(window_start=window_start)
            .filter(~Exists(visited_in_window))
            .with_last_visit(on_or_before=last)
            .annotate(days_since_last_visit=DaysBetween(Value(as_of), "last_visit_on"))
        )


class CareRecipient(models.Model):
    """Someone the teams visit at home, with the fixed arrangements of 双上门、五确定."""

    class FrequencyUnit(models.TextChoices):
        MONTHS = "months", _("months")
        DAYS = "days", _("days")

    class InactiveReason(models.TextChoices):
        MOVED_AWAY = "moved_away", _("moved away")
        DECEASED = "deceased", _("deceased")
        IN_CARE_HOME = "in_care_home", _("moved into a care home")
        DECLINED = "declined", _("no longer wants visits")
        OTHER = "other", _("other")

    person = models.OneToOneField(
        Person, models.PROTECT, related_name="care_recipient", verbose_name=_("person")
    )
    # Always the person's community (see clean()): one indexed filter for scoping and counting.
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="care_recipients", verbose_name=_("community")
    )
    categories = models.ManyToManyField(
        CareCategory,
        related_name="recipients",
        verbose_name=_("care categories"),
        help_text=_("Sensitive personal data: shown only to accounts allowed to see it."),
    )
    health_notes = models.TextField(
        _("health notes"),
        blank=True,
        help_text=_("Sensitive personal data: shown only to accounts allowed to see it."),
    )
    frequency = models.PositiveSmallIntegerField(_("visit every"), default=1)
    frequency_unit = models.CharField(
        _("frequency unit"), max_length=10, choices=FrequencyUnit.choices, default=FrequencyUnit.MONTHS
    )
    since = models.DateField(_("visited since"), default=timezone.localdate)
    assigned_team = models.ForeignKey(
        VolunteerTeam,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="recipients",
        verbose_name=_("assigned team"),
    )
    assigned_volunteers = models.ManyToManyField(
        Person, blank=True, related_name="assigned_recipients", verbose_name=_("assigned volunteers")
    )
    usual_day = models.PositiveSmallIntegerField(
        _("usual day of the month"), null=True, blank=True, help_text=_("1 to 31")
    )
    usual_services = models.ManyToManyField(
        Service, blank=True, related_name="usual_for", verbose_name=_("usual services")
    )
    active = models.BooleanField(_("active"), default=True)
    inactive_reason = models.CharField(
        _("reason no longer visited"), max_length=20, choices=InactiveReason.choices, blank=True
    )
    # Where the volunteers go: the courtyard (楼院) of the recipient's community, then building, entrance
    # (单元) and room as written on the door ("3" reads 3号楼, "东楼" as typed).
    courtyard = models.ForeignKey(
        Courtyard,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="care_recipients",
        verbose_name=_("courtyard"),
    )
    building = models.CharField(pgettext_lazy("address", "building"), max_length=20, blank=True)
    entrance = models.CharField(pgettext_lazy("address", "entrance"), max_length=20, blank=True)
    room = models.CharField(pgettext_lazy("address", "room"), max_length=20, blank=True)

    scope_paths = community_scoped("community")
    personal_data = {
        "categories": PersonalField(HIDDEN),
        "health_notes": PersonalField(HIDDEN, erase=""),
        "inactive_reason": PersonalField(),
        # The home address: shown to whoever may see the recipient (the visitors need it), erased with them.
        "courtyard": PersonalField(erase=None),
        "building": PersonalField(erase=""),
        "entrance": PersonalField(erase=""),
        "room": PersonalField(erase=""),
    }
    personal_data_about = "person"
    objects = CareRecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("care recipient")
        verbose_name_plural = _("care recipients")
        ordering = ["community__name", "person__name_sort", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__gte=1) & Q(frequency__lte=366),
                name="care_recipient_frequency_range",
                violation_error_message=_("The visit frequency must be between 1 and 366."),
            ),
            models.CheckConstraint(
                condition=Q(frequency_unit="days") | Q(frequency__lte=MAX_MONTHS),
                name="care_recipient_monthly_at_most_12",
                violation_error_message=_("Visit at least once a year: 12 months at most."),
            ),
            models.CheckConstraint(
                condition=Q(usual_day__isnull=True) | (Q(usual_day__gte=1) & Q(usual_day__lte=31)),
                name="care_recipient_usual_day_range",
                violation_error_message=_("The usual day must be a day of the month, 1 to 31."),
            ),
            models.CheckConstraint(
                condition=Q(active=True, inactive_reason="") | Q(active=False) & ~Q(inactive_reason=""),
                name="care_recipient_inactive_has_reason",
                violation_error_message=_(
                    "Give the reason when a recipient is no longer visited, and none while they are."
                ),
            ),
        ]
        indexes = [models.Index(fields=["community", "active"], name="care_recipient_unit_active_idx")]

    def __str__(self):
        return str(self.person)

    # A recipient is picked as the person they are (registers.admin: pickers that tell people apart).
    choice_label_related = ("person__community",)

    def choice_label(self) -> str:
        return self.person.choice_label()

    def clean_fields(self, exclude=None):
        # The record belongs to the person's community: derived before the fields are checked.
        if self.person_id:
            self.community_id = self.person.community_id
        super().clean_fields(exclude)

    def clean(self):
        errors = {}
        if self.courtyard_id and self.community_id and self.courtyard.grid.community_id != self.community_id:
            errors["courtyard"] = _("This courtyard is not in the recipient's community.")
        if not self.active and not self.inactive_reason:
            errors["inactive_reason"] = _("Give the reason this person is no longer visited.")
        if self.active and self.inactive_reason:
            errors["inactive_reason"] = _("An active recipient has no reason for leaving; clear it.")
        if (
            self.frequency_unit == self.FrequencyUnit.MONTHS
            and self.frequency
            and self.frequency > MAX_MONTHS
        ):
            errors["frequency"] = _("Visit at least once a year: 12 months at most.")
        if errors:
            raise ValidationError(errors)

    @property
    def address(self) -> str:
        """金谷园 3号楼 2单元 401室: numbers get their word, anything else reads as typed."""
        parts = [self.courtyard.name] if self.courtyard_id else []
        for value, numbered in (
            (self.building, pgettext("address", "building %(n)s")),
            (self.entrance, pgettext("address", "entrance %(n)s")),
            (self.room, pgettext("address", "room %(n)s")),
        ):
            value = unicodedata.normalize("NFKC", value).strip()
            if value:
                parts.append(numbered % {"n": value} if value.isdigit() else value)
        return " ".join(parts)

    def frequency_display(self) -> str:
        if self.frequency_unit == self.FrequencyUnit.MONTHS:
            if self.frequency == 1:
                return str(_("monthly"))
            return str(_("every %(n)s months") % {"n": self.frequency})
        return str(_("every %(n)s days") % {"n": self.frequency})


class HomeVisitQuerySet(ScopedQuerySet):
    def between(self, start: datetime.date, end: datetime.date):
        return self.filter(visited_on__gte=start, visited_on__lte=end)

    def naming(self, text: str, *, people=None, teams=None):
        """Visits whose recipient's or a volunteer's name, or whose team's name, contains ``text``.

        The people and teams are found first (``people``, ``teams``: those the caller may see; the name's
        trigram index on PostgreSQL, communities migration 0008), then their visits by the recipient's, the
        volunteers' and the team's indexes, as one UNION of visit ids that this queryset (its scope, its
        other filters) then narrows. No join of the volunteers, which would repeat a visit once per matching
        volunteer (and need DISTINCT over millions of rows); no OR of subqueries, which PostgreSQL can only
        check visit by visit; no scope inside the union, which made PostgreSQL read every visit of the unit
        (4 s for a city of 5,000,000 visits, 40 ms without)."""
        people = (Person.objects.all() if people is None else people).filter(name__icontains=text)
        teams = (VolunteerTeam.objects.all() if teams is None else teams).filter(name__icontains=text)
        people, teams = people.order_by().values("pk"), teams.order_by().values("pk")
        recipients = CareRecipient.objects.filter(person__in=people).order_by().values("pk")
        visits = HomeVisit.objects.order_by()
        by_recipient = visits.filter(recipient__in=recipients).values("pk")
        by_volunteer = HomeVisit.volunteers.through.objects.filter(person__in=people).values("homevisit_id")
        by_team = visits.filter(team__in=teams).values("pk")
        return self.filter(pk__in=by_recipient.union(by_volunteer, by_team))


class HomeVisit(models.Model):
    """One visit to one recipient: one person-time served (服务人次)."""

    # Always the recipient's community (see clean()): one indexed filter for scoping and counting.
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="home_visits", verbose_name=_("community")
    )
    recipient = models.ForeignKey(
        CareRecipient, models.PROTECT, related_name="visits", verbose_name=_("care recipient")
    )
    team = models.ForeignKey(VolunteerTeam, models.PROTECT, related_name="visits", verbose_name=_("team"))
    volunteers = models.ManyToManyField(Person, related_name="home_visits", verbose_name=_("volunteers"))
    visited_on = models.DateField(_("date"))
    services = models.ManyToManyField(Service, blank=True, related_name="visits", verbose_name=_("services"))
    other_services = models.CharField(_("other services"), max_length=200, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_("Health details belong in the recipient's health notes, not here."),
    )

    scope_paths = community_scoped("community")
    # Visit notes may mention health despite the help text: hidden like the health notes.
    personal_data = {"notes": PersonalField(HIDDEN, erase=""), "other_services": PersonalField(erase="")}
    personal_data_about = "recipient__person"
    personal_data_expires = "visited_on"
    objects = HomeVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=1440),
                name="home_visit_minutes_range",
                violation_error_message=_("A visit lasts between 1 minute and 24 hours (1440 minutes)."),
            ),
        ]
        indexes = [
            # The due list's "latest visit of this recipient" reads this index backwards.
            models.Index(fields=["recipient", "-visited_on"], name="home_visit_recipient_date_idx"),
            # Counts over a unit and a period; a community's list, newest first.
            models.Index(fields=["community", "visited_on"], name="home_visit_unit_date_idx"),
            # A district's or subdistrict's list, newest first (the admin's default order): without it
            # PostgreSQL sorts every visit of the unit (2 s for 1.25 million; 0.6 ms with it).
            models.Index(fields=["-visited_on", "-id"], name="home_visit_date_idx"),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.visited_on}"

    def clean_fields(self, exclude=None):
        # The visit belongs to the recipient's community: derived before the fields are checked.
        if self.recipient_id:
            self.community_id = self.recipient.community_id
        super().clean_fields(exclude)

    def clean(self):
        errors = {}
        if self.recipient_id and not self.recipient.active and not self._recorded_for_same_recipient():
            errors["recipient"] = _(
                "%(name)s is no longer visited (%(reason)s): a visit cannot be recorded."
            ) % {
                "name": self.recipient,
                "reason": self.recipient.get_inactive_reason_display(),
            }
        if self.visited_on and self.visited_on > timezone.localdate():
            # (Not the generic validate_not_future validator: this message says what is refused.)
            errors["visited_on"] = _("A visit cannot be recorded for a day in the future.")
        if errors:
            raise ValidationError(errors)

    def _recorded_for_same_recipient(self) -> bool:
        """An existing visit already recorded for this recipient: correcting it stays possible after the
        recipient stops being visited (moved away, deceased)."""
        return (
            self.pk is not None
            and not self._state.adding
            and HomeVisit.objects.filter(pk=self.pk, recipient_id=self.recipient_id).exists()
        )

    def volunteer_errors(self, volunteers) -> list[str]:
        """Why these volunteers cannot be recorded on this visit (empty when they can)."""
        volunteers = list(volunteers)
        if not volunteers:
            return [str(_("Name at least one volunteer who went on the visit."))]
        if not self.team_id:
            return []
        outsiders = self.team.non_members(volunteers, on=self.visited_on)
        if outsiders:
            return [
                str(
                    _("Not a member of %(team)s on %(date)s: %(names)s.")
                    % {
                        "team": self.team,
                        "date": self.visited_on or "",
                        "names": "、".join(person.name for person in outsiders),
                    }
                )
            ]
        return []
