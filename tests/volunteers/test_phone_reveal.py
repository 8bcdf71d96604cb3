"""Phones for the people who must call: staff of the record's own community show a masked number in full with
one button (each time written to the access log); everyone else keeps the mask, and the reveal URL answers
404 for another unit's record and 403 for those above it. The printed due list shows the numbers and the
addresses to those who call."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog
from communities.models import Courtyard, Grid, Person
from tests.venues.conftest import make_venue
from venues.models import Booking, Slot
from volunteers.models import CareRecipient

from .conftest import MASKED, PHONE, admin_url, make_recipient, sign_in

pytestmark = pytest.mark.django_db

DUE = reverse("volunteers:due")


def reveal_url(obj, column="phone"):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_reveal", args=[obj.pk, column])


def reveal(client, obj, column="phone", as_json=True):
    headers = {"Accept": "application/json"} if as_json else {}
    return client.post(reveal_url(obj, column), headers=headers)


# ---- the admin pages -------------------------------------------------------------------------------


def test_staff_see_the_mask_with_a_button_on_the_recipient_page_and_the_list(client, staff, recipient):
    client.force_login(staff)
    for page in (admin_url(CareRecipient, "change", recipient.pk), admin_url(CareRecipient)):
        text = client.get(page).content.decode()
        assert MASKED in text and PHONE not in text
        assert f'formaction="{reveal_url(recipient)}"' in text
        assert 'form="reveal-form"' in text and '<form id="reveal-form" method="post" hidden>' in text
    assert not AccessLog.objects.exists()  # the mask is not an access


def test_one_click_shows_the_number_and_writes_who_when_and_which_record(client, staff, recipient, community):
    client.force_login(staff)
    response = reveal(client, recipient)
    assert response.status_code == 200
    assert response.json() == {"value": PHONE}
    assert "no-store" in response["Cache-Control"]
    row = AccessLog.objects.get()
    assert (row.user, row.object_id, row.object_repr, row.fields, row.community) == (
        staff,
        str(recipient.pk),
        "陈秀兰",
        "phone",
        community,
    )
    assert row.at is not None and row.content_type.model == "carerecipient"
    reveal(client, recipient)
    assert AccessLog.objects.count() == 2  # every reveal is logged


def test_without_javascript_the_button_answers_a_page_with_the_number(client, staff, recipient):
    client.force_login(staff)
    back = "http://testserver" + admin_url(CareRecipient)
    response = client.post(reveal_url(recipient), headers={"Referer": back})
    text = response.content.decode()
    assert response.status_code == 200
    assert f'href="tel:{PHONE}"' in text and "本次查看已记入访问日志" in text
    assert f'href="{back}"' in text
    assert AccessLog.objects.count() == 1


def test_a_link_from_elsewhere_is_not_offered_as_the_way_back(client, staff, recipient):
    client.force_login(staff)
    response = client.post(reveal_url(recipient), headers={"Referer": "https://evil.example/"})
    text = response.content.decode()
    assert "evil.example" not in text
    assert admin_url(CareRecipient, "change", recipient.pk) in text


def test_a_get_shows_nothing_and_logs_nothing(client, staff, recipient):
    client.force_login(staff)
    assert client.get(reveal_url(recipient)).status_code == 405
    assert not AccessLog.objects.exists()


def test_the_person_register_offers_the_same_button(client, staff, recipient):
    person = recipient.person
    client.force_login(staff)
    text = client.get(reverse("admin:communities_person_change", args=[person.pk])).content.decode()
    assert MASKED in text and f'formaction="{reveal_url(person)}"' in text
    assert reveal(client, person).json() == {"value": PHONE}
    assert AccessLog.objects.get().object_id == str(person.pk)


def test_only_masked_values_can_be_revealed(client, staff, recipient):
    client.force_login(staff)
    for column in ("health_notes", "categories_list", "name", "nothing"):
        assert reveal(client, recipient, column).status_code == 404
    assert not AccessLog.objects.exists()


def test_an_outsider_gets_404_and_no_button(client, outsider, recipient):
    client.force_login(outsider)
    assert reveal(client, recipient).status_code == 404
    assert reveal(client, recipient.person).status_code == 404
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["subdistrict_staff", "supervisor"])
def test_those_above_the_community_keep_the_mask_and_are_refused(client, request, persona, recipient):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    text = client.get(admin_url(CareRecipient)).content.decode()
    assert MASKED in text and PHONE not in text and "reveal-button" not in text
    assert reveal(client, recipient).status_code == 403
    assert reveal(client, recipient.person).status_code == 403
    assert not AccessLog.objects.exists()


def test_staff_of_the_community_cannot_reveal_a_record_of_their_neighbour(client, staff, other_recipient):
    client.force_login(staff)
    assert reveal(client, other_recipient).status_code == 404


def test_a_personal_data_officer_sees_the_number_without_a_button(client, sensitive_staff, recipient):
    sign_in(client, sensitive_staff)
    text = client.get(admin_url(CareRecipient, "change", recipient.pk)).content.decode()
    assert PHONE in text and "reveal-button" not in text
    assert reveal(client, recipient).json() == {"value": PHONE}


def test_the_staff_of_a_venue_s_community_may_call_the_visitor_who_booked(
    client, staff, outsider, subdistrict_staff, community
):
    venue = make_venue(community)
    start = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=3)
    slot = Slot.objects.create(
        venue=venue, starts_at=start, ends_at=start + datetime.timedelta(hours=1), capacity=20
    )
    booking = Booking.objects.create(
        reference="CALL1", venue=venue, community=community, slot=slot, size=2, contact_name="李先生",
        phone="13655556666", visitor_kind=Booking.VisitorKind.RESIDENT,
    )  # fmt: skip
    client.force_login(staff)
    text = client.get(reverse("admin:venues_booking_changelist")).content.decode()
    assert "136****6666" in text and reveal_url(booking, "contact_phone") in text
    assert reveal(client, booking, "contact_phone").json() == {"value": "13655556666"}
    assert AccessLog.objects.get().object_repr == "CALL1"
    client.force_login(outsider)
    assert reveal(client, booking, "contact_phone").status_code == 404
    client.force_login(subdistrict_staff)
    assert reveal(client, booking, "contact_phone").status_code == 403
    assert AccessLog.objects.count() == 1


# ---- the printed due list -------------------------------------------------------------------------


@pytest.fixture
def courtyard(community):
    grid = Grid.objects.create(community=community, name="第一网格")
    return Courtyard.objects.create(grid=grid, name="金谷园小区")


@pytest.fixture
def addressed(recipient, courtyard):
    CareRecipient.objects.filter(pk=recipient.pk).update(
        courtyard=courtyard, building="3", entrance="２", room="401"
    )
    return recipient


def due(client, unit):
    return client.get(DUE, {"unit": f"{unit._meta.model_name}:{unit.pk}", "month": "2018-03"})


def test_the_due_list_shows_the_address_and_the_full_phone_to_the_community_s_staff(
    client, staff, addressed, community
):
    client.force_login(staff)
    text = due(client, community).content.decode()
    assert "金谷园小区 3号楼 2单元 401室" in text
    assert f'<a href="tel:{PHONE}">{PHONE}</a>' in text
    row = AccessLog.objects.get()  # one entry per record on the list, none per column
    assert (row.user, row.object_id, row.fields) == (staff, str(addressed.pk), "phone")


def test_the_due_list_logs_every_record_shown_in_one_insert(client, staff, recipient, community):
    for i in range(5):
        make_recipient(community, f"对象{i}", phone=f"1350000{i:04d}")
    make_recipient(community, "无电话", phone="")
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        due(client, community)
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "audit_accesslog"')]
    assert len(inserts) == 1
    assert AccessLog.objects.count() == 6  # the recipient without a phone showed nothing to log
    assert set(AccessLog.objects.values_list("fields", flat=True)) == {"phone"}


@pytest.mark.parametrize("persona", ["subdistrict_staff", "supervisor"])
def test_the_due_list_masks_the_phone_for_those_above_and_logs_nothing(
    client, request, persona, addressed, community
):
    client.force_login(request.getfixturevalue(persona))
    text = due(client, community).content.decode()
    assert MASKED in text and PHONE not in text
    assert "金谷园小区 3号楼 2单元 401室" in text
    assert not AccessLog.objects.exists()


def test_the_due_list_of_a_neighbour_is_not_the_outsiders(client, outsider, addressed, community):
    client.force_login(outsider)
    assert due(client, community).status_code == 404


def test_an_officer_s_due_list_logs_phone_and_categories(client, sensitive_staff, addressed, community):
    sign_in(client, sensitive_staff)
    text = due(client, community).content.decode()
    assert PHONE in text
    assert AccessLog.objects.get().fields == "categories, phone"


# ---- the address on the recipient --------------------------------------------------------------------


def test_the_address_reads_as_written_where_it_is_not_a_number(addressed):
    addressed.refresh_from_db()
    addressed.building, addressed.entrance, addressed.room = "东楼", "", "1-401"
    assert addressed.address == "金谷园小区 东楼 1-401"


def test_a_courtyard_of_another_community_is_refused_with_nothing_saved(
    client, staff, subdistrict_staff, recipient, other_community
):
    grid = Grid.objects.create(community=other_community, name="金业路网格")
    elsewhere = Courtyard.objects.create(grid=grid, name="金业小区")
    client.force_login(subdistrict_staff)  # sees both communities' courtyards
    page = client.get(admin_url(CareRecipient, "change", recipient.pk))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        person=recipient.person.pk, courtyard=elsewhere.pk, building="3", frequency=1, frequency_unit="months",
        since="2016-01-01", active="on", categories=[c.pk for c in recipient.categories.all()],
        assigned_volunteers=[p.pk for p in recipient.assigned_volunteers.all()],
        usual_services=[s.pk for s in recipient.usual_services.all()],
    )  # fmt: skip
    response = client.post(admin_url(CareRecipient, "change", recipient.pk), data)
    assert response.status_code == 200
    assert "该楼院不在服务对象所在的社区。" in response.content.decode()
    recipient.refresh_from_db()
    assert recipient.courtyard is None and recipient.building == ""


def test_staff_save_the_address_on_the_recipient_page(client, staff, recipient, courtyard):
    client.force_login(staff)
    data = {
        "person": recipient.person.pk, "frequency": 1, "frequency_unit": "months", "since": "2016-01-01",
        "assigned_team": recipient.assigned_team.pk, "active": "on", "courtyard": courtyard.pk,
        "building": "3", "entrance": "2", "room": "401",
        "assigned_volunteers": [p.pk for p in recipient.assigned_volunteers.all()],
        "usual_services": [s.pk for s in recipient.usual_services.all()],
    }  # fmt: skip
    response = client.post(admin_url(CareRecipient, "change", recipient.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    recipient.refresh_from_db()
    assert recipient.address == "金谷园小区 3号楼 2单元 401室"
    assert Person.objects.get(pk=recipient.person.pk).phone == PHONE  # the masked phone is left alone
