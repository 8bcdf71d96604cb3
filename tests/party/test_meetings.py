"""Branch meetings (三会一课 …): recorded in the admin with attendance, the overdue list at month, quarter and
year boundaries, the counts in the reports."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import PartyOrganization, Person
from party import stats
from party.models import BranchMeeting, MeetingKind, MeetingRequirement
from tests.conftest import NO_ATTACHMENTS
from tests.volunteers.conftest import sign_in


@pytest.fixture
def branch(community):
    return PartyOrganization.objects.create(
        name="环西社区第一党支部", kind="branch", subdistrict=community.subdistrict, community=community
    )


@pytest.fixture
def member(community, branch):
    return Person.objects.create(
        name="刘建国", community=community, is_party_member=True, party_branch=branch
    )


def held(branch, kind, day):
    return BranchMeeting.objects.create(branch=branch, kind=kind, held_on=day, topic="学习")


def missing(unit, day, until=None):
    return {
        row["branch"].name: [kind for kind, _period in row["missing"]]
        for row in stats.overdue(unit, day, until=until)
    }


def hold_everything(branch, day):
    for kind in MeetingKind.values:
        held(branch, kind, day)


def test_a_branch_that_held_everything_is_not_listed(community, branch):
    hold_everything(branch, datetime.date(2018, 3, 15))
    assert missing(community, datetime.date(2018, 3, 1)) == {}


def test_the_month_boundary(community, branch):
    hold_everything(branch, datetime.date(2018, 3, 31))
    # April: the monthly meetings are due again; the quarterly and yearly ones are in another quarter / the year.
    april = missing(community, datetime.date(2018, 4, 1))["环西社区第一党支部"]
    assert set(april) == {"支部委员会会议", "党小组会", "主题党日",
                          "支部党员大会", "党课"}  # fmt: skip


def test_the_quarter_boundary(community, branch):
    hold_everything(branch, datetime.date(2018, 6, 30))
    for kind in (MeetingKind.COMMITTEE, MeetingKind.GROUP, MeetingKind.THEMED_DAY):
        held(branch, kind, datetime.date(2018, 7, 2))
    july = missing(community, datetime.date(2018, 7, 1))["环西社区第一党支部"]
    assert set(july) == {"支部党员大会", "党课"}
    held(branch, MeetingKind.MEMBERS, datetime.date(2018, 9, 30))
    held(branch, MeetingKind.LECTURE, datetime.date(2018, 8, 1))
    assert "环西社区第一党支部" not in missing(community, datetime.date(2018, 7, 1))


def test_the_year_boundary_and_an_edited_frequency(community, branch):
    hold_everything(branch, datetime.date(2018, 12, 31))
    january = missing(community, datetime.date(2019, 1, 1))["环西社区第一党支部"]
    assert {"组织生活会", "民主评议党员"} <= set(january)
    MeetingRequirement.objects.filter(kind=MeetingKind.LECTURE).update(period="month")
    hold_everything(branch, datetime.date(2019, 1, 10))
    assert "党课" in missing(community, datetime.date(2019, 2, 1))["环西社区第一党支部"]


def test_the_page_prints_the_list_in_chinese_with_a_fixed_number_of_queries(client, staff, community, branch):
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    url = reverse("party:overdue") + f"?unit=community:{community.pk}&month=2018-03"
    page = client.get(url).content.decode()
    assert "环西社区第一党支部" in page and "支部党员大会（每季度）" in page
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(20):
        other = PartyOrganization.objects.create(
            name=f"第{i}党支部", kind="branch", subdistrict=community.subdistrict, community=community
        )
        held(other, MeetingKind.THEMED_DAY, datetime.date(2018, 3, 1))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_attendance_of_someone_outside_the_branch_and_a_future_date_are_refused(
    client, staff, community, branch, member
):
    outsider = Person.objects.create(name="王外人", community=community, is_party_member=True)
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    data = {
        "branch": branch.pk, "kind": "themed_day", "held_on": "2018-03-05", "topic": "学习党章",
        "attendees": [member.pk, outsider.pk], "minutes": "",
        "absences-TOTAL_FORMS": "0", "absences-INITIAL_FORMS": "0", **NO_ATTACHMENTS,
    }  # fmt: skip
    response = client.post(reverse("admin:party_branchmeeting_add"), data)
    assert "不是环西社区第一党支部的党员：王外人" in response.content.decode()
    response = client.post(
        reverse("admin:party_branchmeeting_add"), {**data, "attendees": [member.pk], "held_on": "2999-01-01"}
    )
    assert "此日期晚于今天" in response.content.decode()
    assert not BranchMeeting.objects.exists()
    response = client.post(reverse("admin:party_branchmeeting_add"), {**data, "attendees": [member.pk]})
    assert response.status_code == 302
    assert list(BranchMeeting.objects.get().attendees.all()) == [member]


def test_an_outsider_sees_no_meeting_and_no_branch(client, outsider, branch):
    meeting = held(branch, MeetingKind.THEMED_DAY, datetime.date(2018, 3, 5))
    sign_in(client, outsider)
    assert client.get(reverse("admin:party_branchmeeting_change", args=[meeting.pk])).status_code == 404
    page = client.get(reverse("party:overdue")).content.decode()
    assert "环西社区第一党支部" not in page


def test_the_reports_count_the_meetings(subdistrict, community, branch):
    held(branch, MeetingKind.THEMED_DAY, datetime.date(2018, 3, 5))
    held(branch, MeetingKind.LECTURE, datetime.date(2018, 3, 6))
    held(branch, MeetingKind.LECTURE, datetime.date(2019, 3, 6))
    year = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
    assert stats.meeting_totals(subdistrict, *year) == {
        "branch_meetings": 2,
        "themed_party_days": 1,
        "party_lectures": 1,
    }
    rows = {row["name"]: row for row in stats.meeting_totals_by_subunit(subdistrict, *year)}
    assert rows[community.name]["branch_meetings"] == 2


def test_the_meeting_list_links_to_the_overdue_list(client, staff, branch):
    sign_in(client, staff)
    page = client.get(reverse("admin:party_branchmeeting_changelist")).content.decode()
    assert reverse("party:overdue") in page


@pytest.mark.django_db
def test_the_demo_has_a_year_of_meetings_and_some_overdue_in_december_2018():
    import io

    from django.core.management import call_command

    from communities.models import Subdistrict

    call_command("load_demo", stdout=io.StringIO())
    xiguan = Subdistrict.objects.get(name="西关办事处")
    rows = stats.overdue(xiguan, datetime.date(2018, 12, 1))
    assert 0 < len(rows) < stats.branches(xiguan).count()
    assert (
        stats.meeting_totals(xiguan, datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))[
            "branch_meetings"
        ]
        > 500
    )
    before = BranchMeeting.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert BranchMeeting.objects.count() == before
