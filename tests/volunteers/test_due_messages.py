"""On the first of the month each team leader gets one SMS: how many of the team's care recipients are due a
home visit, with the link to the list (no names in the SMS)."""

import datetime

from django.utils import timezone

from communities.models import Person
from messaging.models import Message
from volunteers.messages import queue_due_lists

from .conftest import make_recipient


def test_each_leader_gets_the_count_of_the_teams_due_visits_once_a_month(
    community, team, other_team, recipient, other_recipient
):
    team.leader = Person.objects.create(name="王队长", community=community, phone="13611112222")
    team.save()
    make_recipient(community, "李桂英", team=team)  # a second one of the team, never visited
    first = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate().replace(day=1), datetime.time(8))
    )
    assert queue_due_lists(now=first) == 1  # 金业路's team has no leader: no message
    assert queue_due_lists(now=first) == 0  # run twice: once
    message = Message.objects.get(kind="due_visits")
    assert message.recipient == "13611112222" and message.community == community
    assert message.params["count"] == 2
    assert "本月有2位服务对象需要上门走访" in message.text
    assert f"/volunteers/due/?unit=community:{community.pk}&month={first:%Y-%m}" in message.text
    assert "陈秀兰" not in message.text
