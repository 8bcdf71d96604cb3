"""Volunteer teams in the admin: members edited inline, names unique within a community, scoped choices."""

import pytest

from communities.models import Person
from volunteers.models import Membership, VolunteerTeam

from .conftest import admin_url, sign_in

INLINE = "memberships"


def team_form(community, name, members=(), **extra):
    data = {
        "name": name,
        "service_area": "home_visits",
        "community": community.pk,
        "party_organization": "",
        "leader": "",
        "founded_on": "2016-05-01",
        "is_party_member_team": "on",
        f"{INLINE}-TOTAL_FORMS": str(len(members)),
        f"{INLINE}-INITIAL_FORMS": "0",
        f"{INLINE}-MIN_NUM_FORMS": "0",
        f"{INLINE}-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for i, (person, role) in enumerate(members):
        data.update(
            {f"{INLINE}-{i}-person": person.pk, f"{INLINE}-{i}-role": role, f"{INLINE}-{i}-joined_on": ""}
        )
    return data


@pytest.fixture
def people(community):
    return [
        Person.objects.create(name=f"队员{i}", community=community, is_party_member=True) for i in range(2)
    ]


def test_a_team_is_created_with_its_members_inline(client, staff, community, people):
    sign_in(client, staff)
    response = client.post(
        admin_url(VolunteerTeam, "add"),
        team_form(community, "环西红马甲志愿服务队", [(people[0], "leader"), (people[1], "member")]),
    )
    assert response.status_code == 302
    team = VolunteerTeam.objects.get(name="环西红马甲志愿服务队")
    assert set(Membership.objects.filter(team=team).values_list("person__name", "role")) == {
        ("队员0", "leader"),
        ("队员1", "member"),
    }


def test_a_second_team_of_the_same_name_in_the_community_is_refused(client, staff, community, team):
    sign_in(client, staff)
    client.cookies["django_language"] = "en"
    response = client.post(admin_url(VolunteerTeam, "add"), team_form(community, team.name))
    assert response.status_code == 200
    assert "A volunteer team of this name already exists in this community." in response.content.decode()
    assert VolunteerTeam.objects.filter(name=team.name).count() == 1


def test_the_same_person_twice_in_a_team_is_refused(client, staff, community, people):
    sign_in(client, staff)
    response = client.post(
        admin_url(VolunteerTeam, "add"),
        team_form(community, "重复队", [(people[0], "leader"), (people[0], "member")]),
    )
    assert response.status_code == 200
    assert not VolunteerTeam.objects.filter(name="重复队").exists()


def test_staff_cannot_add_a_neighbours_person_to_their_team(client, staff, community, other_community):
    stranger = Person.objects.create(name="金业路居民", community=other_community)
    sign_in(client, staff)
    response = client.post(
        admin_url(VolunteerTeam, "add"), team_form(community, "新队", [(stranger, "member")])
    )
    assert response.status_code == 200
    assert not Membership.objects.exists()


def test_staff_cannot_create_a_team_in_another_community(client, staff, other_community):
    sign_in(client, staff)
    response = client.post(admin_url(VolunteerTeam, "add"), team_form(other_community, "越界队"))
    assert response.status_code == 200
    assert "community" in response.context["adminform"].form.errors
    assert not VolunteerTeam.objects.filter(name="越界队").exists()


def test_the_team_list_counts_members_in_one_query(client, staff, team, volunteer, second_volunteer):
    sign_in(client, staff)
    response = client.get(admin_url(VolunteerTeam))
    [row] = response.context["cl"].result_list
    assert row.member_count == 2
