"""PIPL: retention of bookings and visits, a resident's data export and erasure — the counts never change."""

import datetime
import io
import json
from urllib.parse import quote

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.access import log_sensitive_access
from audit.models import AccessLog
from audit.personal_data import ERASED
from communities.models import Person
from tests.venues.conftest import make_venue
from tests.volunteers.conftest import add_visit, make_recipient
from venues import stats as venue_stats
from venues.models import Booking, Slot, VisitRecord
from volunteers import stats as volunteer_stats
from volunteers.models import CareCategory, HomeVisit, VolunteerTeam

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def care_lists(db):
    CareCategory.ensure_all()


@pytest.fixture
def team(community):
    return VolunteerTeam.objects.create(
        name="环西社区党员志愿服务队", community=community, is_party_member_team=True
    )


@pytest.fixture
def volunteer(community):
    return Person.objects.create(
        name="王建军", community=community, is_party_member=True, phone="13900001111"
    )


def booking_on(venue, day, *, name="李秀兰", phone="13812345678", size=5, reference=None):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    slot = Slot.objects.create(
        venue=venue, starts_at=start, ends_at=start + datetime.timedelta(hours=1), capacity=20
    )
    return Booking.objects.create(
        reference=reference or f"REF{day:%Y%m%d}{size}",
        venue=venue,
        community=venue.community,
        slot=slot,
        visitor_kind=Booking.VisitorKind.RESIDENT,
        size=size,
        contact_name=name,
        phone=phone,
        purpose="带孩子参观",
        status=Booking.Status.COMPLETED,
    )


@pytest.fixture
def old_and_new(community, team, volunteer):
    today = timezone.localdate()
    long_ago, recently = today - datetime.timedelta(days=400), today - datetime.timedelta(days=30)
    venue = make_venue(community)
    old_booking, new_booking = booking_on(venue, long_ago), booking_on(venue, recently, size=3)
    old_record = VisitRecord.objects.create(
        venue=venue,
        community=community,
        booking=old_booking,
        visited_on=long_ago,
        visitors=5,
        note="李秀兰一家",
    )
    new_record = VisitRecord.objects.create(
        venue=venue, community=community, visited_on=recently, visitors=7, note="王老师带队"
    )
    recipient = make_recipient(community, "陈秀兰", team=team)
    old_visit = add_visit(recipient, team, [volunteer], long_ago)
    new_visit = add_visit(recipient, team, [volunteer], recently)
    HomeVisit.objects.filter(pk__in=[old_visit.pk, new_visit.pk]).update(notes="血压偏高，已提醒服药")
    return {
        "old": [old_booking, old_record, old_visit],
        "new": [new_booking, new_record, new_visit],
        "unit": community,
    }


def figures(unit):
    start, end = datetime.date(2000, 1, 1), timezone.localdate()
    return (
        venue_stats.totals(unit),
        venue_stats.by_month(unit),
        volunteer_stats.volunteer_totals(unit, start, end),
        volunteer_stats.service_records_by_team(unit, start, end),
    )


def test_purge_anonymises_what_is_past_retention_and_keeps_the_counts(old_and_new):
    before = figures(old_and_new["unit"])
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    old_booking, old_record, old_visit = (type(o).objects.get(pk=o.pk) for o in old_and_new["old"])
    assert (old_booking.contact_name, old_booking.phone, old_booking.purpose) == (ERASED, "", "")
    assert old_booking.size == 5 and old_booking.status == Booking.Status.COMPLETED
    assert old_record.note == "" and old_record.visitors == 5
    assert old_visit.notes == "" and old_visit.minutes == 60
    new_booking, new_record, new_visit = (type(o).objects.get(pk=o.pk) for o in old_and_new["new"])
    assert (new_booking.contact_name, new_booking.phone) == ("李秀兰", "13812345678")
    assert new_record.note == "王老师带队" and new_visit.notes == "血压偏高，已提醒服药"
    assert figures(old_and_new["unit"]) == before
    assert "venues.booking: 1 anonymised" in out.getvalue()


