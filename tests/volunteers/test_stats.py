"""volunteers.stats on a small, hand-counted fixture: two teams in two communities of 西关, four visits."""

import datetime

import pytest

from communities.models import Person
from volunteers import stats
from volunteers.models import Membership

from .conftest import add_visit, make_recipient

YEAR = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))


@pytest.fixture
def figures(
    community,
    other_community,
    far_community,
    team,
    volunteer,
    second_volunteer,
    recipient,
    other_team,
    other_recipient,
):
    """环西: 王建军, 刘红梅 (Party) and 李群 (not) in one team; 金业路: 孙党员 in another; 涧西: one team, no visits.

    Visits in 2018: 环西 Feb 6 (王, 刘; 60 min), Mar 10 (王; 30 min); 金业路 Feb 7 (孙; 60 min).
    One 环西 visit in 2017 (outside the period), and a team founded in 2019 (after it).
    """
    from volunteers.models import VolunteerTeam

    non_party = Person.objects.create(name="李群", community=community, is_party_member=False)
    Membership.objects.create(team=team, person=non_party)
    sun = Person.objects.create(name="孙党员", community=other_community, is_party_member=True)
    Membership.objects.create(team=other_team, person=sun)
    VolunteerTeam.objects.create(name="涧西志愿服务队", community=far_community)
    VolunteerTeam.objects.create(name="新队", community=community, founded_on=datetime.date(2019, 3, 1))
    add_visit(recipient, team, [volunteer, second_volunteer], datetime.date(2018, 2, 6), minutes=60)
    add_visit(recipient, team, [volunteer], datetime.date(2018, 3, 10), minutes=30)
    add_visit(other_recipient, other_team, [sun], datetime.date(2018, 2, 7), minutes=60)
    add_visit(recipient, team, [volunteer, non_party], datetime.date(2017, 12, 30), minutes=90)


def test_totals_for_the_subdistrict(subdistrict, figures):
    assert stats.volunteer_totals(subdistrict, *YEAR) == {
        "teams": 2,
        "party_member_teams": 2,
        "members": 4,
        "party_member_members": 3,
        "visits": 3,
        "recipients_visited": 2,
        "visit_hours": 2.5,
        "volunteer_person_times": 4,
        "volunteers": 3,
        "party_member_volunteers": 3,
        "volunteer_hours": 3.5,
        "backfilled_hours": 0.0,
    }


def test_totals_for_a_community_and_a_district(community, district, figures):
    mine = stats.volunteer_totals(community, *YEAR)
    assert (mine["teams"], mine["members"], mine["visits"], mine["volunteer_person_times"]) == (1, 3, 2, 3)
    assert mine["volunteer_hours"] == 2.5
    whole = stats.volunteer_totals(district, *YEAR)
    assert whole["visits"] == 3 and whole["teams"] == 2  # 涧西's team is in another district


def test_the_period_bounds_are_included(community, figures):
    day = datetime.date(2017, 12, 30)
    assert stats.volunteer_totals(community, day, day)["visits"] == 1
    assert stats.volunteer_totals(community, day, day)["party_member_volunteers"] == 1  # 李群 is not a member


def test_breakdown_by_community(subdistrict, community, other_community, figures):
    rows = stats.volunteer_totals_by_subunit(subdistrict, *YEAR)
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {"环西社区", "金业路社区"}
    assert by_name["环西社区"]["visits"] == 2 and by_name["环西社区"]["volunteer_person_times"] == 3
    assert by_name["金业路社区"]["visits"] == 1 and by_name["金业路社区"]["members"] == 1
    assert sum(row["visits"] for row in rows) == stats.volunteer_totals(subdistrict, *YEAR)["visits"]


def test_breakdown_by_subdistrict_lists_every_subdistrict(district, subdistrict, figures):
    rows = stats.volunteer_totals_by_subunit(district, *YEAR)
    assert [(row["id"], row["name"], row["visits"]) for row in rows] == [
        (subdistrict.pk, subdistrict.name, 3)
    ]


def test_breakdown_by_month_has_every_month(subdistrict, figures):
    rows = stats.volunteer_totals_by_month(subdistrict, *YEAR)
    assert [row["month"].month for row in rows] == list(range(1, 13))
    assert [row["visits"] for row in rows][:4] == [0, 2, 1, 0]
    assert rows[1]["volunteer_person_times"] == 3 and rows[1]["volunteer_hours"] == 3.0


def test_service_records_per_volunteer_and_per_team(subdistrict, team, figures):
    volunteers = {row["name"]: row for row in stats.service_records_by_volunteer(subdistrict, *YEAR)}
    assert volunteers["王建军"]["services"] == 2 and volunteers["王建军"]["minutes"] == 90
    assert volunteers["刘红梅"]["services"] == 1
    assert "李群" not in volunteers  # his only visit was in 2017
    teams = {row["name"]: row for row in stats.service_records_by_team(subdistrict, *YEAR)}
    assert teams[team.name]["visits"] == 2
    assert teams[team.name]["volunteer_person_times"] == 3
    assert teams[team.name]["volunteer_hours"] == 2.5
    assert teams[team.name]["visit_hours"] == 1.5


def test_due_count_and_list(community, figures):
    march, april = datetime.date(2018, 3, 1), datetime.date(2018, 4, 1)
    assert stats.due_count(community, march) == 0  # visited on March 10
    assert stats.due_count(community, april) == 1
    row = stats.due_visits(community, april).get()
    assert row.last_visit_on == datetime.date(2018, 3, 10)
    assert row.days_since_last_visit == 51  # to April 30


def test_frequencies_in_months_and_days(community, team, volunteer):
    every_two_months = make_recipient(community, "两月一次", phone="13500000001", frequency=2)
    fortnightly = make_recipient(
        community, "两周一次", phone="13500000002", frequency=14, frequency_unit="days"
    )
    never = make_recipient(community, "从未上门", phone="13500000003")
    add_visit(every_two_months, team, [volunteer], datetime.date(2018, 2, 20))
    add_visit(fortnightly, team, [volunteer], datetime.date(2018, 3, 20))
    due = lambda month: set(  # noqa: E731
        stats.due_visits(community, month).values_list("person__name", flat=True)
    )
    # Fortnightly, visited March 20: within 14 days of March 31, not due; due again in April.
    # Every two months, visited in February: not due in March, due in April.
    assert due(datetime.date(2018, 3, 1)) == {"从未上门"}
    assert due(datetime.date(2018, 4, 1)) == {"从未上门", "两周一次", "两月一次"}
    # Registered after the month: not due in it.
    never.since = datetime.date(2018, 5, 1)
    never.save()
    assert "从未上门" not in due(datetime.date(2018, 3, 1))
