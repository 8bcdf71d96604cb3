"""The volunteer service records page: hours and visits per team and per volunteer, and its downloads."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from .conftest import add_visit, sign_in

PERIOD = {"start": "2018-01-01", "end": "2018-12-31"}


@pytest.fixture
def visits(recipient, team, volunteer, second_volunteer):
    add_visit(recipient, team, [volunteer, second_volunteer], datetime.date(2018, 2, 6), minutes=90)
    add_visit(recipient, team, [volunteer], datetime.date(2018, 3, 6), minutes=30)
    add_visit(recipient, team, [volunteer], datetime.date(2017, 3, 6), minutes=30)  # outside the period


def test_the_page_shows_each_team_and_volunteer_with_which_person_times(
    client, staff, community, visits, team
):
    sign_in(client, staff)
    client.cookies["django_language"] = "en"
    response = client.get(
        reverse("volunteers:service_records"), {"unit": f"community:{community.pk}", **PERIOD}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "visits (person-times served)" in page and "volunteer person-times" in page
    [team_row] = response.context["teams"]
    assert (team_row["name"], team_row["visits"], team_row["volunteer_person_times"]) == (team.name, 2, 3)
    assert team_row["volunteer_hours"] == 3.5  # 90 + 90 + 30 minutes
    volunteers = {
        row["name"]: (row["services"], row["hours"]) for row in response.context["page"].object_list
    }
    assert volunteers == {"王建军": (2, 2.0), "刘红梅": (1, 1.5)}
    assert response.context["totals"]["visits"] == 2


def test_the_xlsx_download_has_a_sheet_for_teams_and_one_for_volunteers(client, staff, community, visits):
    sign_in(client, staff)
    client.cookies["django_language"] = "en"
    response = client.get(
        reverse("volunteers:service_records"),
        {"unit": f"community:{community.pk}", "format": "xlsx", **PERIOD},
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    teams, volunteers = book.worksheets
    assert [c.value for c in teams[1]][2:5] == [
        "visits (person-times served)",
        "visit hours",
        "volunteer person-times",
    ]
    assert [c.value for c in teams[2]][2] == 2
    rows = [[c.value for c in row] for row in volunteers.iter_rows()]
    assert rows[0][:8] == [
        "volunteer",
        "national volunteer number",
        "community",
        "Party member",
        "volunteer person-times",
        "volunteer hours",
        "of which back-filled",
        "star level",
    ]
    assert rows[1][:3] == ["王建军", None, "环西社区"] and rows[1][4:] == [2, 2.0, 0, 0]


def test_the_csv_download_of_volunteers_escapes_formulas(client, staff, community, visits, volunteer):
    volunteer.name = "=HYPERLINK(1)"
    volunteer.save()
    sign_in(client, staff)
    response = client.get(
        reverse("volunteers:service_records"),
        {"unit": f"community:{community.pk}", "format": "csv", "table": "volunteers", **PERIOD},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_a_period_ending_before_it_starts_is_refused(client, staff, community, visits):
    sign_in(client, staff)
    client.cookies["django_language"] = "en"
    response = client.get(
        reverse("volunteers:service_records"),
        {"unit": f"community:{community.pk}", "start": "2018-12-31", "end": "2018-01-01"},
    )
    assert response.status_code == 200
    assert "The period&#x27;s start is after its end." in response.content.decode()


def test_the_due_page_is_printable(client, staff, community):
    sign_in(client, staff)
    response = client.get(reverse("volunteers:due"), {"month": "2018-03"})
    page = response.content.decode()
    assert "volunteers/print.css" in page
    assert "js/print.js" in page and "data-print" in page
    assert response.context["unit"] == community


def test_the_admin_lists_link_to_the_pages(client, staff):
    from volunteers.models import CareRecipient, HomeVisit

    from .conftest import admin_url

    sign_in(client, staff)
    assert reverse("volunteers:due") in client.get(admin_url(CareRecipient)).content.decode()
    assert reverse("volunteers:service_records") in client.get(admin_url(HomeVisit)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_large_download_is_written_by_a_worker(job_worker, client, staff, community, visits, settings):
    from registers.models import Job

    settings.EXPORT_JOB_THRESHOLD_ROWS = 1  # the two volunteers make it "large"
    sign_in(client, staff)
    response = client.get(
        reverse("volunteers:service_records"),
        {"unit": f"community:{community.pk}", "format": "xlsx", **PERIOD},
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/progress/")
    from tests.jobs import export_ready

    export_ready(job)
    response = client.get(reverse("admin:registers_job_download", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    volunteers = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
    assert sorted(row[0] for row in volunteers[1:]) == sorted(["王建军", "刘红梅"])
    assert Job.objects.get(pk=job.pk).total_rows == 2
