"""A sheet above the job threshold is checked and imported by a real Celery worker: the upload answers with
the job's page at once, the check is all-or-nothing, the account confirms, only its account sees the job."""

import pytest
from django.conf import settings
from django.urls import reverse

from communities.models import Grid
from registers.models import Job
from registers.tasks import import_sheet
from tests.communities.helpers import CSV, XLSX, csv_bytes, login, upload, xlsx_bytes
from tests.jobs import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = [["community", "name"]] + [["环西社区", f"网格{i}"] for i in range(10)]


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.IMPORT_JOB_THRESHOLD_ROWS = 5


def status_of(job):
    return Job.objects.get(pk=job.pk).status


def page(client, job):
    return client.get(reverse("admin:registers_job_progress", args=[job.pk])).content.decode()


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_a_large_sheet_is_checked_then_imported_by_the_worker(job_worker, en, staff, community, file_format):
    login(en, staff)
    content = csv_bytes(ROWS) if file_format == CSV else xlsx_bytes(ROWS)
    response = upload(en, Grid, content, "grids." + ("csv" if file_format == CSV else "xlsx"), file_format)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:registers_job_progress", args=[job.pk])
    assert (job.user, job.file_name, job.total_rows) == (staff, job.file_name, 10)
    wait_for(lambda: status_of(job) == Job.Status.CHECKED, what="the check")
    assert not Grid.objects.exists()  # the check writes nothing
    text = page(en, job)
    assert "Confirm import" in text and "网格0" in text and "new：10" in text

    en.post(reverse("admin:registers_job_confirm", args=[job.pk]))
    wait_for(lambda: status_of(job) == Job.Status.DONE, what="the import")
    assert sorted(Grid.objects.values_list("name", flat=True)) == sorted(f"网格{i}" for i in range(10))
    job.refresh_from_db()
    assert not job.file  # the sheet is not kept once the job has ended
    assert "Imported" in page(en, job)
    jobs_list = en.get(reverse("admin:registers_job_changelist")).content.decode()
    assert reverse("admin:registers_job_progress", args=[job.pk]) in jobs_list and job.file_name in jobs_list


def test_bad_rows_are_listed_with_their_lines_and_nothing_is_saved(job_worker, en, staff, community):
    rows = [*ROWS[:6], ["没有这个社区", "网格X"], *ROWS[6:], ["环西社区", ""]]
    login(en, staff)
    upload(en, Grid, csv_bytes(rows))
    job = Job.objects.get()
    wait_for(lambda: status_of(job) == Job.Status.INVALID, what="the check")
    text = page(en, job)
    assert "2 rows cannot be imported" in text
    assert "<td>7</td>" in text and "没有这个社区" in text and "<td>13</td>" in text
    assert "Confirm import" not in text
    en.post(reverse("admin:registers_job_confirm", args=[job.pk]))
    assert status_of(job) == Job.Status.INVALID and not Grid.objects.exists()


def test_another_account_cannot_see_or_confirm_the_job(job_worker, en, staff, outsider, community):
    login(en, staff)
    upload(en, Grid, csv_bytes(ROWS))
    job = Job.objects.get()
    wait_for(lambda: status_of(job) == Job.Status.CHECKED, what="the check")
    login(en, outsider)
    for view in ("progress", "status", "confirm"):
        assert en.get(reverse(f"admin:registers_job_{view}", args=[job.pk])).status_code == 404
    assert en.post(reverse("admin:registers_job_confirm", args=[job.pk])).status_code == 404
    assert job.file_name not in en.get(reverse("admin:registers_job_changelist")).content.decode()
    assert status_of(job) == Job.Status.CHECKED


def test_a_small_sheet_is_still_imported_within_the_request(en, staff, community, settings):
    settings.IMPORT_JOB_THRESHOLD_ROWS = 100
    login(en, staff)
    response = upload(en, Grid, csv_bytes(ROWS))
    assert response.status_code == 200 and response.context.get("confirm_form") is not None
    assert not Job.objects.exists()


def test_a_job_given_back_after_its_worker_died_is_failed_and_says_so(job_worker, en, staff, community):
    """The broker hands a job back when its worker died part-way: its next run finds it still marked as
    running, and fails it (the dead worker's transaction wrote nothing)."""
    login(en, staff)
    upload(en, Grid, csv_bytes(ROWS))
    job = Job.objects.get()
    wait_for(lambda: status_of(job) == Job.Status.CHECKED, what="the check")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.IMPORTING, confirmed=True)
    import_sheet.delay(job.pk)
    wait_for(lambda: status_of(job) == Job.Status.FAILED, what="the redelivered job")
    assert "stopped part-way" in page(en, job) and not Grid.objects.exists()


def test_the_progress_page_writes_nothing_to_the_database(client, staff):
    """Its once-a-second requests must not wait for a running import's write lock (SQLite) nor write."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, staff)
    job = Job.objects.create(user=staff, register="communities.grid", file_name="grids.csv", total_rows=10)
    for view in ("admin:registers_job_status", "admin:registers_job_progress"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(view, args=[job.pk])).status_code == 200
        writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
        assert writes == []
