"""Import/export of the units register. Units are referred to by name, looked up inside the account's unit;
headers are in the user's language; a file without an id column updates the records named by ``natural_key``."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from registers.personal_data import is_erased
from registers.phones import mask_phone
from registers.sheets import ScopedForeignKeyWidget, ScopedModelResource
from registers.units import level_of, unit_of

from .models import (
    CommitteeMember,
    Community,
    Courtyard,
    District,
    Grid,
    Honour,
    PartnerOrganization,
    Partnership,
    PartyOrganization,
    Person,
    Subdistrict,
)


def parent_organization_choices(user):
    """Party organisations a record of ``user`` may sit under: their own, and for community staff also the
    subdistrict-level organisations of their subdistrict (the tree's parents above their community)."""
    own = PartyOrganization.objects.for_user(user)
    unit = None if user.is_superuser else unit_of(user)
    if unit is not None and level_of(unit) == "community":
        return PartyOrganization.objects.filter(
            Q(pk__in=own.values("pk")) | Q(subdistrict_id=unit.subdistrict_id, community__isnull=True)
        )
    return own


class ParentOrganizationWidget(ScopedForeignKeyWidget):
    def get_queryset(self, value, row, *args, **kwargs):
        queryset = PartyOrganization.objects.all()
        user = self.user or kwargs.get("user")
        if user is not None:
            queryset = parent_organization_choices(user)
        for lookup, column in self.row_columns.items():
            if (row or {}).get(column):
                queryset = queryset.filter(**{lookup: str(row[column]).strip()})
        return queryset


def unit(model, label, **kwargs):
    """A column naming a related record by its name (looked up inside the account's unit)."""
    attribute = kwargs.pop("attribute", None)
    return Field(
        attribute=attribute,
        column_name=label,
        widget=ScopedForeignKeyWidget(model, kwargs.pop("lookup", "name"), **kwargs),
    )


class SubdistrictResource(ScopedModelResource):
    district = unit(District, _("district"), attribute="district")
    natural_key = ("district", "name")
    select_related = ("district",)

    class Meta:
        model = Subdistrict
        name = _("subdistricts")
        fields = ("id", "district", "name", "kind", "area_km2", "population")


class CommunityResource(ScopedModelResource):
    subdistrict = unit(Subdistrict, _("subdistrict"), attribute="subdistrict")
    natural_key = ("subdistrict", "name")
    select_related = ("subdistrict",)

    class Meta:
        model = Community
        name = _("communities")
        fields = ("id", "subdistrict", "name", "kind", "address", "service_centre_area_m2", "population")


class GridResource(ScopedModelResource):
    community = unit(Community, _("community"), attribute="community")
    natural_key = ("community", "name")
    select_related = ("community",)

    class Meta:
        model = Grid
        name = _("grids")
        fields = ("id", "community", "name")


class CourtyardResource(ScopedModelResource):
    # Grid names repeat from one community to the next ("第一网格"): the community column says which one.
    community = Field(attribute="grid__community__name", column_name=_("community"), readonly=True)
    grid = unit(Grid, _("grid"), attribute="grid", row_filters={"community__name": "community"})
    natural_key = ("grid", "name")
    select_related = ("grid__community",)

    class Meta:
        model = Courtyard
        name = _("courtyards")
        fields = ("id", "community", "grid", "name", "address", "households")


class PartyOrganizationResource(ScopedModelResource):
    subdistrict = unit(Subdistrict, _("subdistrict"), attribute="subdistrict")
    parent = Field(
        attribute="parent",
        column_name=_("parent organisation"),
        widget=ParentOrganizationWidget(
            PartyOrganization, "name", row_filters={"subdistrict__name": "subdistrict"}
        ),
    )
    community = unit(
        Community, _("community"), attribute="community", row_filters={"subdistrict__name": "subdistrict"}
    )
    grid = unit(Grid, _("grid"), attribute="grid", row_filters={"community__name": "community"})
    courtyard = unit(Courtyard, _("courtyard"), attribute="courtyard", row_filters={"grid__name": "grid"})
    natural_key = ("subdistrict", "parent", "name")
    select_related = ("subdistrict", "parent", "community", "grid", "courtyard")

    class Meta:
        model = PartyOrganization
        name = _("Party organisations")
        fields = (
            "id",
            "name",
            "kind",
            "parent",
            "subdistrict",
            "community",
            "grid",
            "courtyard",
            "founded_on",
        )


class PersonResource(ScopedModelResource):
    community = unit(Community, _("community"), attribute="community")
    party_branch = unit(PartyOrganization, _("Party branch"), attribute="party_branch")
    natural_key = ("community", "name")
    select_related = ("community", "party_branch")

    class Meta:
        model = Person
        name = _("people")
        # A people sheet runs to thousands of rows: written in batches (registers.sheets.batches), each with its
        # change history, so that it imports within a request.
        use_bulk = True
        batch_size = 500
        fields = (
            "id",
            "name",
            "gender",
            "birth_date",
            "phone",
            "community",
            "is_party_member",
            "party_branch",
            "education",
        )

    def header_aliases(self):
        # Sheets exported before the name column read 姓名 carry 名称 (the generic "name"): still accepted.
        aliases = super().header_aliases()
        aliases.setdefault("名称", self.fields["name"].column_name)
        return aliases

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # A person erased while this import ran (after its rows were read) stays erased (a bulk UPDATE
        # skips Person.save, which would keep it).
        Person.keep_erased(self.update_instances)
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def import_instance(self, instance, row, **kwargs):
        # A file exported before an erasure (rows with the person's id) must not write them back; rows are
        # written in bulk, which no model signal sees, so the refusal is here.
        if is_erased(instance):
            raise ValidationError(
                gettext("This person's data was erased on request; a file cannot fill it in again.")
            )
        super().import_instance(instance, row, **kwargs)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "phone" and "*" in str(row.get(field.column_name) or ""):
            # A masked number from an export: it stands for the number already on record, nothing else.
            if (
                instance.pk
                and instance.phone
                and mask_phone(instance.phone) == str(row[field.column_name]).strip()
            ):
                return
            raise ValueError(gettext("A masked phone number cannot be imported; type the full number."))
        super().import_field(field, instance, row, is_m2m, **kwargs)


class CommitteeMemberResource(ScopedModelResource):
    community = unit(Community, _("community"), attribute="community")
    person = unit(Person, _("person"), attribute="person", row_filters={"community__name": "community"})
    natural_key = ("community", "term", "person", "role")
    select_related = ("community", "person")

    class Meta:
        model = CommitteeMember
        name = _("committee members")
        fields = ("id", "community", "person", "term", "elected_on", "role")


class PartnerOrganizationResource(ScopedModelResource):
    subdistrict = unit(Subdistrict, _("subdistrict"), attribute="subdistrict")
    natural_key = ("subdistrict", "name")
    select_related = ("subdistrict",)

    class Meta:
        model = PartnerOrganization
        name = _("partner organisations")
        fields = ("id", "name", "kind", "subdistrict", "has_party_organization")


class PartnershipResource(ScopedModelResource):
    partner = unit(PartnerOrganization, _("partner organisation"), attribute="partner")
    community = unit(Community, _("community"), attribute="community")
    natural_key = ("partner", "community")
    select_related = ("partner", "community")

    class Meta:
        model = Partnership
        name = _("partnerships")
        fields = (
            "id",
            "partner",
            "community",
            "agreement",
            "signed_on",
            "social_workers",
            "in_service_centre",
        )


class HonourResource(ScopedModelResource):
    subdistrict = unit(Subdistrict, _("subdistrict"), attribute="subdistrict")
    community = unit(
        Community, _("community"), attribute="community", row_filters={"subdistrict__name": "subdistrict"}
    )
    party_organization = unit(PartyOrganization, _("Party organisation"), attribute="party_organization")
    natural_key = ("title", "year", "subdistrict", "community")
    select_related = ("subdistrict", "community", "party_organization")

    class Meta:
        model = Honour
        name = _("honours")
        fields = ("id", "title", "awarded_by", "year", "subdistrict", "community", "party_organization")
