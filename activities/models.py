"""The activity log of offices and communities, their programmes (党建品牌/项目) and the lecturer pool."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community, PartnerOrganization, PartyOrganization, Person, Subdistrict
from registers.scoping import ScopedQuerySet, community_scoped, scope_q, subdistrict_scoped
from registers.units import COMMUNITY, level_of
from venues.models import Venue
from volunteers.models import VolunteerTeam

# More person-times than this in one activity is a typing error (the largest square in the articles holds
# 3,000 people; a year's total is entered as many activities, not as one).
MAX_PARTICIPANTS = 20_000


def period_bounds(start: datetime.date, end: datetime.date):
    """Aware datetimes [start 00:00, day after end 00:00) in the current time zone: a period of whole days."""
    tz = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    stop = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return begin, stop


class ActivityTypeQuerySet(ScopedQuerySet):
    def for_unit(self, unit):
        # Shared types (no owning subdistrict) are everybody's; an office's own types are its own.
        return self.filter(scope_q(self.model, unit) | Q(subdistrict__isnull=True))


class ActivityType(models.Model):
    class Kind(models.TextChoices):
        LECTURE = "lecture", _("lecture")
        PARTY_DAY = "party_day", _("themed Party day")
        VOLUNTEER_SERVICE = "volunteer_service", _("volunteer service")
        CULTURAL_SHOW = "cultural_show", _("cultural show")
        TRAINING = "training", _("training")
        CONSULTATION = "consultation", _("consultation")
        RECEPTION = "reception", _("reception or visit")
        READING = "reading", _("reading")
        DAILY_LESSON = "daily_lesson", _("daily lesson")
        SPORTS = "sports", _("sports")
        OTHER = "other", _("other")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    # Empty for the shared types every office uses; an office's own types belong to it.
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="activity_types",
        verbose_name=_("own type of"),
    )

    scope_paths = subdistrict_scoped("subdistrict")
    not_personal_data = ("name",)  # names no person
    objects = ActivityTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "name"],
                name="activity_type_name_unique_in_subdistrict",
                violation_error_message=_("This office already has an activity type of this name."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(subdistrict__isnull=True),
                name="activity_type_shared_name_unique",
                violation_error_message=_("A shared activity type of this name already exists."),
            ),
        ]

    def __str__(self):
        return self.name


class ProgrammeQuerySet(ScopedQuerySet):
    def for_unit(self, unit):
        q = scope_q(self.model, unit)
        if level_of(unit) == COMMUNITY:
            # A community also runs its subdistrict's programmes (三新大讲堂 of the office).
            q |= Q(community__isnull=True, subdistrict_id=unit.subdistrict_id)
        return self.filter(q)


class Programme(models.Model):
    """A Party-building brand or project (一社区一品牌, 五心工程 …) of a subdistrict or one community."""

    name = models.CharField(_("name"), max_length=100)
    subdistrict = models.ForeignKey(
        Subdistrict, models.PROTECT, related_name="programmes", verbose_name=_("subdistrict")
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("community"),
        help_text=_("Empty for a programme of the whole subdistrict."),
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="subprojects",
        verbose_name=_("part of"),
        help_text=_("The programme this sub-project belongs to."),
    )
    description = models.TextField(_("description"), blank=True)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    # A project the Party secretary leads (书记领办项目, 基层党建10件实事): 定责任、定目标、定任务、定措施.
    led_by = models.CharField(
        _("led by"),
        max_length=50,
        blank=True,
        help_text=_("The Party secretary who leads it (定责任); filled in, the programme is a led project."),
    )
    targets = models.TextField(_("targets (定目标)"), blank=True)
    tasks = models.TextField(_("tasks (定任务)"), blank=True)
    measures = models.TextField(_("measures (定措施)"), blank=True)

    scope_paths = subdistrict_scoped("subdistrict", community="community")
    not_personal_data = ("name", "led_by")  # names no resident; the secretary leads it in office
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["subdistrict__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                condition=Q(community__isnull=False),
                name="programme_name_unique_in_community",
                violation_error_message=_("This community already has a programme of this name."),
            ),
            models.UniqueConstraint(
                fields=["subdistrict", "name"],
                condition=Q(community__isnull=True),
                name="programme_name_unique_in_subdistrict",
                violation_error_message=_("This subdistrict already has a programme of this name."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="programme_not_own_parent",
                violation_error_message=_("A programme cannot be its own sub-project."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.community_id and self.subdistrict_id and self.community.subdistrict_id != self.subdistrict_id:
            errors["community"] = _("This community is not in the chosen subdistrict.")
        if self.parent_id:
            parent = self.parent
            if self.pk and parent.pk == self.pk:
                errors["parent"] = _("A programme cannot be its own sub-project.")
            elif parent.parent_id is not None:
                # Two levels (五心工程 → 暖心工程) keep progress one indexed filter: programme or its parent.
                errors["parent"] = _(
                    "A sub-project cannot have sub-projects of its own; choose a main programme."
                )
            elif self.pk and self.subprojects.exists():
                errors["parent"] = _("This programme has sub-projects, so it cannot become a sub-project.")
            elif parent.subdistrict_id != self.subdistrict_id or parent.community_id not in (
                None,
                self.community_id,
            ):
                errors["parent"] = _(
                    "A sub-project belongs to the same subdistrict or community as its programme."
                )
        if errors:
            raise ValidationError(errors)

    def activities(self):
        """The activity log of this programme and its sub-projects."""
        return Activity.objects.filter(Q(programme=self) | Q(programme__parent=self))


class ProgrammeYearQuerySet(ScopedQuerySet):
    def for_unit(self, unit):
        return self.filter(programme__in=Programme.objects.for_unit(unit))

    def with_progress(self):
        """Annotate each year with what its programme's activity log adds up to in that year (never typed in).

        Two correlated subqueries over Activity (programme or its sub-projects, start in the year), so a
        page of years costs one query whatever the size of the log.
        """
        log = Activity.objects.filter(
            Q(programme=OuterRef("programme")) | Q(programme__parent=OuterRef("programme")),
            start__year=OuterRef("year"),  # in the current time zone, as the stats count
        ).order_by()
        # COUNT/SUM as plain functions: one aggregate row per subquery, without a GROUP BY.
        counted = log.annotate(n=Func(F("pk"), function="COUNT")).values("n")
        summed = log.annotate(n=Func(F("participants"), function="SUM")).values("n")
        return self.annotate(
            activities_done=Coalesce(Subquery(counted, output_field=models.IntegerField()), 0),
            participants_done=Coalesce(Subquery(summed, output_field=models.IntegerField()), 0),
        )


class ProgrammeYear(models.Model):
    """A programme's yearly cycle: set at the start of the year, managed mid-year, assessed at year end."""

    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="years", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    plan = models.TextField(_("plan for the year"), blank=True)
    target_activities = models.PositiveIntegerField(_("target activities"), default=0)
    target_participants = models.PositiveIntegerField(_("target participant person-times"), default=0)
    q1_progress = models.TextField(_("progress, first quarter"), blank=True)
    q2_progress = models.TextField(_("progress, second quarter"), blank=True)
    q3_progress = models.TextField(_("progress, third quarter"), blank=True)
    q4_progress = models.TextField(_("progress, fourth quarter"), blank=True)
    mid_year_note = models.TextField(_("mid-year review"), blank=True)
    score = models.PositiveSmallIntegerField(
        _("year-end score"), null=True, blank=True, help_text=_("0 to 100, given at the year-end assessment.")
    )
    assessment = models.TextField(_("year-end assessment"), blank=True)

    scope_paths = subdistrict_scoped("programme__subdistrict", community="programme__community")
    not_personal_data = ("mid_year_note",)  # about the programme
    objects = ProgrammeYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme year")
        verbose_name_plural = _("programme years")
        ordering = ["programme__name", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year"],
                name="programme_year_unique",
                violation_error_message=_("This programme already has a plan for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="programme_year_sane",
                violation_error_message=_("Enter a year between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="programme_year_score_0_100",
                violation_error_message=_("The score is between 0 and 100."),
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.year}"


class Lecturer(models.Model):
    """A person in a lecturer pool (讲师队伍) of the 三新 lecture halls."""

    class Category(models.TextChoices):
        PARTY_CADRE = "party_cadre", _("Party cadre")
        MODEL_WORKER = "model_worker", _("model worker")
        GRASSROOTS_TALENT = "grassroots_talent", _("grassroots talent")
        TEACHER = "teacher", _("teacher or expert")
        FIRST_SECRETARY = "first_secretary", _("village first secretary")
        VOLUNTEER = "volunteer", _("volunteer")
        OTHER = "other", _("other")

    person = models.OneToOneField(Person, models.PROTECT, related_name="lecturer", verbose_name=_("person"))
    # The person's community, kept here so scoping and counting are one indexed filter.
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="lecturers", verbose_name=_("community")
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    topics = models.CharField(_("topics"), max_length=200, blank=True)
    halls = models.ManyToManyField(
        Venue,
        blank=True,
        related_name="lecturers",
        verbose_name=_("halls taught at"),
        help_text=_("The lecture halls (讲习所) and bases where this lecturer teaches."),
    )
    active = models.BooleanField(_("active"), default=True)

    scope_paths = community_scoped("community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("lecturer")
        verbose_name_plural = _("lecturers")
        ordering = ["person__name"]

    def __str__(self):
        return str(self.person)

    def clean(self):
        if self.person_id and self.community_id and self.person.community_id != self.community_id:
            raise ValidationError({"person": _("This person is not registered in this community.")})


class ImportLogQuerySet(models.QuerySet):
    def for_user(self, user):
        """An import is visible to its author and to those who see an activity it brought in."""
        if user.is_superuser:
            return self
        visible = Activity.objects.for_user(user).filter(import_log=OuterRef("pk"))
        return self.filter(Q(user=user) | Q(Exists(visible)))


class ImportLog(models.Model):
    """Who imported which activity sheet, when, with how many rows: the history of bulk imports."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="activity_imports",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("activities added"), default=0)
    updated = models.PositiveIntegerField(_("activities changed"), default=0)
    unchanged = models.PositiveIntegerField(_("rows already recorded"), default=0)
    # The sheet's content (headers and cells, whatever the file's format): the same sheet imported again is
    # recognised, and its preview says when it was imported before.
    fingerprint = models.CharField(_("content fingerprint"), max_length=64, blank=True, db_index=True)
    # When the import's own writes ended: a history entry of its records after this is someone's later change.
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    not_personal_data = ("file_name",)  # an office's sheet
    objects = ImportLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity import")
        verbose_name_plural = _("activity imports")
        ordering = ["-imported_at"]

    def __str__(self):
        return (
            f"{self.file_name or '-'} · {self.user} · {timezone.localtime(self.imported_at):%Y-%m-%d %H:%M}"
        )


class ImportedChange(models.Model):
    """An activity an import changed, as it was before: undoing the import puts it back."""

    import_log = models.ForeignKey(
        ImportLog, models.CASCADE, related_name="changes", verbose_name=_("import")
    )
    activity = models.ForeignKey("Activity", models.CASCADE, related_name="+", verbose_name=_("activity"))
    # {column: value} as stored before the import (JSON: dates as ISO text), and "lecturers": [ids].
    before = models.JSONField(_("before the import"), encoder=DjangoJSONEncoder)

    not_personal_data = ("before",)  # an activity's columns: titles, times, counts, ids

    class Meta:
        verbose_name = _("change by an import")
        verbose_name_plural = _("changes by imports")
        constraints = [
            models.UniqueConstraint(fields=["import_log", "activity"], name="imported_change_once"),
        ]

    def __str__(self):
        return f"{self.import_log} · {self.activity_id}"


class ActivityQuerySet(ScopedQuerySet):
    def in_unit(self, unit):
        return self.for_unit(unit)

    def between(self, start: datetime.date, end: datetime.date):
        """Activities starting on a day from ``start`` to ``end`` inclusive (local time)."""
        begin, stop = period_bounds(start, end)
        return self.filter(start__gte=begin, start__lt=stop)

    def lectures(self):
        return self.filter(type__kind=ActivityType.Kind.LECTURE)


ORGANISER_FIELDS = ("party_organization", "volunteer_team", "partner")


def exactly_one(*fields: str) -> Q:
    """True when exactly one of the nullable foreign keys ``fields`` is set."""
    condition = Q()
    for chosen in fields:
        condition |= Q(**{f"{f}__isnull": f != chosen for f in fields})
    return condition


class Activity(models.Model):
    title = models.CharField(_("title"), max_length=200)
    type = models.ForeignKey(ActivityType, models.PROTECT, related_name="activities", verbose_name=_("type"))
    # Where it happened. Community-owned: scoping and every count are one indexed filter on this column.
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="activities", verbose_name=_("community")
    )
    # The organiser: exactly one of these three (a database check keeps it so).
    party_organization = models.ForeignKey(
        PartyOrganization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("organiser: Party organisation"),
    )
    volunteer_team = models.ForeignKey(
        VolunteerTeam,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("organiser: volunteer team"),
    )
    partner = models.ForeignKey(
        PartnerOrganization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("organiser: partner organisation"),
    )
    venue = models.ForeignKey(
        Venue, models.PROTECT, null=True, blank=True, related_name="activities", verbose_name=_("venue")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    participants = models.PositiveIntegerField(
        _("participants (person-times)"),
        default=0,
        help_text=_("Person-times (人次): each participant counted once per activity."),
    )
    lecturers = models.ManyToManyField(
        Lecturer, blank=True, related_name="activities", verbose_name=_("lecturers")
    )
    programme = models.ForeignKey(
        Programme,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_log",
        verbose_name=_("programme"),
    )
    description = models.TextField(_("description"), blank=True)
    import_log = models.ForeignKey(
        ImportLog,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        editable=False,
        verbose_name=_("imported with"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    scope_paths = community_scoped("community")
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-start"]
        indexes = [
            models.Index(fields=["community", "start"], name="activity_community_start"),
            models.Index(fields=["start"], name="activity_start"),
            models.Index(fields=["programme", "start"], name="activity_programme_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one(*ORGANISER_FIELDS),
                name="activity_exactly_one_organiser",
                violation_error_message=_(
                    "Choose exactly one organiser: a Party organisation, a volunteer team or a partner organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="activity_ends_after_start",
                violation_error_message=_("The activity cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(participants__gte=0) & Q(participants__lte=MAX_PARTICIPANTS),
                name="activity_participants_sane",
                violation_error_message=_("Participants must be between 0 and 20,000 person-times."),
            ),
        ]

    def __str__(self):
        return self.title

    def organiser(self):
        return self.party_organization or self.volunteer_team or self.partner

    def clean(self):
        """The rules of one activity, checked without queries beyond the related rows already loaded
        (the bulk import calls this for every row of a 50,000-row sheet)."""
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The activity cannot end before it starts.")
        if self.participants is not None and self.participants > MAX_PARTICIPANTS:
            errors["participants"] = _(
                "%(n)s person-times in one activity is not plausible; the most accepted is %(max)s. "
                "Enter each activity separately."
            ) % {"n": self.participants, "max": MAX_PARTICIPANTS}
        organisers = [f for f in ORGANISER_FIELDS if getattr(self, f"{f}_id", None) is not None]
        if len(organisers) != 1:
            errors["party_organization"] = _(
                "Choose exactly one organiser: a Party organisation, a volunteer team or a partner organisation."
            )
        if self.community_id:
            if self.venue_id and self.venue.community_id != self.community_id:
                errors["venue"] = _(
                    "This venue is not in the activity's community; choose a venue of %(c)s."
                ) % {"c": self.community}
            if self.programme_id:
                programme = self.programme
                if programme.community_id not in (None, self.community_id) or (
                    programme.community_id is None
                    and programme.subdistrict_id != self.community.subdistrict_id
                ):
                    errors["programme"] = _("This programme is not run in the activity's community.")
        if errors:
            raise ValidationError(errors)
