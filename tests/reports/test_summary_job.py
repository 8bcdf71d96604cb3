"""The summaries' refresh as a background job: scheduled every minute, run by a real Celery worker."""

import datetime

import pytest
from django.conf import settings

from reports.models import CommunityMonth, SummaryMark
from reports.tasks import refresh_summaries
from tests.jobs import wait_for
from volunteers.models import HomeVisit

from .conftest import fill

pytestmark = pytest.mark.django_db(transaction=True)


def test_beat_refreshes_the_summaries_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-summaries"]
    assert entry["task"] == refresh_summaries.name
    assert entry["schedule"].minute == set(range(60))


def test_the_worker_writes_the_marked_summaries(job_worker, community):
    fill(community, 3)
    HomeVisit.objects.filter(community=community).update(visited_on=datetime.date(2018, 2, 2))
    assert SummaryMark.objects.exists()
    refresh_summaries.delay()
    wait_for(lambda: not SummaryMark.objects.exists(), timeout=120, what="the summaries' refresh")
    row = CommunityMonth.objects.get(community=community, month=datetime.date(2018, 2, 1))
    assert row.visits == 3
    assert b"reports.refresh_summaries" in job_worker.read_bytes()  # the worker ran it, not this process
