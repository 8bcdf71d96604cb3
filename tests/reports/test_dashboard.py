"""The dashboard page through the test client: who sees what, the filters, the figures and their links."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from activities.models import Activity
from communities.models import Community

from .conftest import PERIOD, fill

URL = reverse("reports:dashboard")


def figure(content: str, key: str, table: str = "totals", column: int = -1):
    """The number in row ``key`` of table ``table`` (its data-value), from the page's HTML."""
    section = re.search(rf'<table data-table="{table}">(.*?)</table>', content, re.S)
    assert section, f"no table {table}"
    row = re.search(rf'<tr data-row="{re.escape(key)}">(.*?)</tr>', section[1], re.S)
    assert row, f"no row {key} in {table}"
    values = re.findall(r'data-value="([^"]*)"', row[1])
    return values[column]


def page(client, user, **params):
    client.force_login(user)
    return client.get(URL, {**PERIOD, **params})


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_community_staff_see_their_community_by_default(client, staff, records, community):
    response = page(client, staff)
    assert response.status_code == 200
    content = response.content.decode()
    assert f"{community.name}" in content
    assert figure(content, "activities") == "2"
    assert figure(content, "visits") == "2"
    assert figure(content, "party_member_teams") == "1"
    assert figure(content, "receptions") == "2"
    assert figure(content, "visitors") == "10"


def test_community_staff_cannot_open_the_neighbour_or_their_subdistrict(
    client, staff, records, other_community
):
    for unit in (f"community:{other_community.pk}", f"subdistrict:{other_community.subdistrict_id}"):
        response = page(client, staff, unit=unit)
        assert response.status_code == 400
        content = response.content.decode()
        assert "环西社区" in content  # the message names the account's own unit
        assert "data-table" not in content  # no figures at all
        assert "金业路社区" not in content  # nor the other unit's name


def test_outsider_unit_id_gets_a_clear_refusal(client, subdistrict_staff, records, far_community):
    response = page(client, subdistrict_staff, unit=f"community:{far_community.pk}")
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="report-errors"' in content
    assert "上海市场社区" not in content
    assert "data-table" not in content


@pytest.mark.parametrize(
    "params",
    [
        {"unit": "community:999999"},
        {"unit": "street:1"},
        {"unit": "subdistrict:abc"},
        {"start": "2017-13-01"},
        {"end": "31/12/2017"},
        {"start": "2018-01-01", "end": "2017-01-01"},
        {"year": "20x7"},
        {"quarter": "2017-Q5"},
        {"month": "2017-13"},
        {"since": "yesterday"},
        {"start": "1900-01-01"},
        {"format": "odt"},
    ],
)
def test_bad_filters_give_a_message_not_a_500(client, subdistrict_staff, records, params):
    response = page(client, subdistrict_staff, **params)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="report-errors"' in content
    assert "data-table" not in content


def test_period_shortcuts(client, subdistrict_staff, records):
    client.force_login(subdistrict_staff)
    year = client.get(URL, {"year": "2017"}).content.decode()
    assert figure(year, "activities") == "5"
    assert 'id="report-period"' in year and "2017-01-01" in year and "2017-12-31" in year
    first_quarter = client.get(URL, {"quarter": "2017-Q1"}).content.decode()
    # 环西: January and February; 金业路: January to March.
    assert figure(first_quarter, "activities") == "5"
    january = client.get(URL, {"month": "2017-01"}).content.decode()
    assert figure(january, "activities") == "2"
    since = client.get(URL, {"since": "2017-02-01"}).content.decode()
    assert figure(since, "activities") == "3"
    range_ = client.get(URL, {"start": "2017-03-01", "end": "2017-03-31"}).content.decode()
    assert figure(range_, "activities") == "1"


def test_subdistrict_breakdown_by_community_and_by_month(client, subdistrict_staff, records, community):
    content = page(client, subdistrict_staff).content.decode()
    assert figure(content, "communities") == "2"
    assert figure(content, "activities") == "5"
    assert figure(content, "participants") == "50"
    # Breakdown: a row per community; columns are the figures with a per-sub-unit count (no "communities" below a district).
    assert figure(content, f"community:{community.pk}", "breakdown", 0) == "1"  # grids
    assert figure(content, "2017-01", "months", 0) == "2"
    assert figure(content, "2017-03", "months", 0) == "1"
    assert figure(content, "2017-12", "months", 0) == "0"


def test_district_supervisor_sees_the_district_without_the_far_district(
    client, supervisor, records, subdistrict
):
    content = page(client, supervisor).content.decode()
    assert figure(content, "subdistricts") == "1"
    assert figure(content, "activities") == "5"  # 上海市场社区's 4 are in another district
    assert figure(content, f"subdistrict:{subdistrict.pk}", "breakdown", 0) == "2"  # communities
    narrowed = page(client, supervisor, unit=f"subdistrict:{subdistrict.pk}").content.decode()
    assert figure(narrowed, "activities") == "5"


def test_committee_make_up(client, subdistrict_staff, records):
    content = page(client, subdistrict_staff, start="2018-01-01", end="2018-12-31").content.decode()
    assert figure(content, "committee_term") == "2018"
    assert figure(content, "committee_members") == "5"
    assert figure(content, "secretary", "committee") == "2"
    assert figure(content, "residents_committee_member", "committee") == "3"
    # People 0..4 born 1970-01-15 + i (i < 3 in each community): on 2018-05-20 aged 48, 47 (and 46).
    # 环西: 48, 47; 金业路: 48, 47, 46 → average 47.2
    assert figure(content, "committee_average_age") == "47.2"
    # Odd-numbered people hold a bachelor's degree: 1 of 2 in 环西, 1 of 3 in 金业路.
    assert figure(content, "committee_college") == "2"
    assert figure(content, "committee_college_share") == "40.0"


