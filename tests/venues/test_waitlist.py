"""The waitlist of a full slot: join from the form that said it is full, freed places offered to the first in
line whose group fits (held, so nobody else takes them), accepted, or passed on when the offer expires."""

import datetime

import pytest

from messaging.models import Message
from tests.conftest import require_free_connections
from tests.venues.test_booking import form_data, post
from venues import waitlist
from venues.models import Booking, Slot, WaitlistEntry
from venues.services import booking_cancel

THREADS = 60


@pytest.fixture
def full(client, venue, slot_start):
    """The slot of ``slot_start`` booked out (10 places): 6 by 13800000006, 4 by 13800000004."""
    assert post(client, form_data(slot_start, size=6, phone="13800000006")).status_code == 302
    assert post(client, form_data(slot_start, size=4, phone="13800000004")).status_code == 302
    return Slot.objects.get()


def join(client, slot_start, size, phone):
    data = {"slot": form_data(slot_start)["slot"], "size": size, "contact_name": "候补", "phone": phone}
    return client.post("/venues/jiafeng/waitlist/", data)


def test_the_full_form_offers_the_waitlist_and_joining_shows_the_place_in_line(client, full, slot_start):
    response = post(client, form_data(slot_start, size=2, phone="13900000001"))
    page = response.content.decode()
    assert "This slot is full" in page and 'action="/venues/jiafeng/waitlist/"' in page
    response = join(client, slot_start, 2, "139 0000 0001")
    entry = WaitlistEntry.objects.get()
    assert response["Location"] == f"/waitlist/{entry.token}/"
    assert (entry.phone, entry.size, entry.status) == ("13900000001", 2, WaitlistEntry.Status.WAITING)
    join(client, slot_start, 1, "13900000002")
    second = WaitlistEntry.objects.get(phone="13900000002")
    assert "You are number 2 in line" in client.get(f"/waitlist/{second.token}/").content.decode()


def test_a_slot_with_free_places_has_no_waitlist(client, venue, slot_start):
    post(client, form_data(slot_start, size=3))
    response = join(client, slot_start, 2, "13900000001")
    assert response.status_code == 400 and "book them instead" in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_a_cancellation_offers_the_places_to_the_first_whose_group_fits(client, full, slot_start):
    join(client, slot_start, 5, "13900000005")  # first in line, but 5 will not fit in 4
    join(client, slot_start, 3, "13900000003")
    booking_cancel(Booking.objects.get(phone="13800000004"), phone="13800000004")
    big, small = WaitlistEntry.objects.get(size=5), WaitlistEntry.objects.get(size=3)
    assert big.status == WaitlistEntry.Status.WAITING
    assert small.status == WaitlistEntry.Status.OFFERED
    assert full.__class__.objects.get().booked_places == 6 + 3  # held for the offer
    offer = Message.objects.get(kind="waitlist_offer")
    assert offer.recipient == "13900000003" and f"/waitlist/{small.token}/" in offer.text
    # The held places are not for anyone else: one free place is left.
    assert (
        "places are left" in post(client, form_data(slot_start, size=2, phone="13700000000")).content.decode()
    )

    response = client.post(f"/waitlist/{small.token}/", {"action": "accept"})
    booking = Booking.objects.get(phone="13900000003")
    assert response["Location"] == f"/bookings/{booking.reference}/"
    assert booking.size == 3 and Slot.objects.get().booked_places == 9  # the held places, not taken twice
    small.refresh_from_db()
    assert small.status == WaitlistEntry.Status.BOOKED and small.booking == booking


def test_an_offer_not_taken_up_passes_to_the_next(client, full, slot_start):
    join(client, slot_start, 4, "13900000041")
    join(client, slot_start, 4, "13900000042")
    booking_cancel(Booking.objects.get(phone="13800000004"), phone="13800000004")
    first = WaitlistEntry.objects.get(phone="13900000041")
    assert first.status == WaitlistEntry.Status.OFFERED
    later = first.offered_until + datetime.timedelta(seconds=1)
    assert waitlist.expire_offers(now=later) == 1
    first.refresh_from_db()
    second = WaitlistEntry.objects.get(phone="13900000042")
    assert first.status == WaitlistEntry.Status.EXPIRED and second.status == WaitlistEntry.Status.OFFERED
    assert Slot.objects.get().booked_places == 10
    page = client.post(f"/waitlist/{first.token}/", {"action": "accept"}).content.decode()
    assert "no longer open" in page and not Booking.objects.filter(phone="13900000041").exists()


