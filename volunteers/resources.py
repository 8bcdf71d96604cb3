"""Import/export of the volunteer registers, scoped to the account and masking sensitive data.

Sensitive columns (care categories, health notes, phones) export masked or empty for accounts without
communities.view_sensitive_personal_data, and such accounts' imports never write them: re-importing an
export they made cannot wipe what they could not see.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from communities.models import Community, Courtyard, PartyOrganization, Person
from registers.sheets import ScopedForeignKeyWidget, ScopedModelResource

from .models import CareCategory, CareRecipient, HomeVisit, Membership, Service, ServiceRecord, VolunteerTeam
from .services import sync_visit_records

LIST_SEPARATORS = re.compile(r"\s*[,，;；、]\s*")


def split_list(value) -> list[str]:
    return [item for item in LIST_SEPARATORS.split(str(value or "").strip()) if item]


class SensitiveDataResource(ScopedModelResource):
    """A scoped resource with list columns (care categories, services) read by hand."""

    # Columns parsed by hand (lists of names or labels), set on the instance after it is saved.
    list_fields: tuple[str, ...] = ()

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance._pending_lists = {}
        for name in self.list_fields:
            column = self.fields[name].column_name
            if column not in row or name in self.hidden_fields:
                continue
            try:
                parse = getattr(self, f"parse_{name}")
                instance._pending_lists[name] = parse(instance, split_list(row[column]))
            except ValidationError as error:
                errors[name] = error.messages
        if errors:
            raise ValidationError(errors)

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        for name, values in getattr(instance, "_pending_lists", {}).items():
            getattr(instance, name).set(values)

    def parse_coded(self, model, labels: list[str], column: str):
        table = model.lookup_table()
        unknown = [label for label in labels if label.lower() not in table]
        if unknown:
            raise ValidationError(
                gettext("Unknown %(column)s: %(values)s. Use one of: %(choices)s.")
                % {
                    "column": column,
                    "values": "、".join(unknown),
                    "choices": "、".join(str(row) for row in model.objects.all()),
                }
            )
        return [table[label.lower()] for label in labels]

    @staticmethod
    def render_list(items) -> str:
        return "、".join(str(item) for item in items)


class VolunteerTeamResource(ScopedModelResource):
    community = Field(
        attribute="community",
        column_name=_("sponsoring community"),
        widget=ScopedForeignKeyWidget(Community, "name"),
    )
    party_organization = Field(
        attribute="party_organization",
        column_name=_("sponsoring Party organisation"),
        widget=ScopedForeignKeyWidget(PartyOrganization, "name"),
    )
    leader = Field(
        attribute="leader", column_name=_("leader (person id)"), widget=ScopedForeignKeyWidget(Person, "pk")
    )
    leader_name = Field(attribute="leader__name", column_name=_("leader"), readonly=True)
    member_count = Field(column_name=_("members"), readonly=True)

    class Meta:
        model = VolunteerTeam
        fields = (
            "id",
            "name",
            "service_area",
            "community",
            "party_organization",
            "leader",
            "leader_name",
            "founded_on",
            "is_party_member_team",
            "member_count",
        )

    natural_key = ("community", "name")

    def dehydrate_member_count(self, team):
        return team.memberships.count() if not hasattr(team, "member_count") else team.member_count


class CareRecipientResource(SensitiveDataResource):
    person = Field(
        attribute="person", column_name=_("person id"), widget=ScopedForeignKeyWidget(Person, "pk")
    )
    name = Field(attribute="person__name", column_name=_("name"), readonly=True)
    phone = Field(attribute="person__phone", column_name=_("phone"), readonly=True)
    community = Field(attribute="community__name", column_name=_("community"), readonly=True)
    categories = Field(column_name=_("care categories"))
    assigned_team = Field(
        attribute="assigned_team",
        column_name=_("assigned team"),
        widget=ScopedForeignKeyWidget(VolunteerTeam, "name"),
    )
    usual_services = Field(column_name=_("usual services"))
    # A courtyard's name repeats across communities: found within the row's community.
    courtyard = Field(
        attribute="courtyard",
        column_name=_("courtyard"),
        widget=ScopedForeignKeyWidget(Courtyard, "name", row_filters={"grid__community__name": "community"}),
    )

    list_fields = ("categories", "usual_services")

    class Meta:
        model = CareRecipient
        fields = (
            "id",
            "person",
            "name",
            "phone",
            "community",
            "categories",
            "health_notes",
            "frequency",
            "frequency_unit",
            "since",
            "assigned_team",
            "usual_day",
            "usual_services",
            "courtyard",
            "building",
            "entrance",
            "room",
            "active",
            "inactive_reason",
        )

    natural_key = ("person",)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person", "community", "assigned_team", "courtyard")
            .prefetch_related("categories", "usual_services")
        )

    def dehydrate_categories(self, recipient):
        return self.render_list(recipient.categories.all())

    def dehydrate_usual_services(self, recipient):
        return self.render_list(recipient.usual_services.all())

    def parse_categories(self, instance, labels):
        return self.parse_coded(CareCategory, labels, _("care categories"))

    def parse_usual_services(self, instance, labels):
        return self.parse_coded(Service, labels, _("services"))


class HomeVisitResource(SensitiveDataResource):
    recipient = Field(
        attribute="recipient",
        column_name=_("care recipient id"),
        widget=ScopedForeignKeyWidget(CareRecipient, "pk"),
    )
    recipient_name = Field(
        attribute="recipient__person__name", column_name=_("care recipient"), readonly=True
    )
    community = Field(attribute="community__name", column_name=_("community"), readonly=True)
    team = Field(
        attribute="team", column_name=_("team"), widget=ScopedForeignKeyWidget(VolunteerTeam, "name")
    )
    volunteers = Field(column_name=_("volunteers"))
    services = Field(column_name=_("services"))

    list_fields = ("volunteers", "services")

    class Meta:
        model = HomeVisit
        fields = (
            "id",
            "recipient",
            "recipient_name",
            "community",
            "team",
            "volunteers",
            "visited_on",
            "services",
            "other_services",
            "minutes",
            "notes",
        )

    # A re-imported file updates its visits instead of recording them twice.
    natural_key = ("recipient", "team", "visited_on")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("recipient__person", "community", "team")
            .prefetch_related("volunteers", "services")
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._imported_visits = []

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        self._imported_visits.append(instance.pk)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # The service records of the imported visits, in a few queries per thousand rows rather than per row;
        # a preview is rolled back, so it has nothing to keep in step.
        if not self._is_dry_run(kwargs):
            sync_visit_records(self._imported_visits)
        self._imported_visits = []

    def dehydrate_volunteers(self, visit):
        return self.render_list(person.name for person in visit.volunteers.all())

    def dehydrate_services(self, visit):
        return self.render_list(visit.services.all())

    def parse_services(self, instance, labels):
        return self.parse_coded(Service, labels, _("services"))

    def parse_volunteers(self, instance, names):
        """Volunteers are named; a name is looked up among the visit's team's members."""
        if not names or instance.team_id is None:
            return []
        members = {}
        for membership in Membership.objects.filter(
            team_id=instance.team_id, person__name__in=names
        ).select_related("person"):
            members.setdefault(membership.person.name, []).append(membership.person)
        ambiguous = [name for name in names if len(members.get(name, [])) > 1]
        if ambiguous:
            raise ValidationError(
                gettext(
                    "More than one member of %(team)s is called %(names)s: record this visit in the admin."
                )
                % {"team": instance.team, "names": "、".join(ambiguous)}
            )
        outsiders = [name for name in names if name not in members]
        if outsiders:
            raise ValidationError(
                gettext("Not a member of %(team)s: %(names)s.")
                % {"team": instance.team, "names": "、".join(outsiders)}
            )
        return [members[name][0] for name in dict.fromkeys(names)]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            super().validate_instance(instance, errors, validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "volunteers" not in errors and instance.team_id and instance.visited_on:
            volunteers = getattr(instance, "_pending_lists", {}).get("volunteers")
            if volunteers is None and instance.pk:
                volunteers = list(instance.volunteers.all())
            problems = instance.volunteer_errors(volunteers or [])
            if problems:
                errors["volunteers"] = problems
        if errors:
            raise ValidationError(errors)


class ServiceRecordResource(ScopedModelResource):
    """Service records as the national volunteer platform takes them (one row per service: who, the
    volunteer number, when, where, what, the hours, how they were recorded, the recording organisation and
    who confirmed them). Export only: records come from visits, check-ins and staff entry."""

    volunteer = Field(attribute="volunteer__name", column_name=_("volunteer"), readonly=True)
    volunteer_number = Field(
        attribute="volunteer__volunteer_number", column_name=_("national volunteer number"), readonly=True
    )
    served_on = Field(attribute="served_on", column_name=_("date"), readonly=True)
    starts_at = Field(column_name=_("start"), readonly=True)
    ends_at = Field(column_name=_("end"), readonly=True)
    hours = Field(column_name=_("hours"), readonly=True)
    place = Field(attribute="place", column_name=_("place"), readonly=True)
    content = Field(column_name=_("content of the service"), readonly=True)
    kind = Field(column_name=_("kind of service"), readonly=True)
    team = Field(attribute="team__name", column_name=_("team"), readonly=True)
    recorded = Field(column_name=_("how recorded"), readonly=True)
    backfill_reason = Field(attribute="backfill_reason", column_name=_("why back-filled"), readonly=True)
    community = Field(attribute="community__name", column_name=_("recording organisation"), readonly=True)
    confirmed_by = Field(column_name=_("confirmed by"), readonly=True)
    confirmed_at = Field(column_name=_("confirmed at"), readonly=True)

    select_related = ("volunteer", "team", "community", "activity", "confirmed_by")

    class Meta:
        model = ServiceRecord
        fields = (
            "volunteer",
            "volunteer_number",
            "served_on",
            "starts_at",
            "ends_at",
            "hours",
            "place",
            "content",
            "kind",
            "team",
            "recorded",
            "backfill_reason",
            "community",
            "confirmed_by",
            "confirmed_at",
        )
        export_order = fields

    @staticmethod
    def _time(value) -> str:
        return timezone.localtime(value).strftime("%H:%M") if value else ""

    def dehydrate_starts_at(self, record):
        return self._time(record.starts_at)

    def dehydrate_ends_at(self, record):
        return self._time(record.ends_at)

    def dehydrate_hours(self, record):
        return record.hours

    def dehydrate_content(self, record):
        return record.description

    def dehydrate_kind(self, record):
        return record.get_kind_display()

    def dehydrate_recorded(self, record):
        return record.get_recorded_display()

    def dehydrate_confirmed_by(self, record):
        if record.confirmed_at is None:
            return gettext("not confirmed yet")
        return (
            record.confirmed_by.get_full_name() or record.confirmed_by.username if record.confirmed_by else ""
        )

    def dehydrate_confirmed_at(self, record):
        return (
            timezone.localtime(record.confirmed_at).strftime("%Y-%m-%d %H:%M") if record.confirmed_at else ""
        )
