"""Recording home visits in the admin: the recipient leaves the due list; the three refusals."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import NO_ATTACHMENTS
from volunteers.models import CareRecipient, HomeVisit, Service
from volunteers.services import record_visit

from .conftest import add_visit, admin_url, sign_in

MARCH = "2018-03"


def visit_form(recipient, team, volunteers, visited_on, **extra):
    return {
        "recipient": recipient.pk,
        "team": team.pk,
        "volunteers": [v.pk for v in volunteers],
        "visited_on": visited_on,
        "services": [s.pk for s in Service.objects.filter(code__in=["cleaning", "conversation"])],
        "other_services": "",
        "minutes": "45",
        "notes": "",
        **NO_ATTACHMENTS,
        **extra,
    }


def due_page(client, unit, month=MARCH):
    return client.get(
        reverse("volunteers:due"), {"unit": f"{unit._meta.model_name}:{unit.pk}", "month": month}
    )


def due_names(client, unit, month=MARCH) -> list[str]:
    response = due_page(client, unit, month)
    assert response.status_code == 200
    return [row["recipient"].person.name for row in response.context["rows"]]


def listed_names(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [recipient.person.name for recipient in response.context["cl"].result_list]


def test_a_visit_recorded_in_the_admin_takes_the_recipient_off_the_due_list(
    client, staff, recipient, team, volunteer, community
):
    add_visit(recipient, team, [volunteer], datetime.date(2018, 2, 6))
    sign_in(client, staff)
    assert due_names(client, community) == ["陈秀兰"]

    response = client.post(
        admin_url(HomeVisit, "add"), visit_form(recipient, team, [volunteer], "2018-03-10")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    visit = HomeVisit.objects.get(visited_on=datetime.date(2018, 3, 10))
    assert visit.community == community  # taken from the recipient
    assert list(visit.volunteers.all()) == [volunteer]
    assert due_names(client, community) == []
    # Visited in March, so due again in April.
    assert due_names(client, community, "2018-04") == ["陈秀兰"]


def test_the_admin_due_filter_shows_who_is_due_this_month(client, staff, recipient, team, volunteer):
    sign_in(client, staff)
    url = admin_url(CareRecipient) + "?due=this_month"
    assert listed_names(client, url) == ["陈秀兰"]

    today = timezone.localdate().isoformat()
    response = client.post(admin_url(HomeVisit, "add"), visit_form(recipient, team, [volunteer], today))
    assert response.status_code == 302

    assert listed_names(client, url) == []
    assert listed_names(client, admin_url(CareRecipient)) == ["陈秀兰"]


def test_a_visit_in_the_future_is_refused(client, staff, recipient, team, volunteer):
    sign_in(client, staff)
    client.cookies["django_language"] = "en"
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(admin_url(HomeVisit, "add"), visit_form(recipient, team, [volunteer], tomorrow))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["visited_on"] == [
        "A visit cannot be recorded for a day in the future."
    ]
    assert not HomeVisit.objects.exists()


def test_a_visit_by_someone_not_in_the_team_is_refused(client, staff, recipient, team, volunteer, non_member):
    sign_in(client, staff)
    client.cookies["django_language"] = "en"
    response = client.post(
        admin_url(HomeVisit, "add"), visit_form(recipient, team, [volunteer, non_member], "2018-03-10")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["volunteers"]
    assert errors == ["Not a member of 环西社区党员志愿服务队 on 2018-03-10: 赵小明."]
    assert not HomeVisit.objects.exists()


def test_a_volunteer_who_joined_after_the_visit_was_not_yet_in_the_team(
    client, staff, recipient, team, second_volunteer
):
    sign_in(client, staff)
    response = client.post(
        admin_url(HomeVisit, "add"), visit_form(recipient, team, [second_volunteer], "2016-02-10")
    )
    assert response.status_code == 200
    assert "刘红梅" in str(response.context["adminform"].form.errors["volunteers"])
    assert not HomeVisit.objects.exists()


def test_a_visit_to_an_inactive_recipient_is_refused(client, staff, recipient, team, volunteer):
    CareRecipient.objects.filter(pk=recipient.pk).update(active=False, inactive_reason="deceased")
    sign_in(client, staff)
    client.cookies["django_language"] = "en"
    response = client.post(
        admin_url(HomeVisit, "add"), visit_form(recipient, team, [volunteer], "2018-03-10")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["recipient"] == [
        "陈秀兰 is no longer visited (deceased): a visit cannot be recorded."
    ]
    assert not HomeVisit.objects.exists()


def test_a_visit_needs_a_volunteer_and_sane_minutes(client, staff, recipient, team, volunteer):
    sign_in(client, staff)
    response = client.post(
        admin_url(HomeVisit, "add"), visit_form(recipient, team, [], "2018-03-10", minutes="2000")
    )
    errors = response.context["adminform"].form.errors
    assert "volunteers" in errors and "minutes" in errors or "__all__" in errors
    assert not HomeVisit.objects.exists()


def test_the_service_refuses_the_same_three_cases(recipient, team, volunteer, non_member):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        record_visit(recipient=recipient, team=team, volunteers=[non_member], visited_on=tomorrow, minutes=30)
    assert set(error.value.message_dict) == {"visited_on", "volunteers"}
    recipient.active, recipient.inactive_reason = False, "moved_away"
    recipient.save()
    with pytest.raises(ValidationError) as error:
        record_visit(
            recipient=recipient,
            team=team,
            volunteers=[volunteer],
            visited_on=datetime.date(2018, 1, 2),
            minutes=30,
        )
    assert "recipient" in error.value.message_dict
    assert not HomeVisit.objects.exists()


def test_the_service_records_a_good_visit(recipient, team, volunteer, community):
    visit = record_visit(
        recipient=recipient,
        team=team,
        volunteers=[volunteer],
        visited_on=datetime.date(2018, 1, 2),
        minutes=30,
        services=list(Service.objects.filter(code="haircut")),
        other_services="修剪指甲",
    )
    assert visit.community == community
    assert [s.code for s in visit.services.all()] == ["haircut"]


def test_an_inactive_recipient_needs_a_reason_and_leaves_the_due_list(client, staff, recipient, community):
    sign_in(client, staff)
    url = admin_url(CareRecipient, "change", recipient.pk)
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(active="", inactive_reason="")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "inactive_reason" in response.context["adminform"].form.errors
    data["inactive_reason"] = "moved_away"
    response = client.post(url, data)
    assert response.status_code == 302
    assert due_names(client, community) == []


def test_assigned_volunteers_must_be_in_the_assigned_team(client, staff, recipient, non_member):
    sign_in(client, staff)
    url = admin_url(CareRecipient, "change", recipient.pk)
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in ((n, form[n].value()) for n in form.fields)}
    data["assigned_volunteers"] = [non_member.pk]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "赵小明" in str(response.context["adminform"].form.errors["assigned_volunteers"])


def test_an_old_visit_of_a_recipient_no_longer_visited_can_still_be_corrected(
    client, staff, recipient, team, volunteer
):
    visit = add_visit(recipient, team, [volunteer], datetime.date(2018, 2, 6), minutes=30)
    CareRecipient.objects.filter(pk=recipient.pk).update(active=False, inactive_reason="deceased")
    sign_in(client, staff)
    response = client.post(
        admin_url(HomeVisit, "change", visit.pk),
        visit_form(recipient, team, [volunteer], "2018-02-06", minutes="50"),
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.minutes == 50
