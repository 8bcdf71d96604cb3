"""A team of 环西社区 with two members, a recipient they visit, and the same in 金业路社区 for the outsider.

Helpers drive the admin's import and export pages the way a browser does.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.models import Person
from volunteers.models import CareCategory, CareRecipient, HomeVisit, Membership, Service, VolunteerTeam
from volunteers.services import sync_visit_records

CSV = "0"  # index in IMPORT_EXPORT_IMPORT_FORMATS
EXPORT_XLSX, EXPORT_CSV = "0", "1"  # indexes in IMPORT_EXPORT_EXPORT_FORMATS

PHONE, MASKED = "13812341234", "138****1234"
HEALTH_NOTE = "高血压，需按时服药"


@pytest.fixture(autouse=True)
def fixed_lists(db):
    # The data migration creates them; a flushed (transactional) test database may not have them.
    CareCategory.ensure_all()
    Service.ensure_all()


@pytest.fixture
def team(community):
    return VolunteerTeam.objects.create(
        name="环西社区党员志愿服务队",
        community=community,
        is_party_member_team=True,
        founded_on=datetime.date(2016, 1, 10),
    )


@pytest.fixture
def volunteer(community, team):
    person = Person.objects.create(
        name="王建军", community=community, is_party_member=True, phone="13900001111"
    )
    Membership.objects.create(team=team, person=person, role=Membership.Role.LEADER)
    return person


@pytest.fixture
def second_volunteer(community, team):
    person = Person.objects.create(name="刘红梅", community=community, is_party_member=True)
    Membership.objects.create(team=team, person=person, joined_on=datetime.date(2016, 3, 1))
    return person


@pytest.fixture
def non_member(community):
    return Person.objects.create(name="赵小明", community=community, is_party_member=True)


def make_recipient(community, name, phone=PHONE, team=None, categories=("disabled",), **fields):
    person = Person.objects.create(
        name=name, community=community, phone=phone, birth_date=datetime.date(1935, 5, 1)
    )
    recipient = CareRecipient.objects.create(
        person=person,
        community=community,
        assigned_team=team,
        since=datetime.date(2016, 1, 1),
        health_notes=HEALTH_NOTE,
        **fields,
    )
    recipient.categories.set(CareCategory.objects.filter(code__in=categories))
    return recipient


@pytest.fixture
def recipient(community, team, volunteer):
    recipient = make_recipient(
        community, "陈秀兰", team=team, categories=("disabled", "aged_80_plus"), usual_day=5
    )
    recipient.assigned_volunteers.set([volunteer])
    recipient.usual_services.set(Service.objects.filter(code="cleaning"))
    return recipient


@pytest.fixture
def other_team(other_community):
    return VolunteerTeam.objects.create(
        name="金业路党员志愿服务队", community=other_community, is_party_member_team=True
    )


@pytest.fixture
def other_recipient(other_community, other_team):
    return make_recipient(other_community, "孙桂芝", phone="13700007777", team=other_team)


def add_visit(recipient, team, volunteers, visited_on, minutes=60):
    visit = HomeVisit.objects.create(
        recipient=recipient, community=recipient.community, team=team, visited_on=visited_on, minutes=minutes
    )
    visit.volunteers.set(volunteers)
    sync_visit_records([visit.pk])
    return visit


def sign_in(client, user):
    """Log in and pass the second factor (required of accounts that may see sensitive data)."""
    from audit.testing import otp_verify_session

    client.force_login(user)
    otp_verify_session(client, user)


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:volunteers_{model._meta.model_name}_{view}", args=args)


def csv_bytes(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def upload(client, model, content, name="visits.csv"):
    """The first step of an import: upload, get the preview (or the errors)."""
    return client.post(
        admin_url(model, "import"),
        {"format": CSV, "resource": "0", "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, model, preview):
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(admin_url(model, "process_import"), data)


def export(client, model, resource_class, file_format=EXPORT_CSV, query=""):
    prefix = resource_class.__name__.lower()
    data = {"format": file_format, "resource": "0"}
    for name in resource_class().get_export_order():
        data[f"{prefix}_{name}"] = "on"
    return client.post(admin_url(model, "export") + query, data)


def exported_rows(response):
    """The rows of an exported CSV or XLSX as lists of cell values (header first)."""
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [["" if cell is None else cell for cell in row] for row in book.active.iter_rows(values_only=True)]
