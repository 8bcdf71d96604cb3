from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from registers.personal_data import ERASED, MASKED, PersonalField
from registers.scoping import ScopedQuerySet, community_scoped
from registers.sorting import SortKeyed, SortKeyQuerySet, natural_key
from registers.validators import validate_not_future


class VenueQuerySet(SortKeyQuerySet, ScopedQuerySet):
    def open_to_public(self):
        return self.filter(public_bookable=True)


class Venue(SortKeyed):
    class Kind(models.TextChoices):
        FAMILY_VALUES_HALL = "family_values_hall", _("family-values hall")
        LECTURE_HALL = "lecture_hall", _("lecture hall")
        READING_ROOM = "reading_room", _("Party-building reading room")
        CULTURAL_SQUARE = "cultural_square", _("cultural square")
        SERVICE_CENTRE = "service_centre", _("Party-mass service centre")
        ORGANISATIONAL_LIFE_BASE = "organisational_life_base", _("open organisational-life base")
        EXHIBITION_HALL = "exhibition_hall", _("exhibition hall")
        TOWNSHIP_CULTURAL_STATION = "township_cultural_station", _("township cultural station")
        VILLAGE_CULTURAL_CENTRE = "village_cultural_centre", _("village cultural service centre")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # Community-owned: scoping and counting are one indexed filter on this column.
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="venues", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=120)
    sort_key = models.CharField(_("natural order"), max_length=255, editable=False, default="")
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in the public address."))
    address = models.CharField(_("address"), max_length=200, blank=True)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    area_m2 = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity per slot"),
        default=20,
        validators=[MinValueValidator(1)],
        help_text=_("Visitors per slot."),
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    what_to_bring = models.TextField(
        _("what groups must bring"), blank=True, help_text=_("Shown on the venue's page and after booking.")
    )
    # What a visitor asks before booking (the venue's public page).
    phone = models.CharField(
        _("contact phone"),
        max_length=30,
        blank=True,
        help_text=_("The venue's own number, shown to the public."),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    directions = models.TextField(
        _("how to get there"), blank=True, help_text=_("Bus lines, parking, the entrance.")
    )
    rules = models.TextField(_("visitor rules (参观须知)"), blank=True)
    wheelchair_access = models.BooleanField(_("step-free access for wheelchairs"), default=False)
    lift = models.BooleanField(_("lift"), default=False)
    accessibility_notes = models.CharField(_("accessibility notes"), max_length=200, blank=True)
    public_bookable = models.BooleanField(_("the public may book"), default=False)
    needs_approval = models.BooleanField(_("bookings need approval"), default=True)
    slot_minutes = models.PositiveIntegerField(
        _("slot length (minutes)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(24 * 60)]
    )
    booking_window_days = models.PositiveIntegerField(
        _("bookable days ahead"), default=28, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    min_notice_hours = models.PositiveIntegerField(_("minimum notice (hours)"), default=24)
    # Bumped in the transaction of every booking change (services.py) and every staff edit (admin.py): the
    # public venue page caches its slot grid under this number, so a cached page never shows stale places.
    availability_version = models.PositiveBigIntegerField(default=0, editable=False)

    scope_paths = community_scoped("community")
    # Name no person: the phone is the venue's desk, the notes say "lift at the back door".
    not_personal_data = ("name", "address", "phone", "accessibility_notes")
    # 第2活动室 before 第12活动室 (registers.sorting).
    sort_keys = {"sort_key": ("name", natural_key)}
    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["sort_key", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="venue_capacity_positive"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=15), name="venue_slot_minutes_min"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("venues:venue_detail", args=[self.slug])

    @classmethod
    def page_head(cls, slug: str):
        """(pk, name, availability_version) of a public venue, or None: the one query of a cached venue page.

        Plain SQL because this is the hottest query of the public site and the ORM's compilation costs
        more than the query itself (~1 ms of the ~5 ms a cached page takes)."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, name, availability_version FROM {table} WHERE slug = %s AND public_bookable = %s",
                [slug, True],
            )
            return cursor.fetchone()

    @classmethod
    def bump_availability(cls, venue_id) -> None:
        cls.objects.filter(pk=venue_id).update(availability_version=models.F("availability_version") + 1)


class VenueSection(models.Model):
    """A section or exhibit of a venue (the family-values hall has three)."""

    venue = models.ForeignKey(Venue, models.CASCADE, related_name="sections", verbose_name=_("venue"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    scope_paths = community_scoped("venue__community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["venue", "position", "pk"]

    def __str__(self):
        return self.title


class Offering(models.Model):
    """An item of a venue's menu (菜单): a guided tour, a Party lesson, an oath ceremony …"""

    venue = models.ForeignKey(Venue, models.CASCADE, related_name="offerings", verbose_name=_("venue"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    max_group_size = models.PositiveIntegerField(
        _("largest group"), null=True, blank=True, help_text=_("Leave empty for the venue's capacity.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    scope_paths = community_scoped("venue__community")
    not_personal_data = ("name",)  # names no person
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")
        ordering = ["venue", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_group_size__isnull=True) | Q(max_group_size__gte=1),
                name="offering_group_positive",
            ),
        ]

    def __str__(self):
        return self.name


class OpeningHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    venue = models.ForeignKey(Venue, models.CASCADE, related_name="opening_hours", verbose_name=_("venue"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    scope_paths = community_scoped("venue__community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["venue", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")),
                name="opening_hours_close_after_open",
                violation_error_message=_("The closing time must be after the opening time."),
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday_valid"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """Days the venue is closed (a holiday, repairs): a single day or a range, with a reason."""

    venue = models.ForeignKey(Venue, models.CASCADE, related_name="closures", verbose_name=_("venue"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200)

    scope_paths = community_scoped("venue__community")
    not_personal_data = ("reason",)  # why the venue is closed
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["venue", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="closure_ends_after_start",
                violation_error_message=_("The last day of a closure cannot be before its first day."),
            ),
        ]

    def __str__(self):
        return f"{self.starts_on}–{self.ends_on}: {self.reason}"


class Docent(models.Model):
    """A docent or volunteer lecturer (讲解员 / 志愿讲师) who guides visits at one or more venues."""

    # Community-owned (the docent's community), for one-filter scoping.
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="docents", verbose_name=_("community")
    )
    person = models.ForeignKey(
        "communities.Person", models.PROTECT, related_name="docent_roles", verbose_name=_("person")
    )
    venues = models.ManyToManyField(Venue, related_name="docents", blank=True, verbose_name=_("venues"))
    is_volunteer = models.BooleanField(_("volunteer"), default=True)
    topics = models.CharField(_("topics"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    scope_paths = community_scoped("community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("docent")
        verbose_name_plural = _("docents")
        ordering = ["person__name_sort", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "person"],
                name="docent_person_unique_in_community",
                violation_error_message=_("This person is already a docent of this community."),
            ),
        ]

    def __str__(self):
        return self.person.name


class Slot(models.Model):
    """A bookable time of a venue, created when its first booking arrives.

    ``booked_places`` counts the places of pending and confirmed (and later completed) bookings; the check
    constraint keeps it within ``capacity`` whatever the application does, and bookings take places with a
    conditional UPDATE (see services.take_places), so concurrent requests cannot overbook.
    """

    venue = models.ForeignKey(Venue, models.CASCADE, related_name="slots", verbose_name=_("venue"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    booked_places = models.PositiveIntegerField(_("booked places"), default=0)

    scope_paths = community_scoped("venue__community")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["venue", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "starts_at"], name="slot_unique_start_per_venue"),
            models.CheckConstraint(
                condition=Q(booked_places__lte=models.F("capacity")), name="slot_not_overbooked"
            ),
            models.CheckConstraint(condition=Q(booked_places__gte=0), name="slot_booked_places_non_negative"),
        ]

    def __str__(self):
        return f"{self.venue} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.booked_places, 0)


class BookingQuerySet(ScopedQuerySet):
    def holding_places(self):
        return self.filter(status__in=Booking.HOLDING_PLACES)


class PrivacyNotice(models.Model):
    """What the booking form tells a visitor about their personal data (PIPL §17), in versions: staff edit it in
    the admin, and every change is saved as a new version, so each booking keeps the text its visitor accepted."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-version"]

    def __str__(self):
        return _("Privacy notice, version %(version)s") % {"version": self.version}

    @classmethod
    def current(cls):
        return cls.objects.order_by("-version").first()


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending approval")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")
        COMPLETED = "completed", _("completed")
        NO_SHOW = "no_show", _("no-show")
        CANCELLED = "cancelled", _("cancelled")

    class VisitorKind(models.TextChoices):
        RESIDENT = "resident", _("resident")
        SCHOOL = "school", _("school")
        ENTERPRISE_BRANCH = "enterprise_branch", _("enterprise Party branch")
        COMMUNITY = "community", _("community")
        OTHER_GROUP = "other_group", _("other organisation")

    # Places stay taken while a booking is pending or confirmed (and after the visit, for the record).
    HOLDING_PLACES = (Status.PENDING, Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW)

    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    venue = models.ForeignKey(Venue, models.PROTECT, related_name="bookings", verbose_name=_("venue"))
    # The venue's community, kept on the row so scoping and counting are one indexed filter.
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="bookings", verbose_name=_("community")
    )
    slot = models.ForeignKey(Slot, models.PROTECT, related_name="bookings", verbose_name=_("slot"))
    offering = models.ForeignKey(
        Offering, models.SET_NULL, null=True, blank=True, related_name="bookings", verbose_name=_("menu item")
    )
    visitor_kind = models.CharField(_("visitor"), max_length=20, choices=VisitorKind.choices)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    size = models.PositiveIntegerField(_("number of visitors"), validators=[MinValueValidator(1)])
    contact_name = models.CharField(_("contact name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    reject_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    reminders = models.BooleanField(_("SMS reminder the day before"), default=True)
    docent = models.ForeignKey(
        Docent, models.SET_NULL, null=True, blank=True, related_name="bookings", verbose_name=_("docent")
    )
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The notice the visitor accepted, and when (PIPL §14: consent informed, given by a clear act).
    privacy_notice = models.ForeignKey(
        PrivacyNotice,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy notice accepted"),
    )
    consented_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    scope_paths = community_scoped("community")
    # A visitor is known by the phone number they booked with, nothing else.
    personal_data = {
        "contact_name": PersonalField(erase=ERASED),
        "phone": PersonalField(MASKED, erase=""),
        "purpose": PersonalField(erase=""),
        "reject_reason": PersonalField(erase=""),
    }
    personal_data_found_by_phone = "phone"
    personal_data_expires = "slot__starts_at"
    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-slot__starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=1), name="booking_size_positive"),
            models.CheckConstraint(
                condition=Q(visitor_kind="resident") | ~Q(organisation=""),
                name="booking_group_has_organisation",
                violation_error_message=_("Enter the name of the organisation for a group visit."),
            ),
            # One phone holds one active booking per slot: a form sent twice (Back, the same number typed
            # another way) finds the first (services.booking_create), even when both arrive at once.
            models.UniqueConstraint(
                fields=["slot", "phone"],
                condition=Q(status__in=["pending", "confirmed"]) & ~Q(phone=""),
                name="booking_one_active_per_phone_and_slot",
            ),
        ]
        indexes = [models.Index(fields=["community", "status"], name="booking_community_status_idx")]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("venues:booking_status", args=[self.reference])

    @property
    def is_group(self) -> bool:
        return self.visitor_kind != self.VisitorKind.RESIDENT

    @property
    def visitor_label(self) -> str:
        return self.organisation if self.is_group else str(self.get_visitor_kind_display())


class VisitRecord(models.Model):
    """The visit register (参观登记): who actually came, for a booking or as walk-ins; feeds 接待参观人数."""

    venue = models.ForeignKey(Venue, models.PROTECT, related_name="visit_records", verbose_name=_("venue"))
    # The venue's community, for one-filter scoping and counting.
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="visit_records", verbose_name=_("community")
    )
    booking = models.OneToOneField(
        Booking, models.PROTECT, null=True, blank=True, related_name="visit_record", verbose_name=_("booking")
    )
    visited_on = models.DateField(_("date"), validators=[validate_not_future])
    visitors = models.PositiveIntegerField(_("visitors"), validators=[MinValueValidator(1)])
    organisation = models.CharField(_("group or organisation"), max_length=120, blank=True)
    docent = models.ForeignKey(
        Docent, models.SET_NULL, null=True, blank=True, related_name="visit_records", verbose_name=_("docent")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_paths = community_scoped("community")
    personal_data = {"note": PersonalField(erase="")}
    personal_data_expires = "visited_on"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit record")
        verbose_name_plural = _("visit register")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visitors__gte=1),
                name="visit_record_visitors_positive",
                violation_error_message=_("A visit has at least one visitor."),
            ),
        ]
        indexes = [models.Index(fields=["community", "visited_on"], name="visit_community_date_idx")]

    def __str__(self):
        return f"{self.venue} {self.visited_on}: {self.visitors}"

    @property
    def is_walk_in(self) -> bool:
        return self.booking_id is None


