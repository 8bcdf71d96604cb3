"""The sub-units' ranking with 同比 and 环比 on the dashboard (and in its XLSX): the figures per sub-unit,
the change against the same days last year and the period just before, a score, a place, and the rules."""

import datetime

from activities.models import Activity, ActivityType
from communities.models import PartyOrganization
from registers.periods import previous_period, same_period_last_year
from reports.ranking import ranking_table

from .conftest import at, fill
from .test_dashboard import page

D = datetime.date


def test_the_period_compared_with():
    assert same_period_last_year(D(2020, 1, 1), D(2020, 2, 29)) == (D(2019, 1, 1), D(2019, 2, 28))
    assert previous_period(D(2018, 4, 1), D(2018, 6, 30)) == (D(2018, 1, 1), D(2018, 3, 31))
    assert previous_period(D(2018, 3, 1), D(2018, 3, 31)) == (D(2018, 2, 1), D(2018, 2, 28))
    assert previous_period(D(2018, 1, 1), D(2018, 12, 31)) == (D(2017, 1, 1), D(2017, 12, 31))
    assert previous_period(D(2018, 5, 11), D(2018, 5, 20)) == (D(2018, 5, 1), D(2018, 5, 10))


def add_activities(community, year, month, count, participants=10):
    service = ActivityType.objects.get(kind=ActivityType.Kind.VOLUNTEER_SERVICE, subdistrict=None)
    branch = PartyOrganization.objects.filter(community=community).first()
    Activity.objects.bulk_create(
        [
            Activity(title=f"{year}-{month}-{i}", type=service, community=community, party_organization=branch,
                     start=at(year, month, 3), end=at(year, month, 3, 11), participants=participants)
            for i in range(count)
        ]
    )  # fmt: skip


def test_ranking_with_changes_on_last_year_and_the_quarter_before(subdistrict, community, other_community):
    fill(community, 1)
    fill(other_community, 1)
    community.population, other_community.population = 4000, 1000
    community.save(update_fields=["population"])
    other_community.save(update_fields=["population"])
    add_activities(community, 2018, 5, 8)  # Q2 2018: 8
    add_activities(community, 2017, 5, 4)  # Q2 2017: 4 → 同比 +100 %
    add_activities(community, 2018, 2, 16)  # Q1 2018: 16 → 环比 −50 %
    add_activities(other_community, 2018, 6, 4)  # Q2 2018: 4, but for 1,000 residents
    table = ranking_table(subdistrict, D(2018, 4, 1), D(2018, 6, 30))
    rows = {row["unit"]: row for row in table.rows}
    huanxi, jinye = rows["环西社区"], rows["金业路社区"]
    assert (huanxi["activities"], huanxi["activities_yoy"], huanxi["activities_mom"]) == (8, 100.0, -50.0)
    assert huanxi["activities_rate"] == 2.0 and jinye["activities_rate"] == 4.0
    assert jinye["activities_yoy"] is None, "nothing to compare with: no change shown"
    assert jinye["place"] == 1 and huanxi["place"] == 2, "per resident, the smaller community did more"


def test_the_page_shows_the_ranking_and_its_rules(client, subdistrict_staff, community, other_community):
    fill(community, 2)
    fill(other_community, 1)
    content = page(client, subdistrict_staff).content.decode()
    assert 'data-table="ranking"' in content and "排名规则" in content
    assert "同比" in content and "环比" in content


def test_a_community_has_no_ranking(client, staff, community):
    fill(community, 1)
    content = page(client, staff).content.decode()
    assert 'data-table="ranking"' not in content
