"""An admin export that holds sensitive values in full (phones, for a personal-data officer) is one access-log
entry naming every exported record, written by the background job's worker (not one entry per record); only
the account that asked downloads the file; the export's queries do not grow with its rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog, pack_ids, unpack_ids
from communities.models import Person
from communities.resources import PersonResource
from registers.models import Job
from tests.communities.helpers import EXPORT_CSV, EXPORT_XLSX, export, login
from tests.conftest import make_staff
from tests.jobs import download, export_ready, workbook_rows


def people(community, n, start=0):
    return Person.objects.bulk_create(
        Person(name=f"居民{i}", phone=f"1380000{i:04d}", community=community) for i in range(start, start + n)
    )


@pytest.mark.django_db(transaction=True)
def test_a_background_export_is_one_access_log_entry_naming_its_records(
    job_worker, client, settings, sensitive_staff, community, other_community
):
    settings.EXPORT_JOB_THRESHOLD_ROWS = 3
    mine = people(community, 7)
    people(other_community, 2, start=100)
    login(client, sensitive_staff)
    response = export(client, Person, PersonResource, EXPORT_XLSX)
    job = Job.objects.get()
    assert response["Location"] == reverse("admin:registers_job_progress", args=[job.pk])
    job = export_ready(job)
    rows = workbook_rows(download(client, job)[1])
    assert len(rows) == 1 + 7 and "13800000006" in {str(cell) for row in rows for cell in row}
    (entry,) = AccessLog.objects.all()
    assert entry.user == sensitive_staff and entry.community == community
    assert (entry.fields, entry.records) == ("phone", 7)
    assert sorted(entry.record_pks()) == sorted(person.pk for person in mine)
    # The entry names the records by id: no name, no number.
    assert "居民" not in entry.object_repr + entry.record_ids and "1380000" not in entry.record_ids


@pytest.mark.django_db(transaction=True)
def test_staff_of_another_unit_cannot_download_the_export(
    job_worker, client, settings, sensitive_staff, community, outsider, subdistrict
):
    settings.EXPORT_JOB_THRESHOLD_ROWS = 3
    people(community, 5)
    login(client, sensitive_staff)
    export(client, Person, PersonResource, EXPORT_CSV)
    job = export_ready(Job.objects.get())
    for other in (outsider, make_staff("xiguan-2", subdistrict)):
        client.force_login(other)
        assert download(client, job)[0].status_code == 404
        assert client.get(reverse("admin:registers_job_progress", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_an_export_takes_as_many_queries_for_ten_times_the_rows(
    client, sensitive_staff, community, team_visits
):
    from tests.volunteers.conftest import EXPORT_CSV as VISITS_CSV
    from tests.volunteers.conftest import export as export_visits
    from volunteers.models import HomeVisit
    from volunteers.resources import HomeVisitResource

    add = team_visits
    login(client, sensitive_staff)
    add(4)
    export_visits(client, HomeVisit, HomeVisitResource, VISITS_CSV)  # sessions, content types … cached
    with CaptureQueriesContext(connection) as few:
        assert export_visits(client, HomeVisit, HomeVisitResource, VISITS_CSV).status_code == 200
    add(36)
    with CaptureQueriesContext(connection) as many:
        response = export_visits(client, HomeVisit, HomeVisitResource, VISITS_CSV)
    assert response.status_code == 200 and response.content.decode("utf-8-sig").count("\n") == 1 + 40
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    # …and each export is one access-log entry (the visits' notes are held in full).
    assert list(AccessLog.objects.values_list("records", flat=True).order_by("pk")) == [4, 4, 40]


@pytest.fixture
def team_visits(community):
    from tests.volunteers.conftest import add_visit, make_recipient
    from volunteers.models import CareCategory, Membership, Service, VolunteerTeam

    CareCategory.ensure_all()
    Service.ensure_all()
    team = VolunteerTeam.objects.create(name="服务队", community=community)
    volunteer = Person.objects.create(name="王建军", community=community)
    Membership.objects.create(team=team, person=volunteer)
    recipient = make_recipient(community, "陈秀兰")
    day = [datetime.date(2018, 1, 1)]

    def add(n):
        for _ in range(n):
            visit = add_visit(recipient, team, [volunteer], day[0])
            visit.services.set(Service.objects.all()[:2])
            day[0] += datetime.timedelta(days=1)

    return add


def test_ids_are_kept_as_ranges():
    assert pack_ids([9, 1, 2, 3, 7, 10, 3]) == "1-3,7,9-10"
    assert unpack_ids("1-3,7,9-10") == [1, 2, 3, 7, 9, 10]
    assert pack_ids([]) == "" and unpack_ids("") == []