class WaitlistEntry(models.Model):
    """A resident waiting for places in a full slot. When places free up (a cancellation, a rejection, a
    larger capacity), the first in line whose group fits is offered them: the places are held for them (taken
    in the slot's ``booked_places`` with the same conditional UPDATE as a booking, so no one can overbook)
    until ``offered_until``; they accept (a booking is made on the held places) or the offer passes on."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("places offered")
        BOOKED = "booked", _("booked")
        EXPIRED = "expired", _("offer expired")
        LEFT = "left", _("left the waitlist")

    HOLDING_PLACES = (Status.OFFERED,)

    slot = models.ForeignKey(Slot, models.CASCADE, related_name="waitlist", verbose_name=_("slot"))
    venue = models.ForeignKey(Venue, models.CASCADE, related_name="+", verbose_name=_("venue"))
    community = models.ForeignKey(Community, models.PROTECT, related_name="+", verbose_name=_("community"))
    size = models.PositiveIntegerField(_("number of visitors"), validators=[MinValueValidator(1)])
    contact_name = models.CharField(_("contact name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    token = models.CharField(max_length=32, unique=True, editable=False)  # the resident's link
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    offered_until = models.DateTimeField(_("offer valid until"), null=True, blank=True)
    booking = models.OneToOneField(
        Booking, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("booking")
    )
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    scope_paths = community_scoped("community")
    personal_data = {"contact_name": PersonalField(erase=ERASED), "phone": PersonalField(MASKED, erase="")}
    personal_data_found_by_phone = "phone"
    personal_data_expires = "slot__starts_at"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        ordering = ["slot", "created_at", "pk"]
        indexes = [models.Index(fields=["slot", "status", "created_at"], name="waitlist_line_idx")]

    def __str__(self):
        return f"{timezone.localtime(self.slot.starts_at):%Y-%m-%d %H:%M} · {self.size}"

    def get_absolute_url(self):
        return reverse("venues:waitlist_entry", args=[self.token])
