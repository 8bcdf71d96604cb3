import re
import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.venues.conftest import local_dt, slot_value
from venues.models import Booking, Slot
from venues.services import REFERENCE_ALPHABET


def form_data(starts_at, **fields):
    data = {
        "visitor_kind": "resident",
        "organisation": "",
        "size": 2,
        "contact_name": "张三",
        "phone": "13812345678",
        "offering": "",
        "slot": slot_value(starts_at),
        "purpose": "",
        "consent": "on",
        "token": str(uuid.uuid4()),
    }
    data.update(fields)
    return data


def post(client, data, slug="jiafeng"):
    return client.post(f"/venues/{slug}/book/", data)


def test_resident_books_a_slot_and_sees_reference_status_and_what_to_bring(
    client, venue, offering, slot_start
):
    response = post(
        client,
        form_data(slot_start, offering=offering.pk),
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bookings/{booking.reference}/"
    assert booking.status == Booking.Status.PENDING
    assert booking.slot.starts_at == slot_start
    assert booking.slot.booked_places == 2
    assert booking.community == venue.community
    page = client.get(response["Location"]).content.decode()
    assert booking.reference in page
    assert "pending approval" in page or "待审核" in page
    assert "请携带身份证。" in page
    assert f"/bookings/{booking.reference}/booking.ics" in page
    assert "138****5678" in page and "13812345678" not in page


def test_group_booking_needs_no_approval_where_the_venue_says_so(client, venue, slot_start):
    venue.needs_approval = False
    venue.save()
    post(client, form_data(slot_start, visitor_kind="school", organisation="洛阳市第一中学", size=8))
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.organisation == "洛阳市第一中学"


def test_reference_is_long_and_unguessable(client, venue, slot_start):
    post(client, form_data(slot_start))
    post(client, form_data(slot_start + timedelta(hours=1)))
    first, second = Booking.objects.values_list("reference", flat=True)
    assert len(first) >= 10 and set(first) <= set(REFERENCE_ALPHABET)
    assert first != second


def test_ics_download(client, venue, slot_start):
    post(client, form_data(slot_start))
    booking = Booking.objects.get()
    response = client.get(f"/bookings/{booking.reference}/booking.ics")
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body
    start_utc = slot_start.astimezone(timezone.get_fixed_timezone(0)).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start_utc}" in body
    assert "SUMMARY:家风家训馆" in body
    assert "13812345678" not in body


def assert_refused(client, data, message, slug="jiafeng"):
    response = post(client, data, slug)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Booking.objects.count() == 0
    return response


def test_slot_in_the_past_is_refused(client, venue):
    past = local_dt(timezone.localdate() - timedelta(days=1), 10)
    assert_refused(client, form_data(past), "This time has already passed")


