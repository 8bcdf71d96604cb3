"""Check-in at the door: the booking's QR code, the staff's check-in page, the visit register, no-shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.venues.conftest import local_dt
from tests.venues.test_admin import make_booking, past_booking
from venues import checkin
from venues.models import Booking, Slot, VisitRecord

pytestmark = pytest.mark.django_db


def moved(venue, start, hour=11, **fields):
    """A confirmed booking whose slot starts at ``start`` (made days ahead at ``hour``, then moved: a booking
    needs notice, and a visit in the past cannot be booked)."""
    booking = make_booking(venue, local_dt(timezone.localdate() + timedelta(days=3), hour), **fields)
    Slot.objects.filter(pk=booking.slot_id).update(starts_at=start, ends_at=start + timedelta(hours=1))
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED)
    booking.refresh_from_db()
    return booking


def starting_soon(venue, minutes=10, **fields):
    return moved(venue, timezone.now() + timedelta(minutes=minutes), **fields)


@pytest.fixture
def slot_soon():
    return local_dt(timezone.localdate() + timedelta(days=3), 10)


def check_in_url(venue):
    return f"/venues/{venue.slug}/check-in/"


def test_a_confirmed_booking_shows_its_check_in_code(client, venue, slot_soon):
    booking = make_booking(venue, slot_soon)
    assert client.get(f"/bookings/{booking.reference}/check-in-code.svg").status_code == 404  # pending
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED)
    page = client.get(f"/bookings/{booking.reference}/").content.decode()
    assert f"/bookings/{booking.reference}/check-in-code.svg" in page and "big-reference" in page
    response = client.get(f"/bookings/{booking.reference}/check-in-code.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]


def test_typing_the_reference_at_the_door_enters_the_visit_register(client, staff, venue):
    booking = starting_soon(venue, size=5)
    client.force_login(staff)
    typed = booking.reference[:4].lower() + " - " + booking.reference[4:]
    page = client.get(check_in_url(venue), {"code": typed})
    assert page.status_code == 200 and booking.reference in page.content.decode()
    response = client.post(check_in_url(venue), {"code": typed, "visitors": "4"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    record = VisitRecord.objects.get(booking=booking)
    assert record.visitors == 4 and record.venue == venue
    again = client.post(check_in_url(venue), {"code": booking.reference, "visitors": "4"})
    assert "already checked in" in again.content.decode()
    assert VisitRecord.objects.filter(booking=booking).count() == 1


def test_the_scanned_code_is_a_signed_token_and_a_forged_one_is_refused(client, staff, venue):
    booking = starting_soon(venue)
    client.force_login(staff)
    token = checkin.token_for(booking)
    assert token.startswith(booking.reference + ":")
    assert client.get(check_in_url(venue), {"code": token}).status_code == 200
    forged = booking.reference + ":not-the-signature"
    response = client.get(check_in_url(venue), {"code": forged})
    assert response.status_code == 404 and "No booking of this venue" in response.content.decode()


def test_another_units_staff_cannot_check_in_or_see_the_booking(client, outsider, venue, other_venue):
    booking = starting_soon(venue)
    client.force_login(outsider)
    assert client.get(check_in_url(venue), {"code": booking.reference}).status_code == 404
    # Their own venue's page does not find another venue's booking either.
    response = client.get(check_in_url(other_venue), {"code": booking.reference})
    assert response.status_code == 404 and booking.organisation not in response.content.decode()
    response = client.post(check_in_url(other_venue), {"code": booking.reference, "visitors": "3"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and not VisitRecord.objects.exists()


def test_the_page_needs_a_staff_account(client, venue):
    response = client.get(check_in_url(venue))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("visitors", ["0", "-3", "二十", ""])
def test_a_wrong_count_is_refused_and_nothing_is_entered(client, staff, venue, visitors):
    booking = starting_soon(venue)
    client.force_login(staff)
    response = client.post(check_in_url(venue), {"code": booking.reference, "visitors": visitors})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not VisitRecord.objects.exists()


def test_too_early_and_unconfirmed_bookings_are_refused_with_the_reason(client, staff, venue, slot_soon):
    early = starting_soon(venue, minutes=90)
    client.force_login(staff)
    text = client.post(check_in_url(venue), {"code": early.reference, "visitors": "2"}).content.decode()
    assert "Too early" in text
    pending = make_booking(venue, slot_soon, phone="13900000002")
    text = client.get(check_in_url(venue), {"code": pending.reference}).content.decode()
    assert "Check in</button>" not in text  # only a confirmed booking gets the form
    assert not VisitRecord.objects.exists()


def test_bookings_nobody_checked_in_become_no_shows(venue, settings):
    settings.NO_SHOW_AFTER_MINUTES = 60
    late = past_booking(venue)  # started yesterday
    soon = starting_soon(venue, phone="13900000003")
    assert checkin.mark_no_shows() == 1
    late.refresh_from_db()
    soon.refresh_from_db()
    assert late.status == Booking.Status.NO_SHOW and soon.status == Booking.Status.CONFIRMED
    assert checkin.mark_no_shows() == 0  # nothing twice


def test_a_phone_with_three_no_shows_has_its_next_booking_approved_by_staff(venue, slot_soon, settings):
    settings.NO_SHOW_LIMIT = 3
    venue.needs_approval = False
    venue.save()
    for days_ago, hour in ((3, 9), (20, 10), (60, 11)):
        start = local_dt(timezone.localdate() - timedelta(days=days_ago), 9)
        missed = moved(venue, start, hour=hour)
        Booking.objects.filter(pk=missed.pk).update(status=Booking.Status.NO_SHOW)
    other = make_booking(venue, slot_soon, phone="13900000004")
    assert other.status == Booking.Status.CONFIRMED  # another phone: as the venue says
    mine = make_booking(venue, slot_soon + timedelta(hours=1))
    assert mine.status == Booking.Status.PENDING
