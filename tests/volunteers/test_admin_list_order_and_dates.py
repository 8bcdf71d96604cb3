"""The team list in its numbers' order (一队 … 十二队), team members and care recipients in pinyin order, and
the home-visit list's date filter: this month, last month, this quarter, last quarter, this year, last year
(at month, quarter and year boundaries, in local time) or typed days; a bad range says why in Chinese."""

import datetime
import random
import zoneinfo

import pytest

from communities.models import Person
from registers.date_range import DateRangeFilter
from volunteers.models import CareRecipient, HomeVisit, Membership, VolunteerTeam

from .conftest import add_visit, admin_url, make_recipient, sign_in

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TEAMS = [f"{n}队" for n in "一 二 三 四 五 六 七 八 九 十 十一 十二".split()]


def test_the_team_list_reads_first_to_twelfth(client, staff, community):
    names = list(TEAMS)
    random.Random(14).shuffle(names)
    VolunteerTeam.objects.bulk_create(VolunteerTeam(name=name, community=community) for name in names)
    sign_in(client, staff)
    response = client.get(admin_url(VolunteerTeam))
    assert [team.name for team in response.context["cl"].result_list] == TEAMS


def test_renaming_a_team_in_bulk_keeps_its_key_in_step(community):
    team = VolunteerTeam.objects.create(name="一队", community=community)
    team.name = "十二队"
    VolunteerTeam.objects.bulk_update([team], ["name"])
    assert VolunteerTeam.objects.get().sort_key == "0000120队"
    VolunteerTeam.objects.filter(pk=team.pk).update(name="三队")
    assert VolunteerTeam.objects.get().sort_key == "0000030队"


def test_team_members_and_care_recipients_are_listed_in_pinyin_order(client, staff, community, team):
    for name in ["王芳", "丁桂珍", "阿依古丽"]:
        Membership.objects.create(team=team, person=Person.objects.create(name=name, community=community))
        make_recipient(community, name + "家", phone="")
    assert [m.person.name for m in Membership.objects.filter(team=team)] == ["阿依古丽", "丁桂珍", "王芳"]
    sign_in(client, staff)
    response = client.get(admin_url(CareRecipient))
    assert [r.person.name for r in response.context["cl"].result_list] == ["阿依古丽家", "丁桂珍家", "王芳家"]


# ---- the date filter ---------------------------------------------------------------------------------

DAYS = [D(2017, 12, 31), D(2018, 1, 1), D(2018, 3, 31), D(2018, 4, 1), D(2018, 4, 30), D(2018, 5, 1)]
DAYS += [D(2018, 6, 30), D(2018, 7, 1), D(2018, 12, 31), D(2019, 1, 1)]


@pytest.fixture
def visits(recipient, team, volunteer):
    return [add_visit(recipient, team, [volunteer], day) for day in DAYS]