def test_a_term_elected_outside_the_period_is_not_shown(client, subdistrict_staff, records):
    content = page(client, subdistrict_staff).content.decode()
    assert 'data-row="committee_term"' not in content
    assert figure(content, "committee_members") == "0"


def test_account_without_a_unit_is_refused(client, db):
    user = User.objects.create_user("nobody", password="pw-for-tests-only", is_staff=True)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 403
    assert "unit" in response.content.decode() or "单位" in response.content.decode()


def test_numbers_link_to_admin_lists_that_count_the_same(client, subdistrict_staff, records):
    content = page(client, subdistrict_staff).content.decode()
    links = sorted(set(re.findall(r'<a href="(/admin/[^"]+)"', content)))
    assert len(links) > 20
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        assert "?e=1" not in response.get("Location", "")
    # The activities link lists the 5 activities of the subdistrict in the period, not the far ones.
    activities_link = re.search(r'<tr data-row="activities">.*?<a href="([^"]+)"', content, re.S)[1]
    listed = client.get(activities_link.replace("&amp;", "&"))
    assert listed.context["cl"].queryset.count() == 5


def test_supervisor_can_read_but_not_change(client, supervisor, records):
    content = page(client, supervisor).content.decode()
    link = re.search(r'<tr data-row="activities">.*?<a href="([^"]+)"', content, re.S)[1]
    assert client.get(link.replace("&amp;", "&")).status_code == 200
    activity = Activity.objects.filter(
        community__subdistrict__district=supervisor.staff_profile.district
    ).first()
    change = reverse("admin:activities_activity_change", args=[activity.pk])
    response = client.post(change, {"title": "changed"})
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.title != "changed"


@pytest.mark.parametrize("n", [1, 6])
def test_fixed_number_of_queries(
    client, subdistrict_staff, community, other_community, n, django_assert_max_num_queries
):
    fill(community, n)
    fill(other_community, n)
    client.force_login(subdistrict_staff)
    client.get(URL, PERIOD)  # sessions, permissions and the like warmed up
    with django_assert_max_num_queries(60):
        response = client.get(URL, PERIOD)
    assert response.status_code == 200
    assert figure(response.content.decode(), "activities") == str(2 * n)


def test_query_count_does_not_grow_with_the_data(client, subdistrict_staff, community, other_community):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(subdistrict_staff)
    counts = []
    for n in (1, 8):
        fill(community, n, tag=f"{n}环西")
        fill(other_community, n, tag=f"{n}金业")
        Community.objects.create(subdistrict=community.subdistrict, name=f"新社区{n}")
        client.get(URL, PERIOD)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, PERIOD).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_charts_data_and_scripts_are_served_from_the_project(client, subdistrict_staff, records):
    content = page(client, subdistrict_staff).content.decode()
    assert '<script id="report-chart-data" type="application/json">' in content
    assert "/static/vendor/echarts/echarts.min.js" in content
    assert "/static/reports/dashboard.js" in content
    # No inline script: every <script> either has a src or is JSON data.
    for tag in re.findall(r"<script[^>]*>", content):
        assert "src=" in tag or 'type="application/json"' in tag
    assert "cdn" not in content.lower()


def test_bulletin_in_the_articles_style(client, subdistrict_staff, records):
    content = page(client, subdistrict_staff, start="2017-01-01", end="2017-12-31").content.decode()
    text = re.search(r'<p id="bulletin-text">(.*?)</p>', content, re.S)[1]
    assert text.startswith(
        "2017年1月1日至2017年12月31日，西关办事处共组建党员志愿服务队2支，2名党员开展上门服务5人次"
    )
    assert text.endswith("。")
    assert 'id="copy-bulletin"' in content


def test_bulletin_up_to_today_says_so(client, subdistrict_staff, records):
    content = page(client, subdistrict_staff, start="2016-01-01", end="").content.decode()
    text = re.search(r'<p id="bulletin-text">(.*?)</p>', content, re.S)[1]
    assert text.startswith("截至目前，西关办事处共组建党员志愿服务队2支")


def test_english_page_and_bulletin(client, subdistrict_staff, records):
    client.cookies["django_language"] = "en"
    content = page(client, subdistrict_staff).content.decode()
    assert "home visits (person-times served)" in content
    text = re.search(r'<p id="bulletin-text">(.*?)</p>', content, re.S)[1]
    assert "西关办事处 has formed 2 Party-member volunteer teams" in text


def test_the_page_offers_year_quarter_month_and_since_forms(client, subdistrict_staff, records, subdistrict):
    content = page(client, subdistrict_staff).content.decode()
    for name in ("year", "quarter", "month", "since"):
        assert f'name="{name}"' in content
    assert f'<input type="hidden" name="unit" value="subdistrict:{subdistrict.pk}">' in content


def test_bulletin_counts_all_teams_when_some_are_not_party_member_teams(
    client, subdistrict_staff, records, community
):
    from volunteers.models import VolunteerTeam

    VolunteerTeam.objects.create(
        name="环西社区文艺志愿服务队", community=community, is_party_member_team=False
    )
    content = page(client, subdistrict_staff, start="2017-01-01", end="2017-12-31").content.decode()
    text = re.search(r'<p id="bulletin-text">(.*?)</p>', content, re.S)[1]
    assert "西关办事处共组建志愿服务队3支（其中党员志愿服务队2支）" in text
