from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registers.admin import ScopedAdmin, ScopedInline
from registers.personal_data import can_see_sensitive, is_erased

from . import resources
from .models import (
    PERSON_ERASURE,
    City,
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
    StaffProfile,
    Subdistrict,
)


@admin.register(City)
class CityAdmin(ScopedAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    list_display = ("name", "kind", "city")
    list_select_related = ("city",)
    search_fields = ("name",)
    list_filter = ("city", "kind")
    autocomplete_fields = ("city",)


@admin.register(Subdistrict)
class SubdistrictAdmin(ScopedAdmin):
    resource_classes = [resources.SubdistrictResource]
    list_display = ("name", "district", "kind", "area_km2", "population")
    list_select_related = ("district",)
    search_fields = ("name",)
    list_filter = ("district", "kind")
    autocomplete_fields = ("district",)


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    resource_classes = [resources.CommunityResource]
    list_display = ("name", "subdistrict", "kind", "population", "service_centre_area_m2")
    list_select_related = ("subdistrict",)
    search_fields = ("name", "address")
    list_filter = ("subdistrict__district", "subdistrict", "kind")
    autocomplete_fields = ("subdistrict",)


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    resource_classes = [resources.GridResource]
    list_display = ("name", "community")
    list_select_related = ("community",)
    # By the (community, sort_key, name) index, in their numbers' order (第二网格 before 第十二网格): the first
    # page of a million grids is read from the index instead of sorting the whole table by community name
    # (bench/communities_admin.py).
    ordering = ("community_id", "sort_key", "name")
    search_fields = ("name", "community__name")
    list_filter = ("community__subdistrict", "community")
    autocomplete_fields = ("community",)


@admin.register(Courtyard)
class CourtyardAdmin(ScopedAdmin):
    resource_classes = [resources.CourtyardResource]
    list_display = ("name", "grid", "address", "households")
    list_select_related = ("grid__community",)
    ordering = ("grid_id", "sort_key", "name")  # the (grid, sort_key, name) index, as for grids
    search_fields = ("name", "address", "grid__name")
    list_filter = ("grid__community", "grid")
    autocomplete_fields = ("grid",)


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedAdmin):
    resource_classes = [resources.PartyOrganizationResource]
    list_display = ("name", "kind", "parent", "subdistrict", "community", "grid", "founded_on")
    list_select_related = ("parent", "subdistrict", "community", "grid__community")
    search_fields = ("name",)
    list_filter = ("kind", "subdistrict", "community")
    autocomplete_fields = ("parent", "subdistrict", "community", "grid", "courtyard")
    date_hierarchy = "founded_on"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent":
            field.queryset = resources.parent_organization_choices(request.user)
        return field

    def get_search_results(self, request, queryset, search_term):
        # The parent picker (autocomplete) of a community's organisation also offers the subdistrict-level
        # organisations above it, which the community's own list does not show.
        if _is_autocomplete_for(request, PartyOrganization, "parent"):
            queryset = resources.parent_organization_choices(request.user)
        return super().get_search_results(request, queryset, search_term)


def _is_autocomplete_for(request, model, field_name) -> bool:
    return (
        request.path == reverse("admin:autocomplete")
        and request.GET.get("app_label") == model._meta.app_label
        and request.GET.get("model_name") == model._meta.model_name
        and request.GET.get("field_name") == field_name
    )


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    resource_classes = [resources.PersonResource]
    # Adds "export / erase personal data" for personal data officers (audit app, docs/privacy.md).
    change_form_template = "admin/communities/person/change_form.html"
    list_display = ("name", "gender", "birth_date", "phone", "community", "is_party_member", "education")
    list_select_related = ("community",)
    search_fields = ("name", "=phone")
    list_filter = ("community", "is_party_member", "gender", "education")
    autocomplete_fields = ("community", "party_branch")
    fields = (
        "name",
        "gender",
        "birth_date",
        "phone",
        "community",
        "is_party_member",
        "party_branch",
        "education",
    )

    def get_search_fields(self, request):
        # Searching by part of a number would let an account without the sensitive-data permission
        # recover numbers digit by digit: it may find a person by the whole number only.
        if can_see_sensitive(request.user):
            return ("name", "phone")
        return self.search_fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if is_erased(obj):
            # Erased on request (audit app): what was erased cannot be typed in again; the rest (community,
            # Party membership) stays editable, as it feeds the counts.
            readonly += [name for name in PERSON_ERASURE if name not in readonly]
        return readonly

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if is_erased(obj):
                self.message_user(
                    request,
                    _(
                        "This person's data was erased on request: the name, phone, birth date, gender and "
                        "education cannot be filled in again."
                    ),  # fmt: skip
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ScopedAdmin):
    resource_classes = [resources.CommitteeMemberResource]
    list_display = ("person", "role", "term", "elected_on", "community")
    list_select_related = ("person", "community")
    search_fields = ("person__name",)
    list_filter = ("term", "role", "community")
    autocomplete_fields = ("person", "community")
    date_hierarchy = "elected_on"


class PartnershipInline(ScopedInline):
    model = Partnership
    autocomplete_fields = ("community",)
    fields = ("community", "agreement", "signed_on", "social_workers", "in_service_centre")


@admin.register(PartnerOrganization)
class PartnerOrganizationAdmin(ScopedAdmin):
    resource_classes = [resources.PartnerOrganizationResource]
    list_display = ("name", "kind", "subdistrict", "has_party_organization")
    list_select_related = ("subdistrict",)
    search_fields = ("name",)
    list_filter = ("kind", "subdistrict", "has_party_organization")
    autocomplete_fields = ("subdistrict",)
    inlines = [PartnershipInline]


@admin.register(Partnership)
class PartnershipAdmin(ScopedAdmin):
    resource_classes = [resources.PartnershipResource]
    list_display = ("partner", "community", "agreement", "signed_on", "social_workers", "in_service_centre")
    list_select_related = ("partner", "community")
    search_fields = ("partner__name", "community__name")
    list_filter = ("agreement", "community", "in_service_centre")
    autocomplete_fields = ("partner", "community")
    date_hierarchy = "signed_on"


@admin.register(Honour)
class HonourAdmin(ScopedAdmin):
    resource_classes = [resources.HonourResource]
    list_display = ("title", "year", "awarded_by", "subdistrict", "community", "party_organization")
    list_select_related = ("subdistrict", "community", "party_organization")
    search_fields = ("title", "awarded_by")
    list_filter = ("year", "subdistrict", "community")
    autocomplete_fields = ("subdistrict", "community", "party_organization")


class StaffProfileInline(admin.StackedInline):
    """The unit a staff account works for, assigned by a superuser on the user's page."""

    model = StaffProfile
    can_delete = True
    max_num = 1
    extra = 0
    autocomplete_fields = ("city", "district", "subdistrict", "community")
    verbose_name_plural = _("staff unit")


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [StaffProfileInline]
    list_display = ("username", "first_name", "last_name", "is_staff", "staff_unit")
    list_select_related = (
        "staff_profile__city",
        "staff_profile__district",
        "staff_profile__subdistrict",
        "staff_profile__community",
    )

    @admin.display(description=_("staff unit"))
    def staff_unit(self, user):
        profile = getattr(user, "staff_profile", None)
        return profile.unit if profile is not None else ""
