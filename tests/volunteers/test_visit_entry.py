"""Entering a home visit: choosing the recipient fills in their fixed arrangements (team, volunteers, usual
services, the length of the last visit) from a scoped endpoint; the same recipient visited twice the same day
by the same team asks before it is saved."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import Person
from volunteers.models import HomeVisit, Membership, Service, ServiceRecord

from .conftest import add_visit, admin_url
from .test_visits import visit_form

pytestmark = pytest.mark.django_db

ARRANGEMENTS = reverse("admin:volunteers_homevisit_arrangements")
DAY = "2018-03-10"


def arrangements(client, recipient_id):
    return client.get(ARRANGEMENTS, {"recipient": recipient_id})


# ---- the arrangements a recipient's visit starts from ------------------------------------------------------


def test_the_recipient_s_team_volunteers_services_and_last_length_are_answered(
    client, staff, recipient, team, volunteer
):
    add_visit(recipient, team, [volunteer], datetime.date(2018, 1, 5), minutes=45)
    client.force_login(staff)
    response = arrangements(client, recipient.pk)
    assert response.status_code == 200
    assert response.json() == {
        "team": {"id": team.pk, "text": "环西社区党员志愿服务队"},
        "volunteers": [{"id": volunteer.pk, "text": "王建军（环西社区，尾号1111）"}],
        "services": [Service.objects.get(code="cleaning").pk],
        "minutes": 45,
    }


def test_a_recipient_never_visited_has_no_usual_length(client, staff, recipient):
    client.force_login(staff)
    assert arrangements(client, recipient.pk).json()["minutes"] is None


def test_an_outsider_gets_404_for_a_recipient_of_another_unit(client, outsider, recipient):
    client.force_login(outsider)
    assert arrangements(client, recipient.pk).status_code == 404


def test_staff_get_404_for_their_neighbour_s_recipient_and_for_nonsense(client, staff, other_recipient):
    client.force_login(staff)
    assert arrangements(client, other_recipient.pk).status_code == 404
    assert arrangements(client, "abc").status_code == 404
    assert arrangements(client, "").status_code == 404
    assert arrangements(client, 999999).status_code == 404


def test_a_supervisor_who_cannot_enter_visits_is_refused(client, supervisor, recipient):
    client.force_login(supervisor)
    assert arrangements(client, recipient.pk).status_code == 403


def test_subdistrict_staff_may_enter_visits_for_their_communities(client, subdistrict_staff, recipient):
    client.force_login(subdistrict_staff)
    assert arrangements(client, recipient.pk).status_code == 200


def test_the_endpoint_costs_the_same_queries_for_many_volunteers(client, staff, recipient, team, community):
    client.force_login(staff)
    arrangements(client, recipient.pk)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert arrangements(client, recipient.pk).status_code == 200
        return len(queries)

    few = count()
    for i in range(15):
        person = Person.objects.create(name=f"队员{i}", community=community, phone=f"1390000{i:04d}")
        Membership.objects.create(team=team, person=person)
        recipient.assigned_volunteers.add(person)
    assert count() == few


def test_the_add_form_is_dated_today_and_knows_where_to_ask(client, staff):
    client.force_login(staff)
    response = client.get(admin_url(HomeVisit, "add"))
    form = response.context["adminform"].form
    assert form.initial["visited_on"] == timezone.localdate()
    text = response.content.decode()
    assert f'data-arrangements-url="{ARRANGEMENTS}"' in text
    assert "volunteers/home_visit.js" in text
    assert 'name="save_anyway"' in text and 'type="hidden" name="save_anyway"' in text


# ---- the same visit twice ---------------------------------------------------------------------------


def test_a_second_visit_the_same_day_by_the_same_team_asks_first_and_saves_nothing(
    client, staff, recipient, team, volunteer
):
    client.force_login(staff)
    assert (
        client.post(admin_url(HomeVisit, "add"), visit_form(recipient, team, [volunteer], DAY)).status_code
        == 302
    )
    response = client.post(admin_url(HomeVisit, "add"), visit_form(recipient, team, [volunteer], DAY))
    assert response.status_code == 200
    text = response.content.decode()
    assert "环西社区党员志愿服务队已在 2018-03-10 登记过对陈秀兰的上门服务" in text
    assert 'type="checkbox" name="save_anyway"' in text
    assert HomeVisit.objects.count() == 1


def test_ticking_save_anyway_records_the_second_visit_and_its_service_records(
    client, staff, recipient, team, volunteer
):
    client.force_login(staff)
    client.post(admin_url(HomeVisit, "add"), visit_form(recipient, team, [volunteer], DAY))
    response = client.post(
        admin_url(HomeVisit, "add"), visit_form(recipient, team, [volunteer], DAY, save_anyway="on")
    )
    assert response.status_code == 302
    assert HomeVisit.objects.filter(recipient=recipient, visited_on=DAY).count() == 2
    # save_related keeps the volunteers' service records in step, one per visit and volunteer.
    assert ServiceRecord.objects.filter(volunteer=volunteer, home_visit__isnull=False).count() == 2


def test_another_day_or_editing_the_visit_itself_does_not_ask(client, staff, recipient, team, volunteer):
    client.force_login(staff)
    client.post(admin_url(HomeVisit, "add"), visit_form(recipient, team, [volunteer], DAY))
    visit = HomeVisit.objects.get()
    response = client.post(
        admin_url(HomeVisit, "add"), visit_form(recipient, team, [volunteer], "2018-03-11")
    )
    assert response.status_code == 302
    response = client.post(
        admin_url(HomeVisit, "change", visit.pk), visit_form(recipient, team, [volunteer], DAY, minutes=90)
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.minutes == 90


def test_moving_a_visit_onto_a_day_already_recorded_asks(client, staff, recipient, team, volunteer):
    first = add_visit(recipient, team, [volunteer], datetime.date(2018, 3, 10))
    second = add_visit(recipient, team, [volunteer], datetime.date(2018, 3, 11))
    client.force_login(staff)
    response = client.post(
        admin_url(HomeVisit, "change", second.pk), visit_form(recipient, team, [volunteer], DAY)
    )
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.visited_on == datetime.date(2018, 3, 11) and first.visited_on == datetime.date(2018, 3, 10)


def test_the_due_list_links_each_recipient_to_a_visit_form_for_those_who_enter_visits(
    client, staff, supervisor, recipient, community
):
    add = admin_url(HomeVisit, "add") + f"?recipient={recipient.pk}"
    params = {"unit": f"community:{community.pk}", "month": "2018-03"}
    client.force_login(staff)
    assert add in client.get(reverse("volunteers:due"), params).content.decode()
    form = client.get(add).context["adminform"].form
    assert form.initial["recipient"] == str(recipient.pk)
    client.force_login(supervisor)
    assert add not in client.get(reverse("volunteers:due"), params).content.decode()
