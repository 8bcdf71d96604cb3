"""An export above EXPORT_JOB_THRESHOLD_ROWS is written by a real Celery worker: the page sends the account to
the job's page, which offers the file once written; only that account downloads it, while the file is within
its unit, until the link expires (then the file is deleted)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Grid
from communities.resources import GridResource
from registers.models import Job
from registers.tasks import purge_expired_exports
from tests.communities.helpers import EXPORT_CSV, EXPORT_XLSX, admin_url, export, exported_rows, login
from tests.conftest import make_staff
from tests.jobs import download, export_ready, wait_for, workbook_rows

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.EXPORT_JOB_THRESHOLD_ROWS = 3


@pytest.fixture
def grids(community, other_community):
    Grid.objects.bulk_create([Grid(community=community, name=f"网格{i}") for i in range(5)])
    Grid.objects.bulk_create([Grid(community=other_community, name=f"金业路网格{i}") for i in range(4)])


@pytest.mark.parametrize("file_format", [EXPORT_XLSX, EXPORT_CSV])
def test_a_large_register_export_is_written_by_the_worker(job_worker, client, staff, grids, file_format):
    login(client, staff)
    response = export(client, Grid, GridResource, file_format)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:registers_job_progress", args=[job.pk])
    assert (job.kind, job.user, job.total_rows) == (Job.Kind.EXPORT, staff, 5)
    job = export_ready(job)
    page = client.get(response["Location"]).content.decode()
    assert "下载" in page and reverse("admin:registers_job_download", args=[job.pk]) in page
    assert job.expires_at - timezone.now() > datetime.timedelta(hours=23)

    response, body = download(client, job)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    fake = type("Response", (), {"content": body, "__getitem__": lambda self, key: response[key]})()
    rows = exported_rows(fake)
    assert sorted(row[rows[0].index("名称")] for row in rows[1:]) == [f"网格{i}" for i in range(5)]


def test_the_list_filters_go_with_the_export(job_worker, client, subdistrict_staff, grids, community):
    login(client, subdistrict_staff)
    prefix = GridResource.__name__.lower()
    data = {"format": EXPORT_XLSX, "resource": "0"}
    data.update({f"{prefix}_{name}": "on" for name in GridResource().get_export_order()})
    client.post(admin_url(Grid, "export") + f"?community__id__exact={community.pk}", data)
    job = export_ready(Job.objects.get())
    rows = workbook_rows(download(client, job)[1])
    assert len(rows) == 1 + 5  # 环西社区's grids only, as the list showed


def test_only_the_account_that_asked_downloads_the_file(
    job_worker, client, staff, outsider, grids, superuser
):
    login(client, staff)
    export(client, Grid, GridResource, EXPORT_XLSX)
    job = export_ready(Job.objects.get())
    for other in (outsider, superuser, make_staff("huanxi-2", job.user.staff_profile.unit)):
        client.force_login(other)
        assert download(client, job)[0].status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("admin:registers_job_progress", args=[job.pk])).status_code == 404


def test_an_expired_link_is_refused_and_its_file_deleted(job_worker, client, staff, grids):
    login(client, staff)
    export(client, Grid, GridResource, EXPORT_XLSX)
    job = export_ready(Job.objects.get())
    path = job.file.path
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response, body = download(client, job)
    assert response.status_code == 410
    assert "下载链接已过期" in body.decode()
    assert purge_expired_exports() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.EXPIRED and not job.file
    import os

    assert not os.path.exists(path)
    assert "已过期" in client.get(reverse("admin:registers_job_progress", args=[job.pk])).content.decode()


def test_a_small_export_is_still_answered_at_once(client, staff, grids, settings):
    settings.EXPORT_JOB_THRESHOLD_ROWS = 10
    login(client, staff)
    response = export(client, Grid, GridResource, EXPORT_CSV)
    assert response.status_code == 200 and not Job.objects.exists()
    assert len(exported_rows(response)) == 1 + 5


def test_a_redelivered_export_fails_cleanly(job_worker, client, staff, grids):
    from registers.tasks import export_file

    login(client, staff)
    export(client, Grid, GridResource, EXPORT_XLSX)
    job = export_ready(Job.objects.get())
    Job.objects.filter(pk=job.pk).update(status=Job.Status.EXPORTING, file="")
    export_file.delay(job.pk)  # as the broker gives back the job of a worker that died
    wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.FAILED, what="the redelivered job")
    job.refresh_from_db()
    assert "没有生成文件" in job.error
    assert download(client, job)[0].status_code == 404