def test_slot_within_the_minimum_notice_is_refused(client, venue):
    # The notice is checked before the opening hours, so any time in the next 24 hours gets this message.
    soon = (timezone.localtime() + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    assert_refused(client, form_data(soon), "at least 24 hours ahead")


def test_slot_beyond_the_booking_window_is_refused(client, venue):
    late = local_dt(timezone.localdate() + timedelta(days=40), 10)
    assert_refused(client, form_data(late), "Bookings open 28 days ahead")


def test_slot_outside_opening_hours_is_refused(client, venue, slot_start):
    assert_refused(client, form_data(slot_start.replace(hour=15)), "not open at this time")
    assert_refused(client, form_data(slot_start.replace(minute=30)), "not open at this time")


def test_slot_on_a_closure_is_refused(client, venue, closure):
    assert_refused(client, form_data(local_dt(closure.starts_on, 10)), "closed on")
    assert_refused(client, form_data(local_dt(closure.starts_on, 10)), "设备检修")


def test_malformed_slot_is_refused(client, venue):
    assert_refused(client, form_data(timezone.now(), slot="tomorrow"), "Choose a time from the list")


def test_group_larger_than_the_capacity_is_refused(client, venue, slot_start):
    assert_refused(
        client,
        form_data(slot_start, visitor_kind="school", organisation="一中", size=11),
        "larger than the 10 visitors",
    )


def test_group_larger_than_the_menu_item_allows_is_refused(client, venue, offering, slot_start):
    assert_refused(client, form_data(slot_start, size=9, offering=offering.pk), "larger than the 8 visitors")


def test_group_larger_than_the_free_places_is_refused(client, venue, slot_start):
    assert post(client, form_data(slot_start, size=7)).status_code == 302
    response = post(
        client,
        form_data(
            slot_start, visitor_kind="community", organisation="金业路社区", size=4, phone="13900000001"
        ),
    )
    assert response.status_code == 200
    assert "Only 3 places are left" in response.content.decode()
    assert Booking.objects.count() == 1
    assert Slot.objects.get().booked_places == 7


def test_full_slot_is_refused_with_a_message(client, venue, slot_start):
    post(client, form_data(slot_start, size=10))
    response = post(client, form_data(slot_start, size=1, phone="13900000001"))
    assert "This slot is full" in response.content.decode()
    assert Booking.objects.count() == 1


def test_size_zero_is_refused(client, venue, slot_start):
    assert_refused(client, form_data(slot_start, size=0), "at least one visitor")


def test_malformed_phone_is_refused(client, venue, slot_start):
    assert_refused(client, form_data(slot_start, phone="12345"), "Enter a valid phone number")


def test_group_without_organisation_is_refused(client, venue, slot_start):
    assert_refused(
        client,
        form_data(slot_start, visitor_kind="enterprise_branch", size=5),
        "Enter the name of the organisation",
    )


def test_menu_item_of_another_venue_is_refused(client, venue, other_venue, slot_start):
    from venues.models import Offering

    foreign = Offering.objects.create(venue=other_venue, name="宣誓")
    assert_refused(client, form_data(slot_start, offering=foreign.pk), "Select a valid choice")


def test_pressing_the_button_twice_makes_one_booking(client, venue, slot_start):
    data = form_data(slot_start, size=3)
    first = post(client, data)
    second = post(client, data)
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1
    assert Slot.objects.get().booked_places == 3


def form_token(response):
    return re.search(r'name="token" value="([^"]*)"', response.content.decode()).group(1)


def test_form_carries_a_fresh_token(client, venue):
    first = form_token(client.get("/venues/jiafeng/book/"))
    second = form_token(client.get("/venues/jiafeng/book/"))
    assert uuid.UUID(first) and uuid.UUID(second) and first != second


def test_booking_form_preselects_the_slot_from_the_venue_page(client, venue, slot_start):
    response = client.get("/venues/jiafeng/book/", {"slot": slot_value(slot_start)})
    assert f'value="{slot_value(slot_start)}" selected' in response.content.decode()


@override_settings(RATE_LIMITS={"booking_phone": (2, 3600)})
def test_many_bookings_from_one_phone_are_slowed_down(client, venue, slot_start):
    for hour in range(2):
        assert post(client, form_data(slot_start + timedelta(hours=hour), size=1)).status_code == 302
    response = post(client, form_data(slot_start + timedelta(hours=2), size=1))
    assert response.status_code == 429
    assert "Too many bookings with this phone number" in response.content.decode()
    assert Booking.objects.count() == 2


@override_settings(RATE_LIMITS={"booking_ip": (3, 3600)})
def test_many_bookings_from_one_address_are_slowed_down(client, venue, slot_start):
    for i in range(3):
        post(client, form_data(slot_start, size=1, phone=f"1381234567{i}"))
    response = post(client, form_data(slot_start, size=1, phone="13912345678"))
    assert response.status_code == 429
    assert "Too many bookings from this address" in response.content.decode()
    assert Booking.objects.count() == 3


def made(client, venue, slot_start, **fields):
    post(client, form_data(slot_start, **fields))
    return Booking.objects.latest("pk")


def test_visitor_cancels_with_the_phone_and_the_places_are_freed(client, venue, slot_start):
    booking = made(client, venue, slot_start, size=4)
    response = client.post(f"/bookings/{booking.reference}/", {"phone": "138 1234 5678"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Slot.objects.get().booked_places == 0
    page = client.get(response["Location"]).content.decode()
    assert "Your booking has been cancelled." in page
    assert "Cancel this booking" not in page


def test_wrong_phone_cancels_nothing_and_reveals_nothing(client, venue, slot_start):
    booking = made(client, venue, slot_start, size=4)
    response = client.post(f"/bookings/{booking.reference}/", {"phone": "13999999999"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "does not match" in text
    assert "13812345678" not in text and "张三" not in text
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    assert Slot.objects.get().booked_places == 4


def test_unknown_reference_is_404_for_status_cancel_and_calendar(client, venue, slot_start):
    made(client, venue, slot_start)
    assert client.get("/bookings/ABCDEFGHJKLM/").status_code == 404
    assert client.post("/bookings/ABCDEFGHJKLM/", {"phone": "13812345678"}).status_code == 404
    assert client.get("/bookings/ABCDEFGHJKLM/booking.ics").status_code == 404


@override_settings(RATE_LIMITS={"cancel_tries": (3, 3600)})
def test_guessing_the_phone_is_slowed_down(client, venue, slot_start):
    booking = made(client, venue, slot_start)
    for i in range(3):
        client.post(f"/bookings/{booking.reference}/", {"phone": f"1390000000{i}"}, REMOTE_ADDR="10.9.9.9")
    response = client.post(
        f"/bookings/{booking.reference}/", {"phone": "13812345678"}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


@override_settings(RATE_LIMITS={"cancel_tries": (3, 3600), "cancel_ip": (5, 3600)})
def test_wrong_numbers_typed_elsewhere_do_not_keep_the_owner_from_cancelling(client, venue, slot_start):
    booking = made(client, venue, slot_start)
    for i in range(10):  # someone at another address tries numbers until they are stopped
        client.post(f"/bookings/{booking.reference}/", {"phone": f"1390000000{i}"}, REMOTE_ADDR="10.9.9.9")
    assert (
        client.post(
            f"/bookings/{booking.reference}/", {"phone": "13900000009"}, REMOTE_ADDR="10.9.9.9"
        ).status_code
        == 429
    )
    response = client.post(
        f"/bookings/{booking.reference}/", {"phone": "13812345678"}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


@override_settings(RATE_LIMITS={"cancel_tries": (3, 3600)})
def test_an_owner_who_mistypes_once_still_cancels(client, venue, slot_start):
    booking = made(client, venue, slot_start)
    client.post(f"/bookings/{booking.reference}/", {"phone": "13900000000"})
    client.post(f"/bookings/{booking.reference}/", {"phone": "138 1234 5678"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_cancelled_booking_cannot_be_cancelled_again(client, venue, slot_start):
    booking = made(client, venue, slot_start, size=4)
    client.post(f"/bookings/{booking.reference}/", {"phone": "13812345678"})
    response = client.post(f"/bookings/{booking.reference}/", {"phone": "13812345678"})
    assert "can no longer be cancelled" in response.content.decode()
    assert Slot.objects.get().booked_places == 0


def test_places_freed_by_a_cancellation_can_be_booked_again(client, venue, slot_start):
    booking = made(client, venue, slot_start, size=10)
    client.post(f"/bookings/{booking.reference}/", {"phone": "13812345678"})
    assert post(client, form_data(slot_start, size=10)).status_code == 302
    assert Slot.objects.get().booked_places == 10


@pytest.mark.parametrize("reference", ["x" * 40, "../admin", "%00"])
def test_odd_references_are_404(client, db, reference):
    assert client.get(f"/bookings/{reference}/").status_code == 404


@override_settings(RATE_LIMITS={"lookup_ip": (3, 3600)})
def test_guessing_references_is_slowed_down(client, venue, slot_start):
    booking = made(client, venue, slot_start)
    for guess in ("ABCDEFGHJKLM", "ABCDEFGHJKLN", "ABCDEFGHJKLP"):
        assert client.get(f"/bookings/{guess}/").status_code == 404
    response = client.get(f"/bookings/{booking.reference}/")
    assert response.status_code == 429
    assert "Too many look-ups from this address" in response.content.decode()
    assert "张三" not in response.content.decode()


def test_a_reference_typed_with_spaces_dashes_or_in_lower_case_finds_the_booking(client, venue, slot_start):
    post(client, form_data(slot_start))
    reference = Booking.objects.get().reference
    spaced = f"{reference[:4].lower()} - {reference[4:8]} {reference[8:].lower()}"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in reference)
    for typed in (reference, spaced, full_width, f" {reference}. "):
        response = client.get("/bookings/", {"reference": typed})
        assert response.status_code == 302 and response["Location"] == f"/bookings/{reference}/", typed
    assert client.get(f"/bookings/{spaced.replace(' ', '')}/").status_code == 200


def test_an_unknown_reference_says_so_and_offers_the_box_again(client, venue):
    response = client.get("/bookings/", {"reference": "ABCD-0000-XYZ"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "No booking has the reference “ABCD-0000-XYZ”" in page and 'name="reference"' in page
    assert client.get("/bookings/", {"reference": "<script>"}).status_code == 404


def test_the_home_page_has_the_reference_box(client, db):
    page = client.get("/").content.decode()
    assert 'action="/bookings/"' in page and 'name="reference"' in page


def ics_lines(body: str) -> dict:
    """The calendar's properties, unfolded (RFC 5545: a line starting with a space continues the last)."""
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n")), "folded at 75 octets"
    unfolded = body.replace("\r\n ", "")
    return dict(line.split(":", 1) for line in unfolded.split("\r\n") if ":" in line)


def test_the_calendar_file_is_in_chinese_links_back_and_says_when_cancelled(
    client, venue, slot_start, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    venue.phone = "0379-63210000"
    venue.save()
    booking = made(client, venue, slot_start)
    lines = ics_lines(client.get(f"/bookings/{booking.reference}/booking.ics").content.decode())
    assert lines["DESCRIPTION"].startswith(f"预约号：{booking.reference}")
    assert "场馆电话：0379-63210000" in lines["DESCRIPTION"]
    assert lines["URL"] == f"http://testserver/bookings/{booking.reference}/"
    assert lines["STATUS"] == "TENTATIVE"  # waiting for approval
    client.post(f"/bookings/{booking.reference}/", {"phone": "13812345678"})
    lines = ics_lines(client.get(f"/bookings/{booking.reference}/booking.ics").content.decode())
    assert lines["STATUS"] == "CANCELLED"


def test_pages_showing_a_booking_are_never_stored(client, venue, slot_start):
    booking = made(client, venue, slot_start)
    for url in (f"/bookings/{booking.reference}/", f"/bookings/{booking.reference}/booking.ics"):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_back_and_send_again_shows_the_booking_already_made(client, venue, slot_start):
    data = form_data(slot_start)
    first = post(client, data)
    again = post(client, data)  # Back, then "Book" once more: the same form, the same token
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Booking.objects.count() == 1
    assert "You already have this booking" in client.get(again["Location"]).content.decode()


def test_the_same_number_typed_another_way_finds_the_booking_instead_of_a_second(client, venue, slot_start):
    first = post(client, form_data(slot_start, phone="13812345678"))
    for typed in ("+86 138-1234-5678", "１３８ １２３４ ５６７８", "0086 13812345678"):
        again = post(client, form_data(slot_start, phone=typed))  # a new form each time (new token)
        assert again.status_code == 302 and again["Location"] == first["Location"], typed
    assert Booking.objects.count() == 1
    assert Slot.objects.get().booked_places == 2


def test_sending_the_form_many_times_never_answers_too_many(client, venue, slot_start, settings):
    settings.RATE_LIMITS = {"booking_phone": (5, 3600), "booking_ip": (5, 3600)}
    data = form_data(slot_start)
    statuses = {post(client, data).status_code for _ in range(8)}
    assert statuses == {302}
    assert Booking.objects.count() == 1


def test_refused_forms_do_not_count_toward_the_addresss_limit(client, venue, slot_start, settings):
    # A school's network: many people behind one address, some of whom mistype.
    settings.RATE_LIMITS = {"booking_ip": (3, 3600)}
    for _ in range(10):
        assert post(client, form_data(slot_start, phone="123")).status_code == 200
    for i in range(3):
        assert post(client, form_data(slot_start, phone=f"1390000000{i}", size=1)).status_code == 302
    assert post(client, form_data(slot_start, phone="13900000009", size=1)).status_code == 429
    assert Booking.objects.count() == 3


def test_a_cancelled_booking_does_not_stop_the_phone_booking_that_time_again(client, venue, slot_start):
    booking = made(client, venue, slot_start)
    client.post(f"/bookings/{booking.reference}/", {"phone": "13812345678"})
    again = post(client, form_data(slot_start))
    assert again.status_code == 302 and again["Location"] != f"/bookings/{booking.reference}/"
    assert Booking.objects.filter(status=Booking.Status.PENDING).count() == 1


def test_a_booking_without_accepting_the_notice_is_refused(client, venue, slot_start):
    data = form_data(slot_start)
    del data["consent"]
    response = assert_refused(client, data, "Tick the box to accept the notice")
    assert "without it we cannot take the booking" in response.content.decode()


def test_the_form_shows_the_notice_and_the_booking_keeps_the_version_accepted(
    client, venue, slot_start, superuser
):
    from venues.models import PrivacyNotice

    page = client.get("/venues/jiafeng/book/").content.decode()
    first = PrivacyNotice.current()
    assert first.version == 1 and "365" in first.text and "监护人" in first.text
    assert "365" in page and "version 1" in page
    booking = made(client, venue, slot_start)
    assert booking.privacy_notice == first and booking.consented_at is not None

    # Staff change the text: a new version, the old one kept with the bookings that accepted it.
    client.force_login(superuser)
    response = client.post(
        f"/admin/venues/privacynotice/{first.pk}/change/",
        {"text": first.text + "\n新增：讲解时可能拍照留档。"},
    )
    assert response.status_code == 302
    assert list(PrivacyNotice.objects.values_list("version", flat=True)) == [2, 1]
    assert PrivacyNotice.objects.get(version=1).text == first.text
    client.logout()
    later = made(client, venue, slot_start + timedelta(hours=1), phone="13900000001")
    assert later.privacy_notice.version == 2
    booking.refresh_from_db()
    assert booking.privacy_notice.version == 1
    client.force_login(superuser)
    assert client.get(f"/admin/venues/privacynotice/{first.pk}/delete/").status_code == 403


def test_over_the_limit_the_form_comes_back_as_typed_with_the_reason(client, venue, slot_start, settings):
    settings.RATE_LIMITS = {"booking_phone": (1, 3600)}
    assert post(client, form_data(slot_start)).status_code == 302
    response = post(
        client, form_data(slot_start + timedelta(hours=1), contact_name="王小明", purpose="参观学习")
    )
    text = response.content.decode()
    assert response.status_code == 429
    assert 'id="error-summary"' in text and "Too many bookings with this phone number" in text
    assert 'value="王小明"' in text and "参观学习" in text
    assert Booking.objects.count() == 1
