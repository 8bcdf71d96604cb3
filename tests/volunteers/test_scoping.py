"""The outsider (金业路社区's staff) sees nothing of 环西社区: lists, change pages, exports, the staff pages."""

import datetime

import pytest
from django.urls import reverse

from volunteers.models import CareRecipient, HomeVisit, VolunteerTeam
from volunteers.resources import CareRecipientResource, HomeVisitResource, VolunteerTeamResource

from .conftest import add_visit, admin_url, export, exported_rows, sign_in


@pytest.fixture
def visit(recipient, team, volunteer):
    return add_visit(recipient, team, [volunteer], datetime.date(2018, 2, 6))


@pytest.fixture
def other_visit(other_recipient, other_team, other_community):
    from communities.models import Person
    from volunteers.models import Membership

    person = Person.objects.create(name="金业志愿者", community=other_community, is_party_member=True)
    Membership.objects.create(team=other_team, person=person)
    return add_visit(other_recipient, other_team, [person], datetime.date(2018, 2, 7))


def test_the_outsider_lists_none_of_huanxis_records(client, outsider, visit, other_visit):
    sign_in(client, outsider)
    for model, theirs, mine in (
        (CareRecipient, "陈秀兰", "孙桂芝"),
        (HomeVisit, "陈秀兰", "孙桂芝"),
        (VolunteerTeam, "环西社区党员志愿服务队", "金业路党员志愿服务队"),
    ):
        page = client.get(admin_url(model)).content.decode()
        assert theirs not in page, model
        assert mine in page, model


def test_the_outsider_gets_404_for_huanxis_change_pages(client, outsider, visit):
    sign_in(client, outsider)
    for obj in (visit.recipient, visit, visit.team):
        assert client.get(admin_url(type(obj), "change", obj.pk)).status_code == 404


def test_the_outsider_exports_none_of_huanxis_records(client, outsider, visit, other_visit):
    sign_in(client, outsider)
    for model, resource in (
        (CareRecipient, CareRecipientResource),
        (HomeVisit, HomeVisitResource),
        (VolunteerTeam, VolunteerTeamResource),
    ):
        text = str(exported_rows(export(client, model, resource)))
        assert "陈秀兰" not in text and "环西" not in text, model
    assert "孙桂芝" in str(exported_rows(export(client, CareRecipient, CareRecipientResource)))


def test_the_outsider_gets_404_for_huanxis_due_page(client, outsider, community, visit):
    sign_in(client, outsider)
    response = client.get(
        reverse("volunteers:due"), {"unit": f"community:{community.pk}", "month": "2018-03"}
    )
    assert response.status_code == 404
    response = client.get(reverse("volunteers:service_records"), {"unit": f"community:{community.pk}"})
    assert response.status_code == 404


def test_the_outsiders_own_due_page_lists_only_their_recipients(client, outsider, visit, other_visit):
    sign_in(client, outsider)
    page = client.get(reverse("volunteers:due"), {"month": "2018-03"}).content.decode()
    assert "孙桂芝" in page
    assert "陈秀兰" not in page


def test_community_staff_cannot_widen_the_due_page_to_their_subdistrict(client, staff, subdistrict):
    sign_in(client, staff)
    response = client.get(reverse("volunteers:due"), {"unit": f"subdistrict:{subdistrict.pk}"})
    assert response.status_code == 404


def test_subdistrict_staff_see_both_communities_on_the_due_page(
    client, subdistrict_staff, visit, other_visit, subdistrict
):
    sign_in(client, subdistrict_staff)
    page = client.get(reverse("volunteers:due"), {"month": "2018-03"}).content.decode()
    assert "孙桂芝" in page and "陈秀兰" in page


def test_a_unit_that_does_not_exist_is_404(client, staff):
    sign_in(client, staff)
    assert client.get(reverse("volunteers:due"), {"unit": "community:999999"}).status_code == 404
    assert client.get(reverse("volunteers:due"), {"unit": "planet:1"}).status_code == 404


def test_the_pages_need_a_login(client, community):
    response = client.get(reverse("volunteers:due"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_outsider_cannot_pick_huanxis_people_or_teams_in_the_visit_form(client, outsider, visit):
    sign_in(client, outsider)
    form = client.get(admin_url(HomeVisit, "add")).context["adminform"].form
    assert visit.team not in form.fields["team"].queryset
    assert visit.recipient not in form.fields["recipient"].queryset
    assert not form.fields["volunteers"].queryset.filter(pk__in=visit.volunteers.all()).exists()


def test_the_outsider_autocomplete_finds_none_of_huanxis_recipients(client, outsider, visit):
    sign_in(client, outsider)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "陈", "app_label": "volunteers", "model_name": "homevisit", "field_name": "recipient"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_supervisor_reads_but_cannot_add(client, supervisor, visit):
    sign_in(client, supervisor)
    assert "陈秀兰" in client.get(admin_url(CareRecipient)).content.decode()
    assert client.get(admin_url(HomeVisit, "add")).status_code == 403


def test_a_superuser_without_a_unit_starts_from_the_top_of_the_tree(client, superuser, district, visit):
    sign_in(client, superuser)
    response = client.get(reverse("volunteers:due"), {"month": "2018-03"})
    assert response.status_code == 200
    assert response.context["unit"] == district.city  # the city above the district
    assert "陈秀兰" in response.content.decode()