def at_local(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def date_filter(response):
    cl = response.context["cl"]
    return cl, next(spec for spec in cl.filter_specs if isinstance(spec, DateRangeFilter))


def shown_days(response):
    return [visit.visited_on for visit in reversed(response.context["cl"].result_list)]


def choose(client, label):
    """Open the visit list and follow the date filter's link named ``label``, as a user clicks it."""
    url = admin_url(HomeVisit)
    cl, spec = date_filter(client.get(url))
    choice = next(c for c in spec.choices(cl) if str(c["display"]) == label)
    response = client.get(url + choice["query_string"])
    assert response.status_code == 200
    cl, spec = date_filter(response)
    assert [str(c["display"]) for c in spec.choices(cl) if c["selected"]] == [label]
    return response


@pytest.mark.parametrize(
    ("now", "label", "expected"),
    [
        # 00:30 on 1 April in Shanghai is still 31 March in UTC: the periods are those of the local day.
        (at_local(D(2018, 4, 1), 0, 30), "本月", [D(2018, 4, 1), D(2018, 4, 30)]),
        (at_local(D(2018, 4, 1), 0, 30), "上月", [D(2018, 3, 31)]),
        (
            at_local(D(2018, 4, 1), 0, 30),
            "本季度",
            [D(2018, 4, 1), D(2018, 4, 30), D(2018, 5, 1), D(2018, 6, 30)],
        ),
        (at_local(D(2018, 4, 1), 0, 30), "上季度", [D(2018, 1, 1), D(2018, 3, 31)]),
        (
            at_local(D(2018, 6, 30), 23, 30),
            "本季度",
            [D(2018, 4, 1), D(2018, 4, 30), D(2018, 5, 1), D(2018, 6, 30)],
        ),
        (
            at_local(D(2018, 7, 1), 8),
            "上季度",
            [D(2018, 4, 1), D(2018, 4, 30), D(2018, 5, 1), D(2018, 6, 30)],
        ),
        (at_local(D(2018, 5, 1), 9), "上月", [D(2018, 4, 1), D(2018, 4, 30)]),
        (at_local(D(2018, 12, 31), 23, 59), "今年", DAYS[1:9]),
        (at_local(D(2019, 1, 1), 0, 5), "上月", [D(2018, 12, 31)]),
        (at_local(D(2019, 1, 1), 0, 5), "上季度", [D(2018, 12, 31)]),
        (at_local(D(2019, 1, 1), 0, 5), "去年", DAYS[1:9]),
        (at_local(D(2019, 1, 1), 0, 5), "今年", [D(2019, 1, 1)]),
    ],
)
def test_each_period_of_the_date_filter_lists_its_visits(
    client, staff, visits, monkeypatch, now, label, expected
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: now.astimezone(datetime.UTC))
    sign_in(client, staff)
    assert shown_days(choose(client, label)) == expected


def test_typed_days_list_the_visits_between_them_both_included(client, staff, visits):
    sign_in(client, staff)
    response = client.get(
        admin_url(HomeVisit), {"visited_on__gte": "2018-04-01", "visited_on__lte": "2018-06-30"}
    )
    assert shown_days(response) == [D(2018, 4, 1), D(2018, 4, 30), D(2018, 5, 1), D(2018, 6, 30)]
    _cl, spec = date_filter(response)
    assert (spec.typed["gte"], spec.typed["lte"]) == ("2018-04-01", "2018-06-30")  # kept in the form
    page = response.content.decode()
    assert 'type="date" name="visited_on__gte"' in page and 'value="2018-06-30"' in page


def test_the_typed_days_form_keeps_the_lists_other_filters(client, staff, visits, team):
    sign_in(client, staff)
    response = client.get(admin_url(HomeVisit), {"team__id__exact": team.pk, "q": "陈"})
    _cl, spec = date_filter(response)
    assert ("team__id__exact", str(team.pk)) in spec.hidden and ("q", "陈") in spec.hidden


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"visited_on__gte": "2018-07-01", "visited_on__lte": "2018-06-01"},
            "开始日期（2018-07-01）晚于结束日期（2018-06-01）",
        ),
        ({"visited_on__gte": "2018-13-01"}, "“2018-13-01”不是日期"),
        ({"visited_on__lte": "上个月"}, "“上个月”不是日期"),
        ({"visited_on__gte": "2018-06-01", "visited_on__lt": "junk"}, "“junk”不是日期"),
    ],
)
def test_a_bad_range_in_the_address_says_why_and_lists_everything(client, staff, visits, params, message):
    sign_in(client, staff)
    response = client.get(admin_url(HomeVisit), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "日期筛选未生效" in page and message in page
    assert len(response.context["cl"].result_list) == len(DAYS)


def test_the_date_filter_reads_in_chinese(client, staff, visits):
    sign_in(client, staff)
    page = client.get(admin_url(HomeVisit)).content.decode()
    for label in ["本月", "上月", "本季度", "上季度", "今年", "去年", "全部日期", "筛选"]:
        assert label in page


def test_an_outsider_choosing_a_period_sees_none_of_the_communitys_visits(client, outsider, visits):
    sign_in(client, outsider)
    response = client.get(
        admin_url(HomeVisit), {"visited_on__gte": "2017-01-01", "visited_on__lte": "2019-12-31"}
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
