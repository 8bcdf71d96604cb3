"""Pickers that tell people apart: every choice of a person reads name, community, birth year and the phone's
last four digits (丁桂珍（金业路社区，1948年，尾号1234）), in the autocomplete and in the chosen value, without a
query per person, and with nothing more of the phone."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Person
from volunteers.models import Membership, VolunteerTeam

pytestmark = pytest.mark.django_db


@pytest.fixture
def namesakes(other_community):
    return [
        Person.objects.create(
            name="丁桂珍",
            community=other_community,
            birth_date=datetime.date(1948, 3, 2),
            phone="13812341234",
        ),
        Person.objects.create(
            name="丁桂珍",
            community=other_community,
            birth_date=datetime.date(1951, 9, 9),
            phone="0379-6321 5678",
        ),
    ]


@pytest.fixture
def jinye_staff(other_community):
    from registers.roles import COMMUNITY_STAFF
    from tests.conftest import make_staff

    return make_staff("jinye-picker", other_community, COMMUNITY_STAFF)


def autocomplete(client, term, app_label="volunteers", model_name="homevisit", field_name="volunteers"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_two_namesakes_read_differently_in_the_picker(client, jinye_staff, namesakes):
    client.force_login(jinye_staff)
    assert sorted(autocomplete(client, "丁桂珍")) == [
        "丁桂珍（金业路社区，1948年，尾号1234）",
        "丁桂珍（金业路社区，1951年，尾号5678）",
    ]


def test_the_label_shows_no_more_of_the_phone_than_the_last_four_digits(client, jinye_staff, namesakes):
    client.force_login(jinye_staff)
    text = " ".join(autocomplete(client, "丁"))
    assert "138" not in text and "0379" not in text and "6321" not in text


def test_a_person_without_birth_date_or_phone_reads_name_and_community(client, staff, community):
    Person.objects.create(name="王芳", community=community)
    client.force_login(staff)
    assert autocomplete(client, "王芳", "volunteers", "volunteerteam", "leader") == ["王芳（环西社区）"]


def test_english_reads_the_same_details(en, staff, community):
    Person.objects.create(
        name="王芳", community=community, birth_date=datetime.date(1960, 1, 1), phone="13900009876"
    )
    en.force_login(staff)
    assert autocomplete(en, "王芳") == ["王芳 (环西社区, born 1960, phone ending 9876)"]


def test_the_picker_lists_only_people_of_the_account_s_unit(client, staff, namesakes):
    client.force_login(staff)
    assert autocomplete(client, "丁桂珍") == []


def test_the_picker_costs_the_same_queries_for_many_people(client, staff, community):
    client.force_login(staff)

    def queries_for(n):
        for i in range(n):
            Person.objects.create(name=f"张{i:02d}", community=community, phone=f"1390000{i:04d}")
        autocomplete(client, "张")
        with CaptureQueriesContext(connection) as queries:
            assert len(autocomplete(client, "张")) == min(
                Person.objects.filter(name__startswith="张").count(), 20
            )
        return len(queries)

    assert queries_for(2) == queries_for(18)


def test_the_chosen_people_on_a_form_read_the_same_label(client, staff, community):
    leader = Person.objects.create(
        name="丁桂珍", community=community, birth_date=datetime.date(1948, 3, 2), phone="13812341234"
    )
    team = VolunteerTeam.objects.create(name="一队", community=community, leader=leader)
    Membership.objects.create(team=team, person=leader)
    client.force_login(staff)
    text = client.get(reverse("admin:volunteers_volunteerteam_change", args=[team.pk])).content.decode()
    assert "丁桂珍（环西社区，1948年，尾号1234）" in text


def test_an_outsider_s_people_stay_out_of_the_picker(client, outsider, community):
    Person.objects.create(name="李四", community=community)
    client.force_login(outsider)
    assert autocomplete(client, "李四") == []


def test_a_visit_s_recipient_is_picked_by_the_same_label(client, staff, community):
    from volunteers.models import CareRecipient

    for year in (1948, 1951):
        person = Person.objects.create(
            name="丁桂珍", community=community, birth_date=datetime.date(year, 1, 1)
        )
        CareRecipient.objects.create(person=person, community=community)
    client.force_login(staff)
    assert sorted(autocomplete(client, "丁桂珍", field_name="recipient")) == [
        "丁桂珍（环西社区，1948年）",
        "丁桂珍（环西社区，1951年）",
    ]
