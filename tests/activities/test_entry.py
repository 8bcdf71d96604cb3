"""Daily entry of activities through the admin, and each refusal with its message."""

import pytest
from django.urls import reverse

from activities.models import MAX_PARTICIPANTS, Activity
from tests.conftest import NO_ATTACHMENTS

from .conftest import at

ADD_URL = reverse("admin:activities_activity_add")


def form_data(**overrides):
    data = {
        "title": "主题党日：重温入党誓词",
        "start_0": "2018-05-04",
        "start_1": "09:00",
        "end_0": "2018-05-04",
        "end_1": "11:00",
        "participants": "45",
        "description": "",
        **NO_ATTACHMENTS,
    }
    data.update({k: ("" if v is None else str(v)) for k, v in overrides.items()})
    return data


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def test_staff_enter_an_activity(logged_in, community, lecture_type, branch, programme, lecturer, venue):
    response = logged_in.post(
        ADD_URL,
        form_data(
            type=lecture_type.pk,
            community=community.pk,
            party_organization=branch.pk,
            programme=programme.pk,
            venue=venue.pk,
            lecturers=lecturer.pk,
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    activity = Activity.objects.get()
    assert activity.participants == 45
    assert activity.start == at(2018, 5, 4)
    assert list(activity.lecturers.all()) == [lecturer]
    assert activity.organiser() == branch


def test_save_and_add_another_keeps_type_community_and_programme(
    logged_in, community, lecture_type, branch, programme
):
    data = form_data(
        type=lecture_type.pk, community=community.pk, party_organization=branch.pk, programme=programme.pk
    )
    response = logged_in.post(ADD_URL, {**data, "_addanother": "1"})
    assert response.status_code == 302
    follow = logged_in.get(response["Location"])
    form = follow.context["adminform"].form
    assert str(form.initial["type"]) == str(lecture_type.pk)
    assert str(form.initial["community"]) == str(community.pk)
    assert str(form.initial["programme"]) == str(programme.pk)


def refused(response, field, text):
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert text in " ".join(errors.get(field, [])), errors
    assert not Activity.objects.exists()


def test_end_before_start_is_refused(logged_in, community, lecture_type, branch):
    data = form_data(
        type=lecture_type.pk, community=community.pk, party_organization=branch.pk, end_1="08:00"
    )
    refused(logged_in.post(ADD_URL, data), "end", "cannot end before it starts")


def test_negative_participants_are_refused(logged_in, community, lecture_type, branch):
    data = form_data(
        type=lecture_type.pk, community=community.pk, party_organization=branch.pk, participants=-5
    )
    refused(logged_in.post(ADD_URL, data), "participants", "0")


def test_absurd_participants_are_refused(logged_in, community, lecture_type, branch):
    data = form_data(
        type=lecture_type.pk,
        community=community.pk,
        party_organization=branch.pk,
        participants=MAX_PARTICIPANTS + 1,
    )
    refused(logged_in.post(ADD_URL, data), "participants", "not plausible")


def test_no_organiser_is_refused(logged_in, community, lecture_type):
    data = form_data(type=lecture_type.pk, community=community.pk)
    refused(logged_in.post(ADD_URL, data), "party_organization", "exactly one organiser")


def test_venue_of_another_community_is_refused(
    client, subdistrict_staff, community, lecture_type, branch, other_venue
):
    client.force_login(subdistrict_staff)
    data = form_data(
        type=lecture_type.pk, community=community.pk, party_organization=branch.pk, venue=other_venue.pk
    )
    refused(client.post(ADD_URL, data), "venue", "not in the activity's community")


def test_community_outside_the_unit_is_refused(logged_in, other_community, lecture_type, branch):
    data = form_data(type=lecture_type.pk, community=other_community.pk, party_organization=branch.pk)
    refused(logged_in.post(ADD_URL, data), "community", "not in your unit")


def test_programme_of_another_community_is_refused(
    client, subdistrict_staff, other_community, lecture_type, other_branch, programme
):
    client.force_login(subdistrict_staff)
    data = form_data(
        type=lecture_type.pk,
        community=other_community.pk,
        party_organization=other_branch.pk,
        programme=programme.pk,
    )
    refused(client.post(ADD_URL, data), "programme", "not run in the activity's community")


def test_lecturer_of_another_communitys_person_is_refused(
    client, subdistrict_staff, community, other_community
):
    from activities.models import Lecturer
    from communities.models import Person

    person = Person.objects.create(name="张三", community=other_community)
    client.force_login(subdistrict_staff)
    response = client.post(
        reverse("admin:activities_lecturer_add"),
        {
            "person": person.pk,
            "community": community.pk,
            "category": "model_worker",
            "topics": "",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "not registered in this community" in str(response.context["adminform"].form.errors)
    assert not Lecturer.objects.exists()
