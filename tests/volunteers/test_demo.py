"""The demo loader gives the articles' figures through the stats functions, and a second run changes nothing."""

import datetime
import io

import pytest
from django.db.models import Count

from communities import demo as communities_demo
from communities.models import City, Community, District, Subdistrict
from volunteers import demo, stats
from volunteers.models import CareCategory, CareRecipient, HomeVisit, Membership, VolunteerTeam

START, END = datetime.date(2016, 1, 1), datetime.date(2018, 12, 31)


def counts():
    return (
        VolunteerTeam.objects.count(),
        Membership.objects.count(),
        CareRecipient.objects.count(),
        HomeVisit.objects.count(),
        HomeVisit.volunteers.through.objects.count(),
    )


@pytest.fixture
def units(db):
    """The article's units as communities.demo names them (its own test covers the full tree)."""
    luoyang = City.objects.create(name="洛阳市")
    laocheng = District.objects.create(name="老城区", city=luoyang)
    xiguan = Subdistrict.objects.create(district=laocheng, name="西关办事处")
    for name in ("环西社区", "金业路社区", "唐宫东路社区", "环城西路社区", "龙城嘉园社区", "定鼎路社区"):
        Community.objects.create(subdistrict=xiguan, name=name)
    jianxi = District.objects.create(name="涧西区", city=luoyang)
    for s in range(3):
        sub = Subdistrict.objects.create(district=jianxi, name=f"第{s + 1}办事处")
        for c in range(5):
            Community.objects.create(subdistrict=sub, name=f"第{s + 1}-{c + 1}社区")
    return xiguan, jianxi


def test_the_demo_gives_xiguans_47_teams_319_party_members_and_1880_visits(units):
    xiguan, jianxi = units
    out = io.StringIO()
    demo.load(out)

    totals = stats.volunteer_totals(xiguan, START, END)
    assert totals["party_member_teams"] == totals["teams"] == 47
    assert totals["party_member_volunteers"] == totals["members"] == 319
    assert totals["visits"] == 1880
    assert totals["volunteer_person_times"] == 2 * 1880
    longcheng = Community.objects.get(name="龙城嘉园社区")
    assert set(VolunteerTeam.objects.filter(community=longcheng).values_list("name", flat=True)) == {
        "绿丝带环保志愿服务队",
        "蓝盾牌律师志愿服务队",
        "夕阳红文艺志愿服务队",
        "墨友缘书画志愿服务队",
        "致青春公益志愿服务队",
    }
    # Recipients of every care category were visited.
    visited = CareCategory.objects.filter(recipients__visits__isnull=False).aggregate(
        n=Count("pk", distinct=True)
    )
    assert visited["n"] == CareCategory.objects.count() == 4
    assert stats.volunteer_totals(jianxi, START, END)["teams"] == 365
    # Spread over every community of the district.
    assert (
        VolunteerTeam.objects.filter(community__subdistrict__district=jianxi)
        .values("community")
        .distinct()
        .count()
        == 15
    )
    assert "1880 home visits" in out.getvalue()


def test_every_demo_visit_keeps_the_rules(units):
    demo.load(io.StringIO())
    assert not HomeVisit.objects.filter(visited_on__gt=END).exists()
    assert not HomeVisit.objects.filter(visited_on__lt=START).exists()
    # Every volunteer on a visit is a member of the visiting team.
    through = HomeVisit.volunteers.through.objects
    outside = through.exclude(person__volunteer_memberships__team=models_f("homevisit__team"))
    assert not outside.exists()


def models_f(path):
    from django.db.models import F

    return F(path)


def test_a_second_run_creates_nothing(units):
    demo.load(io.StringIO())
    first = counts()
    demo.load(io.StringIO())
    assert counts() == first


def test_the_demo_runs_on_the_communities_demo_units(db):
    communities_demo.load(io.StringIO())
    demo.load(io.StringIO())
    xiguan = Subdistrict.objects.get(name="西关办事处")
    totals = stats.volunteer_totals(xiguan, START, END)
    assert (totals["party_member_teams"], totals["party_member_volunteers"], totals["visits"]) == (
        47,
        319,
        1880,
    )
    assert stats.volunteer_totals(District.objects.get(name="涧西区"), START, END)["teams"] == 365
    # Recipients live in a courtyard of their own community, as the due list prints it.
    recipients = CareRecipient.objects.filter(community__subdistrict=xiguan).select_related("courtyard__grid")
    assert recipients and all(r.courtyard.grid.community_id == r.community_id and r.room for r in recipients)


def test_without_the_units_the_demo_says_so(db):
    out = io.StringIO()
    demo.load(out)
    assert "not found" in out.getvalue()
    assert counts() == (0, 0, 0, 0, 0)
