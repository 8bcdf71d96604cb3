"""The home-visit list filters by team and community in search boxes (registers.autocomplete_filter), not in a
sidebar listing every team of the unit: the search box asks the admin's scoped autocomplete for choices, and
another unit's team is neither listed, nor named, nor filtered by."""

import datetime

import pytest
from django.urls import reverse

from volunteers.models import HomeVisit

from .conftest import add_visit, admin_url

pytestmark = pytest.mark.django_db

DAY = datetime.date(2018, 5, 10)


@pytest.fixture
def visits(recipient, team, volunteer, other_recipient, other_team):
    return add_visit(recipient, team, [volunteer], DAY), add_visit(other_recipient, other_team, [], DAY)


def listed_visits(response) -> set[int]:
    return {visit.pk for visit in response.context["cl"].result_list}


def test_the_team_filter_is_a_search_box_not_a_list_of_teams(
    client, subdistrict_staff, visits, team, other_team
):
    client.force_login(subdistrict_staff)
    text = client.get(admin_url(HomeVisit)).content.decode()
    assert 'name="team__id__exact"' in text and "admin-autocomplete" in text
    assert "registers/autocomplete_filter.js" in text and "select2" in text
    # Neither team is printed in the sidebar (the list's rows name their team, so look at the filter only).
    sidebar = text[text.index('id="changelist-filter"') :]
    assert team.name not in sidebar and other_team.name not in sidebar


def test_the_search_box_offers_only_the_accounts_own_teams(client, staff, visits, team, other_team):
    client.force_login(staff)
    answer = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "volunteers", "model_name": "homevisit", "field_name": "team", "term": "服务队"},
    ).json()
    assert [result["text"] for result in answer["results"]] == [str(team)]


def test_a_chosen_team_filters_the_list_and_its_name_shows_after_reload(
    client, subdistrict_staff, visits, team
):
    own, other = visits
    client.force_login(subdistrict_staff)
    response = client.get(admin_url(HomeVisit), {"team__id__exact": team.pk})
    assert listed_visits(response) == {own.pk}
    picker = response.content.decode()
    picker = picker[picker.index('id="filter_team__id__exact"') :]
    assert f'<option value="{team.pk}" selected>{team}</option>' in picker[: picker.index("</select>")]


def test_another_units_team_in_the_address_lists_nothing_and_is_not_named(client, staff, visits, other_team):
    client.force_login(staff)
    response = client.get(admin_url(HomeVisit), {"team__id__exact": other_team.pk})
    assert response.status_code == 200
    assert listed_visits(response) == set()
    assert other_team.name not in response.content.decode()


def test_the_filter_keeps_the_unit_and_date_filters(
    client, subdistrict_staff, visits, community, other_community, team
):
    own, _ = visits
    later = add_visit(own.recipient, team, [], DAY + datetime.timedelta(days=40))
    client.force_login(subdistrict_staff)
    query = {
        "unit": f"community:{community.pk}",
        "visited_on__gte": "2018-05-01",
        "visited_on__lte": "2018-05-31",
        "team__id__exact": team.pk,
    }
    response = client.get(admin_url(HomeVisit), query)
    assert listed_visits(response) == {own.pk}
    assert later.pk not in listed_visits(response)
    text = response.content.decode()
    # The search box's form carries the other filters, so choosing another team keeps them.
    form = text[text.index('class="autocomplete-filter"') :]
    form = form[: form.index("</form>")]
    for name in ("unit", "visited_on__gte", "visited_on__lte"):
        assert f'name="{name}"' in form
    assert 'type="hidden" name="team__id__exact"' not in form
    elsewhere = client.get(admin_url(HomeVisit), {**query, "unit": f"community:{other_community.pk}"})
    assert listed_visits(elsewhere) == set()


def test_the_venue_filter_keeps_its_short_parameter(client, staff, community):
    from tests.venues.conftest import make_venue
    from venues.models import Booking

    venue = make_venue(community, slug="hall")
    client.force_login(staff)
    response = client.get(reverse("admin:venues_booking_changelist"), {"venue": venue.pk})
    assert response.status_code == 200
    assert f'<option value="{venue.pk}" selected>' in response.content.decode()
    assert Booking.objects.count() == 0


def test_recipients_without_a_team_are_found_by_the_none_choice(client, staff, recipient, community):
    from volunteers.models import CareRecipient

    from .conftest import make_recipient

    alone = make_recipient(community, "周玉梅", phone="13700008888")
    client.force_login(staff)
    url = admin_url(CareRecipient)
    sidebar = client.get(url).content.decode()
    sidebar = sidebar[sidebar.index('id="changelist-filter"') :]
    assert "assigned_team__isnull=True" in sidebar and ">无</a>" in sidebar and ">全部</a>" in sidebar
    response = client.get(url, {"assigned_team__isnull": "True"})
    assert [r.pk for r in response.context["cl"].result_list] == [alone.pk]
    assert 'class="selected">\n    <a href="?assigned_team__isnull=True">无' in response.content.decode()
    assert {r.pk for r in client.get(url).context["cl"].result_list} == {recipient.pk, alone.pk}


def test_a_team_chosen_after_none_wins(client, staff, recipient, community, team):
    from volunteers.models import CareRecipient

    from .conftest import make_recipient

    make_recipient(community, "周玉梅", phone="13700008888")
    client.force_login(staff)
    url = admin_url(CareRecipient)
    text = client.get(url, {"assigned_team__isnull": "True"}).content.decode()
    form = text[text.index('<form method="get" class="autocomplete-filter">') :]
    assert 'name="assigned_team__isnull"' not in form[: form.index("</form>")]
    # What a browser that kept the old parameter would send: the chosen team counts.
    both = client.get(url, {"assigned_team__isnull": "True", "assigned_team__id__exact": team.pk})
    assert [r.pk for r in both.context["cl"].result_list] == [recipient.pk]
