from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from communities.scoping import ScopedQuerySet, community_scoped


class VenueQuerySet(ScopedQuerySet):
    def open_to_public(self):
        return self.filter(public_bookable=True)


class Venue(models.Model):
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
    community = models.ForeignKey(Community, models.PROTECT, related_name="venues", verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in the public address."))
    address = models.CharField(_("address"), max_length=200, blank=True)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    area_m2 = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity per slot"), default=20, validators=[MinValueValidator(1)], help_text=_("Visitors per slot.")
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    what_to_bring = models.TextField(
        _("what to bring"), blank=True, help_text=_("Shown to visitors after they book.")
    )
    public_bookable = models.BooleanField(_("the public may book"), default=False)
    needs_approval = models.BooleanField(_("bookings need approval"), default=True)
    slot_minutes = models.PositiveIntegerField(
        _("slot length (minutes)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(24 * 60)]
    )
    booking_window_days = models.PositiveIntegerField(
        _("bookable days ahead"), default=28, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    min_notice_hours = models.PositiveIntegerField(_("minimum notice (hours)"), default=24)

    scope_paths = community_scoped("community")
    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="venue_capacity_positive"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=15), name="venue_slot_minutes_min"),
        ]

    def __str__(self):
        return self.name
