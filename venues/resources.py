"""Import/export of the venue registers, scoped to the account (communities.resources_base)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields

from communities.models import Community, Person
from registers.sheets import ScopedForeignKeyWidget, ScopedModelResource

from .models import Booking, Closure, Docent, Offering, OpeningHours, Venue, VisitRecord
from .services import venue_capacity_changed


def _venue_field():
    return fields.Field(attribute="venue", column_name="venue", widget=ScopedForeignKeyWidget(Venue, "slug"))


class VenueResource(ScopedModelResource):
    community = fields.Field(
        attribute="community", column_name="community", widget=ScopedForeignKeyWidget(Community, "name")
    )

    class Meta:
        model = Venue
        import_id_fields = ["slug"]
        fields = (
            "slug",
            "name",
            "kind",
            "community",
            "address",
            "floor",
            "area_m2",
            "capacity",
            "opened_on",
            "description",
            "what_to_bring",
            "public_bookable",
            "needs_approval",
            "slot_minutes",
            "booking_window_days",
            "min_notice_hours",
        )
        skip_unchanged = True
        clean_model_instances = True

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        stored = self.stored_columns(instance).get("capacity")
        instance.capacity_changed = stored is not None and stored != instance.capacity

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        if getattr(instance, "capacity_changed", False):
            venue_capacity_changed(instance, by=self.user)


class OfferingResource(ScopedModelResource):
    venue = _venue_field()

    class Meta:
        model = Offering
        fields = ("id", "venue", "name", "description", "duration_minutes", "max_group_size", "position")
        clean_model_instances = True


class OpeningHoursResource(ScopedModelResource):
    venue = _venue_field()

    class Meta:
        model = OpeningHours
        fields = ("id", "venue", "weekday", "opens", "closes")
        clean_model_instances = True


class ClosureResource(ScopedModelResource):
    venue = _venue_field()

    class Meta:
        model = Closure
        fields = ("id", "venue", "starts_on", "ends_on", "reason")
        clean_model_instances = True


class DocentResource(ScopedModelResource):
    community = fields.Field(
        attribute="community", column_name="community", widget=ScopedForeignKeyWidget(Community, "name")
    )
    person = fields.Field(
        attribute="person", column_name="person", widget=ScopedForeignKeyWidget(Person, "name")
    )

    class Meta:
        model = Docent
        fields = ("id", "community", "person", "is_volunteer", "topics", "active")
        clean_model_instances = True


class BookingResource(ScopedModelResource):
    """Export only: bookings come from the public form, which keeps the slots' capacity."""

    venue = fields.Field(attribute="venue__name", column_name=_("venue"))
    starts_at = fields.Field(attribute="slot__starts_at", column_name=_("starts at"))
    status = fields.Field(attribute="get_status_display", column_name=_("status"))
    visitor_kind = fields.Field(attribute="get_visitor_kind_display", column_name=_("visitor"))
    phone = fields.Field(attribute="phone", column_name=_("phone"))
    docent = fields.Field(attribute="docent__person__name", column_name=_("docent"))

    class Meta:
        model = Booking
        fields = (
            "reference",
            "venue",
            "starts_at",
            "visitor_kind",
            "organisation",
            "size",
            "contact_name",
            "phone",
            "purpose",
            "status",
            "reject_reason",
            "docent",
            "created_at",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("venue", "slot", "docent__person")


class VisitRecordResource(ScopedModelResource):
    """The visit register: import walk-ins (a row without a booking) from a spreadsheet."""

    venue = _venue_field()

    class Meta:
        model = VisitRecord
        fields = ("id", "venue", "visited_on", "visitors", "organisation", "note")
        clean_model_instances = True

    def before_save_instance(self, instance, row, **kwargs):
        # The register row belongs to the venue's community (scoping and counting filter on it).
        instance.community_id = instance.venue.community_id

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.venue_id is None:
            raise ValidationError({"venue": _("Unknown venue: give the slug of a venue of your unit.")})
        instance.community_id = instance.venue.community_id
