"""The retention purge as a background job: scheduled daily, run by a real Celery worker."""

import pytest
from django.conf import settings

from audit.tasks import purge_personal_data
from registers.personal_data import ERASED
from tests.audit.test_personal_data import care_lists, old_and_new, team, volunteer  # noqa: F401  (fixtures)
from tests.jobs import wait_for
from venues.models import Booking
from volunteers.models import HomeVisit

pytestmark = pytest.mark.django_db(transaction=True)


def test_beat_runs_the_retention_purge_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-personal-data"]
    assert entry["task"] == purge_personal_data.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {15})


def test_the_purge_runs_in_a_worker_and_anonymises_only_what_is_past_retention(job_worker, old_and_new):  # noqa: F811
    old_booking, _old_record, old_visit = old_and_new["old"]
    new_booking, _new_record, new_visit = old_and_new["new"]
    purge_personal_data.delay()
    wait_for(
        lambda: Booking.objects.get(pk=old_booking.pk).contact_name == ERASED, what="the retention purge"
    )
    wait_for(lambda: HomeVisit.objects.get(pk=old_visit.pk).notes == "", what="the retention purge")
    assert Booking.objects.get(pk=new_booking.pk).contact_name == new_booking.contact_name
    assert HomeVisit.objects.get(pk=new_visit.pk).notes == "血压偏高，已提醒服药"
    assert b"audit.purge_personal_data" in job_worker.read_bytes()  # the worker ran it, not this process