def test_leaving_with_an_offer_passes_it_on(client, full, slot_start):
    join(client, slot_start, 4, "13900000041")
    join(client, slot_start, 4, "13900000042")
    booking_cancel(Booking.objects.get(phone="13800000004"), phone="13800000004")
    first = WaitlistEntry.objects.get(phone="13900000041")
    client.post(f"/waitlist/{first.token}/", {"action": "leave"})
    first.refresh_from_db()
    assert first.status == WaitlistEntry.Status.LEFT
    assert WaitlistEntry.objects.get(phone="13900000042").status == WaitlistEntry.Status.OFFERED
    assert Slot.objects.get().booked_places == 10


def test_no_offer_within_the_venues_notice(client, full, slot_start, venue):
    join(client, slot_start, 4, "13900000041")
    Slot.objects.filter(pk=full.pk).update(booked_places=6)  # four places free
    too_late = slot_start - datetime.timedelta(hours=venue.min_notice_hours)  # no one could still book
    assert waitlist.offer_freed_places(full.pk, now=too_late) == []
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.WAITING
    in_time = too_late - datetime.timedelta(minutes=30)
    [entry] = waitlist.offer_freed_places(full.pk, now=in_time)
    entry.refresh_from_db()
    assert entry.offered_until == too_late  # never past the notice limit, even within the 2 hours


def test_a_larger_capacity_offers_places_to_those_waiting(client, full, slot_start, venue):
    from venues.services import venue_capacity_changed

    join(client, slot_start, 2, "13900000002")
    venue.capacity = 12
    venue.save()
    venue_capacity_changed(venue, by=None)
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.OFFERED
    assert Slot.objects.get().booked_places == 12


def test_staff_see_their_units_waitlist_with_the_phone_masked(client, full, slot_start, staff, outsider):
    join(client, slot_start, 2, "13900000002")
    client.force_login(staff)
    page = client.get("/admin/venues/waitlistentry/").content.decode()
    assert "139****0002" in page and "13900000002" not in page
    client.force_login(outsider)
    assert "139****0002" not in client.get("/admin/venues/waitlistentry/").content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_cancels_and_bookings_never_overbook_and_offer_each_place_once(venue, slot_start):
    """10 booked single places, 5 waiting; 200 actions at once in random order: 20 cancel (each booking
    twice), 180 book one place. Freed places go first to those waiting (held), the rest to the fastest."""
    import random
    import threading

    from django.db import connection

    from venues.services import BookingError, booking_create

    venue.needs_approval = False
    venue.save()

    def book(phone):
        return booking_create(
            venue=venue, starts_at=slot_start, offering=None, visitor_kind="resident", organisation="",
            size=1, contact_name="访客", phone=phone,
        )  # fmt: skip

    first = [book(f"1380000{i:04d}") for i in range(10)]
    for i in range(5):
        waitlist.join(venue=venue, starts_at=slot_start, size=1, contact_name="候补", phone=f"1370000{i:04d}")
    # 200 actions by 60 threads at once (PostgreSQL's default max_connections is 100).
    actions = list(range(200))
    require_free_connections(THREADS + 5)
    lock, barrier = threading.Lock(), threading.Barrier(THREADS)
    errors = []

    def act(index):
        try:
            if index < 20:
                booking = first[index % 10]
                booking_cancel(Booking.objects.get(pk=booking.pk), phone=booking.phone)
            else:
                book(f"1390000{index:04d}")
        except BookingError:
            pass  # full, or already cancelled: refused as it should be
        except Exception as error:  # anything else (a deadlock, an overbooking IntegrityError) fails the test
            errors.append(repr(error))

    def run():
        try:
            barrier.wait(timeout=60)
            while True:
                with lock:
                    if not actions:
                        return
                    index = actions.pop(random.randrange(len(actions)))
                act(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert errors == []
    slot = Slot.objects.get()
    holding = sum(
        Booking.objects.filter(slot=slot, status__in=Booking.HOLDING_PLACES).values_list("size", flat=True)
    )
    offered = WaitlistEntry.objects.filter(status=WaitlistEntry.Status.OFFERED).count()
    assert Booking.objects.filter(status=Booking.Status.CANCELLED).count() == 10
    assert offered == 5  # every one waiting got an offer …
    assert Message.objects.filter(kind="waitlist_offer").count() == 5  # … once
    assert slot.booked_places == holding + offered == slot.capacity  # no place lost, none counted twice


def test_the_venue_page_links_a_full_slot_to_its_waitlist_form(client, full, slot_start):
    value = form_data(slot_start)["slot"]
    page = client.get("/venues/jiafeng/").content.decode()
    assert f"/venues/jiafeng/waitlist/?slot={value}" in page
    form = client.get(f"/venues/jiafeng/waitlist/?slot={value}")
    assert form.status_code == 200 and f'value="{value}"' in form.content.decode()
    bad = client.post(
        "/venues/jiafeng/waitlist/", {"slot": value, "size": 0, "contact_name": "", "phone": "123"}
    )
    assert bad.status_code == 400 and not WaitlistEntry.objects.exists()
    assert "Enter a valid phone number" in bad.content.decode()