def test_purge_removes_the_values_from_the_history_too(old_and_new):
    old_booking = old_and_new["old"][0]
    call_command("purge_personal_data", stdout=io.StringIO())
    entries = LogEntry.objects.get_for_object(old_booking)
    text = json.dumps([e.changes for e in entries], ensure_ascii=False)
    assert "李秀兰" not in text and "带孩子参观" not in text
    assert entries.filter(changes__has_key="reason").exists() or "retention period over" in text


def test_purge_twice_changes_nothing_more(old_and_new):
    call_command("purge_personal_data", stdout=io.StringIO())
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "done: 0 records anonymised" in out.getvalue()


def test_the_retention_period_comes_from_the_settings(old_and_new, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 500
    call_command("purge_personal_data", stdout=io.StringIO())
    assert Booking.objects.get(pk=old_and_new["old"][0].pk).contact_name == "李秀兰"
    settings.PERSONAL_DATA_RETENTION_DAYS = 10
    call_command("purge_personal_data", stdout=io.StringIO())
    assert not Booking.objects.exclude(contact_name=ERASED).exists()


# ---- a resident's request ----------------------------------------------------------------------------


@pytest.fixture
def officer(sensitive_staff):
    """Personal data officers may answer residents' requests (audit.handle_personal_data_requests)."""
    return sensitive_staff


@pytest.fixture
def resident(community, team, volunteer):
    recipient = make_recipient(community, "陈秀兰", phone="13811112222", team=team)
    add_visit(recipient, team, [volunteer], timezone.localdate() - datetime.timedelta(days=3))
    HomeVisit.objects.update(notes="腿脚不便")
    booking_on(make_venue(community), timezone.localdate(), name="陈秀兰", phone="13811112222", size=2)
    return recipient.person


def test_export_as_json_lists_everything_held(client, officer, resident):
    client.force_login(officer)
    response = client.get(reverse("audit:person_export", args=[resident.pk, "json"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode()
    data = json.loads(text)
    assert len(data) >= 3
    assert "陈秀兰" in text and "腿脚不便" in text
    assert any("13811112222" in json.dumps(rows, ensure_ascii=False) for rows in data.values())
    assert AccessLog.objects.filter(user=officer, object_id=str(resident.pk), fields="export").exists()


def test_export_as_a_spreadsheet(client, officer, resident):
    client.force_login(officer)
    response = client.get(reverse("audit:person_export", args=[resident.pk, "xlsx"]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
    assert "陈秀兰" in cells and "13811112222" in cells
    today = timezone.localdate()
    name = f"环西社区_{today.year}年{today.month}月{today.day}日_陈秀兰_个人信息.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"  # no record id
    assert book.sheetnames == ["人员", "上门服务对象", "上门服务", "预约"]
    visits = book["上门服务"]
    headers = [cell.value for cell in visits[1]]
    visited = visits.cell(2, headers.index("日期") + 1)
    assert visited.is_date and visited.value.date() == today - datetime.timedelta(days=3)
    for sheet in book.worksheets:
        assert (sheet.page_setup.orientation, sheet.print_title_rows) == ("landscape", "$1:$1")


def test_staff_without_the_permission_cannot_export_or_erase(client, staff, resident):
    client.force_login(staff)
    assert client.get(reverse("audit:person_export", args=[resident.pk, "json"])).status_code == 403
    assert (
        client.post(reverse("audit:person_erase", args=[resident.pk]), {"confirm": "陈秀兰"}).status_code
        == 403
    )
    assert Person.objects.get(pk=resident.pk).name == "陈秀兰"


def test_an_officer_of_another_unit_gets_404(client, resident, other_community):
    from registers.roles import COMMUNITY_STAFF, PERSONAL_DATA_OFFICERS
    from tests.conftest import make_staff

    other_officer = make_staff("jinye-care", other_community, COMMUNITY_STAFF, PERSONAL_DATA_OFFICERS)
    client.force_login(other_officer)
    assert client.get(reverse("audit:person_export", args=[resident.pk, "json"])).status_code == 404
    assert (
        client.post(reverse("audit:person_erase", args=[resident.pk]), {"confirm": "陈秀兰"}).status_code
        == 404
    )


def test_an_unknown_format_is_refused(client, officer, resident):
    client.force_login(officer)
    assert client.get(reverse("audit:person_export", args=[resident.pk, "pdf"])).status_code == 403


def test_erasure_needs_the_name_typed_and_says_so(client, officer, resident):
    client.force_login(officer)
    url = reverse("audit:person_erase", args=[resident.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"confirm": "someone else"})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    assert Person.objects.get(pk=resident.pk).name == "陈秀兰"


def test_erasure_anonymises_the_person_and_what_names_them_and_keeps_the_counts(
    client, officer, resident, community
):
    log_sensitive_access(officer, resident, ["phone"])
    before = figures(community)
    counts = (Person.objects.count(), HomeVisit.objects.count(), Booking.objects.count())
    client.force_login(officer)
    response = client.post(reverse("audit:person_erase", args=[resident.pk]), {"confirm": "陈秀兰"})
    assert response.status_code == 302
    person = Person.objects.get(pk=resident.pk)
    assert (person.name, person.phone, person.birth_date, person.gender) == (ERASED, "", None, "")
    assert person.community == community
    recipient = person.care_recipient
    assert recipient.health_notes == "" and recipient.categories.exists()
    assert HomeVisit.objects.get(recipient=recipient).notes == ""
    booking = Booking.objects.get()
    assert (booking.contact_name, booking.phone, booking.size) == (ERASED, "", 2)
    assert (Person.objects.count(), HomeVisit.objects.count(), Booking.objects.count()) == counts
    assert figures(community) == before
    history = json.dumps([e.changes for e in LogEntry.objects.get_for_object(person)], ensure_ascii=False)
    assert "陈秀兰" not in history
    assert not LogEntry.objects.filter(object_repr="陈秀兰").exists()
    assert AccessLog.objects.get(fields="phone").object_repr == ERASED


def test_the_purge_works_in_batches(old_and_new, community, monkeypatch):
    from audit import personal_data

    venue = old_and_new["old"][0].venue
    for i in range(4):
        booking_on(venue, timezone.localdate() - datetime.timedelta(days=500 + i), reference=f"OLD{i}")
    monkeypatch.setattr(personal_data, "BATCH", 2)
    done = personal_data.purge_expired()
    assert done["venues.booking"] == 5
    assert (
        not Booking.objects.filter(slot__starts_at__lt=timezone.now() - datetime.timedelta(days=365))
        .exclude(contact_name=ERASED)
        .exists()
    )


def test_purge_clears_the_free_text_of_old_visits_and_rejected_bookings(old_and_new):
    old_booking, _record, old_visit = old_and_new["old"]
    new_booking, _record, new_visit = old_and_new["new"]
    for booking in (old_booking, new_booking):
        booking.reject_reason = "李秀兰 电话打不通"
        booking.save()
    for visit in (old_visit, new_visit):
        visit.other_services = "修剪指甲"
        visit.save()
    before = figures(old_and_new["unit"])
    call_command("purge_personal_data", stdout=io.StringIO())
    assert Booking.objects.get(pk=old_booking.pk).reject_reason == ""
    assert HomeVisit.objects.get(pk=old_visit.pk).other_services == ""
    assert Booking.objects.get(pk=new_booking.pk).reject_reason == "李秀兰 电话打不通"
    assert HomeVisit.objects.get(pk=new_visit.pk).other_services == "修剪指甲"
    old_history = json.dumps(
        [e.changes for o in (old_booking, old_visit) for e in LogEntry.objects.get_for_object(o)],
        ensure_ascii=False,
    )
    assert "电话打不通" not in old_history and "修剪指甲" not in old_history
    assert figures(old_and_new["unit"]) == before
