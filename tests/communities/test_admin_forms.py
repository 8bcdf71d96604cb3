"""The admin's forms: the register's rules shown as form errors, phones masked for those who may not see
them, the Party organisation tree's parents offered to a community, units assigned on the user's page."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from communities.models import Grid, PartyOrganization, Person, StaffProfile

from .helpers import admin_url, login


def form_errors(response):
    form = response.context["adminform"].form
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def test_duplicate_grid_name_in_a_community_is_a_form_error(en, staff, grid):
    login(en, staff)
    response = en.post(admin_url(Grid, "add"), {"community": grid.community_id, "name": "第一网格"})
    assert form_errors(response) == {"__all__": ["A grid of this name already exists in this community."]}
    assert Grid.objects.count() == 1


def test_the_same_grid_name_in_another_community_is_fine(client, subdistrict_staff, grid, other_community):
    login(client, subdistrict_staff)
    response = client.post(admin_url(Grid, "add"), {"community": other_community.pk, "name": "第一网格"})
    assert response.status_code == 302


def party_org_data(org, **changes):
    data = {
        "name": org.name,
        "kind": org.kind,
        "parent": org.parent_id or "",
        "subdistrict": org.subdistrict_id,
        "community": org.community_id or "",
        "grid": "",
        "courtyard": "",
        "founded_on": "",
    }
    return {**data, **changes}


def test_party_organisation_cannot_be_placed_under_its_own_branch(en, staff, party_org):
    branch = PartyOrganization.objects.create(
        name="第一党支部",
        kind="branch",
        parent=party_org,
        subdistrict=party_org.subdistrict,
        community=party_org.community,
    )
    login(en, staff)
    response = en.post(
        admin_url(PartyOrganization, "change", party_org.pk), party_org_data(party_org, parent=branch.pk)
    )
    assert form_errors(response) == {
        "parent": ["An organisation cannot be placed under itself or one of its own units."]
    }
    party_org.refresh_from_db()
    assert party_org.parent.name == "西关办事处党工委"


def test_party_organisation_cannot_be_its_own_parent(en, staff, party_org):
    login(en, staff)
    response = en.post(
        admin_url(PartyOrganization, "change", party_org.pk), party_org_data(party_org, parent=party_org.pk)
    )
    assert "parent" in form_errors(response)


def test_community_staff_may_choose_the_subdistricts_committee_as_parent(client, staff, party_org):
    login(client, staff)
    response = client.post(
        admin_url(PartyOrganization, "add"),
        party_org_data(party_org, name="环西社区第二党委", parent=party_org.parent_id),
    )
    assert response.status_code == 302
    assert PartyOrganization.objects.get(name="环西社区第二党委").parent == party_org.parent


def test_parent_autocomplete_offers_the_subdistrict_level_but_not_the_neighbours(
    client, staff, party_org, other_party_org, far_community
):
    far = PartyOrganization.objects.create(
        name="湖北路党工委", kind="work_committee", subdistrict=far_community.subdistrict
    )
    login(client, staff)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "communities", "model_name": "partyorganization", "field_name": "parent"},
    )
    names = {r["text"] for r in response.json()["results"]}
    assert names == {"西关办事处党工委", "环西社区党委"}
    assert far.name not in names and other_party_org.name not in names


def test_the_subdistrict_committee_stays_out_of_the_communitys_own_list(client, staff, party_org):
    login(client, staff)
    response = client.get(admin_url(PartyOrganization))
    assert [o.name for o in response.context["cl"].result_list] == ["环西社区党委"]
    assert client.get(admin_url(PartyOrganization, "change", party_org.parent_id)).status_code == 404


def test_community_staff_cannot_move_an_organisation_to_the_subdistrict_level(en, staff, party_org):
    login(en, staff)
    response = en.post(
        admin_url(PartyOrganization, "change", party_org.pk), party_org_data(party_org, community="")
    )
    assert form_errors(response) == {"__all__": ["This record would fall outside your unit (环西社区)."]}
    party_org.refresh_from_db()
    assert party_org.community_id is not None


def person_data(community, **changes):
    return {
        "name": "刘洋",
        "gender": "M",
        "birth_date": "",
        "phone": "",
        "community": community.pk,
        "is_party_member": "",
        "party_branch": "",
        "education": "",
        **changes,
    }


def test_birth_date_in_the_future_is_refused(en, staff, community):
    login(en, staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = en.post(admin_url(Person, "add"), person_data(community, birth_date=tomorrow.isoformat()))
    assert form_errors(response) == {"birth_date": ["This date is in the future."]}
    assert not Person.objects.exists()


def test_bad_phone_is_refused(en, staff, community):
    login(en, staff)
    response = en.post(admin_url(Person, "add"), person_data(community, phone="12345"))
    assert form_errors(response) == {
        "phone": ["Enter a valid phone number: an 11-digit mobile number or a landline with its area code."]
    }
    assert not Person.objects.exists()


def test_staff_may_type_a_phone_when_adding_a_person(client, staff, community):
    login(client, staff)
    response = client.post(admin_url(Person, "add"), person_data(community, phone="13700001111"))
    assert response.status_code == 302
    assert Person.objects.get().phone == "13700001111"


def test_phones_are_masked_in_the_list_without_the_sensitive_permission(client, staff, person):
    login(client, staff)
    content = client.get(admin_url(Person)).content.decode()
    assert "138****5678" in content
    assert "13812345678" not in content


def test_phones_are_masked_read_only_on_the_change_page(client, staff, person):
    login(client, staff)
    response = client.get(admin_url(Person, "change", person.pk))
    content = response.content.decode()
    assert "138****5678" in content
    assert "13812345678" not in content
    assert "phone" not in response.context["adminform"].form.fields
    # Saving the page keeps the number on record.
    client.post(
        admin_url(Person, "change", person.pk), person_data(person.community, name="张秀英", gender="F")
    )
    person.refresh_from_db()
    assert person.phone == "13812345678"


def test_personal_data_officers_see_and_edit_full_phones(client, sensitive_staff, person):
    login(client, sensitive_staff)
    assert "13812345678" in client.get(admin_url(Person)).content.decode()
    response = client.get(admin_url(Person, "change", person.pk))
    assert "phone" in response.context["adminform"].form.fields


def test_search_by_the_whole_phone_number_finds_the_person(client, staff, person, other_person):
    login(client, staff)
    response = client.get(admin_url(Person), {"q": "13812345678"})
    assert list(response.context["cl"].result_list) == [person]
    response = client.get(admin_url(Person), {"q": "138"})
    assert list(response.context["cl"].result_list) == []


def test_personal_data_officers_search_by_part_of_a_number(client, sensitive_staff, person):
    login(client, sensitive_staff)
    response = client.get(admin_url(Person), {"q": "5678"})
    assert list(response.context["cl"].result_list) == [person]


def test_search_by_name_stays_in_the_unit(client, outsider, person):
    login(client, outsider)
    response = client.get(admin_url(Person), {"q": "张秀英"})
    assert list(response.context["cl"].result_list) == []


def test_superuser_assigns_a_unit_on_the_users_page(client, superuser, community):
    user = User.objects.create_user("newstaff", is_staff=True)
    login(client, superuser)
    url = f"/admin/auth/user/{user.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: form.initial.get(name) or ""
        for name in form.fields
        if name not in ("groups", "user_permissions")
    }
    data.update(
        {
            "username": "newstaff",
            "is_staff": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "last_login_0": "",
            "last_login_1": "",
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "0",
            "staff_profile-MIN_NUM_FORMS": "0",
            "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-community": community.pk,
            "staff_profile-0-district": "",
            "staff_profile-0-subdistrict": "",
        }
    )
    data.pop("password", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert StaffProfile.objects.get(user=user).unit == community


def test_a_staff_unit_must_be_exactly_one_unit(client, en, superuser, community, subdistrict):
    user = User.objects.create_user("twounits", is_staff=True)
    login(en, superuser)
    url = f"/admin/auth/user/{user.pk}/change/"
    response = en.post(
        url,
        {
            "username": "twounits",
            "is_staff": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "0",
            "staff_profile-MIN_NUM_FORMS": "0",
            "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-community": community.pk,
            "staff_profile-0-subdistrict": subdistrict.pk,
            "staff_profile-0-district": "",
        },
    )
    assert response.status_code == 200
    assert "Choose exactly one unit" in response.content.decode()
    assert not StaffProfile.objects.filter(user=user).exists()
