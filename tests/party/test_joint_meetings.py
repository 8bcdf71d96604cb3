"""Joint meetings (联席会议) with partner organisations: items by category, follow-up tasks, the overdue tasks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import PartnerOrganization
from party.models import AgendaItem, FollowUpTask, JointMeeting
from tests.conftest import NO_ATTACHMENTS
from tests.volunteers.conftest import sign_in


@pytest.fixture
def partner(subdistrict):
    return PartnerOrganization.objects.create(
        name="洛阳市某局机关党委", kind="public_institution", subdistrict=subdistrict
    )


def meeting_form(subdistrict, partner, **extra):
    return {
        "subdistrict": subdistrict.pk, "community": "", "held_on": "2018-05-10", "title": "第二季度联席会议",
        "partners": [partner.pk], "minutes": "",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0",
        "items-0-category": "do", "items-0-topic": "楼道照明改造", "items-0-decision": "共建单位出资",
        "tasks-TOTAL_FORMS": "1", "tasks-INITIAL_FORMS": "0",
        "tasks-0-task": "完成照明改造", "tasks-0-owner": partner.pk, "tasks-0-owner_name": "王建华",
        "tasks-0-deadline": "2018-06-30", "tasks-0-done_on": "", "tasks-0-outcome": "",
        **NO_ATTACHMENTS,
        **extra,
    }  # fmt: skip


def test_a_meeting_with_its_item_and_task_and_the_overdue_list(
    client, subdistrict_staff, subdistrict, partner
):
    sign_in(client, subdistrict_staff)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(reverse("admin:party_jointmeeting_add"), meeting_form(subdistrict, partner))
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = JointMeeting.objects.get()
    assert AgendaItem.objects.get(meeting=meeting).category == AgendaItem.Category.DO
    task = FollowUpTask.objects.get(meeting=meeting)
    overdue = client.get(reverse("admin:party_followuptask_changelist") + "?overdue=yes").content.decode()
    assert "完成照明改造" in overdue
    task.done_on = datetime.date(2018, 6, 28)
    task.save()
    overdue = client.get(reverse("admin:party_followuptask_changelist") + "?overdue=yes").content.decode()
    assert "完成照明改造" not in overdue


def test_a_meeting_in_the_future_is_refused(client, subdistrict_staff, subdistrict, partner):
    sign_in(client, subdistrict_staff)
    client.cookies["django_language"] = "zh-hans"
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("admin:party_jointmeeting_add"), meeting_form(subdistrict, partner, held_on=future)
    )
    assert "此日期晚于今天" in response.content.decode()
    assert not JointMeeting.objects.exists() and not FollowUpTask.objects.exists()


def test_another_subdistricts_staff_see_nothing(client, far_community, subdistrict, partner):
    from tests.conftest import make_staff

    meeting = JointMeeting.objects.create(
        subdistrict=subdistrict, held_on=datetime.date(2018, 5, 10), title="会议"
    )
    task = FollowUpTask.objects.create(
        meeting=meeting, task="任务", owner_name="王", deadline=datetime.date(2018, 6, 1)
    )
    other = make_staff("far", far_community.subdistrict, "subdistrict staff")
    sign_in(client, other)
    assert client.get(reverse("admin:party_jointmeeting_change", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("admin:party_followuptask_change", args=[task.pk])).status_code == 404


@pytest.mark.parametrize(
    ("deadline", "today", "overdue"),
    [
        (datetime.date(2018, 3, 31), datetime.date(2018, 3, 31), False),  # due today: not yet overdue
        (datetime.date(2018, 3, 31), datetime.date(2018, 4, 1), True),  # a month's and a quarter's boundary
        (datetime.date(2018, 12, 31), datetime.date(2019, 1, 1), True),  # a year's
    ],
)
def test_a_task_is_overdue_the_day_after_its_deadline(subdistrict, deadline, today, overdue):
    meeting = JointMeeting.objects.create(
        subdistrict=subdistrict, held_on=datetime.date(2018, 3, 1), title="会议"
    )
    task = FollowUpTask.objects.create(meeting=meeting, task="任务", owner_name="王", deadline=deadline)
    assert FollowUpTask.objects.overdue(today=today).filter(pk=task.pk).exists() is overdue
    FollowUpTask.objects.filter(pk=task.pk).update(done_on=deadline)
    assert not FollowUpTask.objects.overdue(today=today).exists()
