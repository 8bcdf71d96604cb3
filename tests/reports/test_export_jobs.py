"""The activity log of a large unit and period is written by a worker (registers.exports): the dashboard's
download link sends the account to the job's page; the file is the same as the streamed one, and it is
offered only while its unit is still the account's."""

import pytest
from django.urls import reverse

from communities.models import Community
from registers.models import Job
from tests.jobs import download, export_ready, workbook_rows

from .conftest import PERIOD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.EXPORT_JOB_THRESHOLD_ROWS = 3


def test_an_account_moved_out_of_the_unit_cannot_download_its_report(
    job_worker, client, subdistrict_staff, records
):
    client.force_login(subdistrict_staff)
    response = client.get(reverse("reports:dashboard"), {**PERIOD, "format": "xlsx", "table": "activities"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/progress/")
    job = export_ready(job)
    rows = workbook_rows(download(client, job)[1])
    assert rows[0][0] == "西关办事处 · 2017-01-01 – 2017-12-31 · 活动台账"
    assert len(rows) == 2 + 5 and job.total_rows == 5
    assert {row[3] for row in rows[2:]} == {"环西社区", "金业路社区"}

    profile = subdistrict_staff.staff_profile
    profile.subdistrict = None
    profile.community = Community.objects.get(name="金业路社区")
    profile.save()
    response, body = download(client, job)
    assert response.status_code == 410 and "不在您的单位范围内" in body.decode()


def test_a_report_csv_export_as_a_job(job_worker, client, subdistrict_staff, records):
    client.force_login(subdistrict_staff)
    client.get(reverse("reports:dashboard"), {**PERIOD, "format": "csv", "table": "activities"})
    job = export_ready(Job.objects.get())
    body = download(client, job)[1].decode("utf-8-sig")
    assert job.file_name == "西关办事处_2017年_活动台账.csv"
    assert len(body.splitlines()) == 2 + 5 and job.total_rows == 5
    response = download(client, job)[0]
    assert "filename*=utf-8''%E8%A5%BF%E5%85%B3" in response["Content-Disposition"]  # 西关…, for any browser
