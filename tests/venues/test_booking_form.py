"""The booking form is cached with its slot list (views.book): it must follow bookings, staff edits and the
language at once, offer no full slot, and cost a bounded number of queries whatever the number of slots."""

import re
import uuid
from datetime import time, timedelta

import pytest
from django.utils import timezone

from tests.venues.conftest import local_dt, make_venue, slot_value
from tests.venues.test_booking import form_data, post
from tests.venues.test_public_pages import book
from venues.models import Booking, Offering, OpeningHours, Slot

FORM = "/venues/jiafeng/book/"


def slot_select(text):
    return re.search(r'<select[^>]* name="slot"[^>]*>(.*?)</select>', text, re.S).group(1)


def offered(text):
    """The slot values the form offers."""
    return re.findall(r'<option value="([^"]+)"', slot_select(text))


def chosen(text):
    return re.findall(r'<option value="([^"]*)" selected>', slot_select(text))


def test_the_form_offers_every_free_slot_of_the_window(client, venue, slot_start):
    text = client.get(FORM).content.decode()
    values = offered(text)
    assert slot_value(slot_start) in values
    # 09:00–12:00 in one-hour slots, from the minimum notice (24 h) to the 28th day.
    assert 3 * 26 <= len(values) <= 3 * 28
    assert chosen(text) == []


def test_a_slot_filled_by_a_booking_is_no_longer_offered(client, venue, slot_start):
    assert slot_value(slot_start) in offered(client.get(FORM).content.decode())
    book(venue, slot_start, size=4)
    assert "(6 free)" in client.get(FORM).content.decode()
    book(venue, slot_start, size=6, phone="13900000001")
    text = client.get(FORM).content.decode()
    assert slot_value(slot_start) not in offered(text)
    assert slot_value(slot_start + timedelta(hours=1)) in offered(text)


def test_places_freed_by_a_cancellation_are_offered_again(client, venue, slot_start):
    from venues.services import booking_cancel

    booking = book(venue, slot_start, size=10)
    assert slot_value(slot_start) not in offered(client.get(FORM).content.decode())
    booking_cancel(booking, phone="13812345678")
    assert slot_value(slot_start) in offered(client.get(FORM).content.decode())


def test_a_slot_that_filled_after_the_form_was_shown_is_refused_as_full(client, venue, slot_start):
    """The visitor's page (or a cached form) may offer a slot that someone else has just filled: the POST
    answers with the "full" message, saves nothing, and the form shown again no longer offers the slot."""
    shown = client.get(FORM).content.decode()
    assert slot_value(slot_start) in offered(shown)
    book(venue, slot_start, size=10, phone="13900000000")
    response = post(client, form_data(slot_start, size=1))
    text = response.content.decode()
    assert response.status_code == 200
    assert "This slot is full. Choose another time." in text
    assert slot_value(slot_start) not in offered(text)
    assert Booking.objects.count() == 1
    assert Slot.objects.get().booked_places == 10


def test_a_full_slot_in_a_stale_cache_is_still_refused(client, venue, slot_start):
    """Even a cached form that is behind the database (places taken without a version bump, as a row written
    by hand or an import would) cannot overbook: the booking transaction checks the places."""
    client.get(FORM)
    Slot.objects.create(
        venue=venue,
        starts_at=slot_start,
        ends_at=slot_start + timedelta(hours=1),
        capacity=10,
        booked_places=10,
    )
    assert slot_value(slot_start) in offered(client.get(FORM).content.decode())  # the stale cache
    response = post(client, form_data(slot_start, size=1))
    assert "This slot is full. Choose another time." in response.content.decode()
    assert not Booking.objects.exists()
    assert Slot.objects.get().booked_places == 10


def test_the_form_shown_again_keeps_the_visitors_answers_and_errors(client, venue, slot_start):
    response = post(client, form_data(slot_start, phone="12345", contact_name="王五", purpose="家风教育"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid phone number" in text
    assert chosen(text) == [slot_value(slot_start)]
    assert 'value="王五"' in text and "家风教育</textarea>" in text
    assert not Booking.objects.exists()


def test_a_link_from_the_venue_page_chooses_its_slot_in_the_cached_form(client, venue, slot_start):
    client.get(FORM)  # cached without a choice
    later = slot_start + timedelta(days=1, hours=1)
    assert chosen(client.get(FORM, {"slot": slot_value(later)}).content.decode()) == [slot_value(later)]
    assert chosen(client.get(FORM, {"slot": slot_value(slot_start)}).content.decode()) == [
        slot_value(slot_start)
    ]
    assert chosen(client.get(FORM).content.decode()) == []


@pytest.mark.parametrize("value", ["tomorrow", "2020-01-01T10:00", '"><script>', "2099-01-01T10:00"])
def test_a_slot_link_that_is_not_offered_chooses_nothing(client, venue, value):
    response = client.get(FORM, {"slot": value})
    assert response.status_code == 200
    text = response.content.decode()
    assert chosen(text) == []
    assert "<script>" not in slot_select(text)


def test_a_full_slot_linked_from_an_old_page_is_not_chosen(client, venue, slot_start):
    book(venue, slot_start, size=10)
    assert chosen(client.get(FORM, {"slot": slot_value(slot_start)}).content.decode()) == []


def test_a_menu_item_added_by_staff_is_offered_at_once(client, staff, venue):
    assert "讲解参观" not in client.get(FORM).content.decode()
    client.force_login(staff)
    response = client.post(
        "/admin/venues/offering/add/",
        {"venue": venue.pk, "name": "讲解参观", "duration_minutes": 45, "position": 1},
    )
    assert response.status_code == 302
    assert Offering.objects.filter(venue=venue).exists()
    client.logout()
    assert "讲解参观" in client.get(FORM).content.decode()


def test_a_closure_added_by_staff_removes_its_slots_at_once(client, staff, venue, slot_start):
    assert slot_value(slot_start) in offered(client.get(FORM).content.decode())
    client.force_login(staff)
    day = slot_start.date().isoformat()
    response = client.post(
        "/admin/venues/closure/add/", {"venue": venue.pk, "starts_on": day, "ends_on": day, "reason": "检修"}
    )
    assert response.status_code == 302
    client.logout()
    assert not [v for v in offered(client.get(FORM).content.decode()) if v.startswith(day)]


def test_the_cached_form_follows_the_language(client, venue):
    assert "Choose a time" in client.get(FORM).content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": FORM})
    text = client.get(FORM).content.decode()
    assert "请选择时段" in text and "Choose a time" not in text


def busy_venue(community):
    """A venue open 08:00–20:00 every day in 15-minute slots (over 1,200 bookable in four weeks), some booked."""
    venue = make_venue(community, slug="busy", slot_minutes=15, capacity=5)
    OpeningHours.objects.filter(venue=venue).update(opens=time(8), closes=time(20))
    first = timezone.localdate() + timedelta(days=2)
    Slot.objects.bulk_create(
        Slot(
            venue=venue,
            starts_at=local_dt(first + timedelta(days=day), 8) + timedelta(minutes=15 * i),
            ends_at=local_dt(first + timedelta(days=day), 8) + timedelta(minutes=15 * (i + 1)),
            capacity=5,
            booked_places=5 if i % 3 == 0 else 2,
        )
        for day in range(20)
        for i in range(48)
    )
    return venue


def test_the_form_runs_a_bounded_number_of_queries_whatever_the_number_of_slots(
    client, community, django_assert_max_num_queries
):
    busy_venue(community)
    with django_assert_max_num_queries(7):
        text = client.get("/venues/busy/book/").content.decode()
    assert len(offered(text)) > 900
    # Shown again while no booking changes: one query, for the venue's name and availability version.
    with django_assert_max_num_queries(1):
        assert client.get("/venues/busy/book/", {"slot": offered(text)[0]}).status_code == 200


def test_a_booking_runs_a_bounded_number_of_queries_whatever_the_number_of_slots(
    client, community, django_assert_max_num_queries
):
    venue = busy_venue(community)
    starts_at = local_dt(timezone.localdate() + timedelta(days=3), 8, 15)  # booked 2 of 5
    # venue, the form's earlier booking (the view, then the service: its key or the phone's at this time),
    # the privacy notice, closure, opening hours; in the transaction (savepoint and release in a test): availability version,
    # slot, booking, its history entry (2), places, the visitor's SMS (the number's messages today,
    # savepoint, insert, release).
    with django_assert_max_num_queries(18):
        response = post(client, form_data(starts_at, size=3), slug="busy")
    assert response.status_code == 302
    assert Slot.objects.get(venue=venue, starts_at=starts_at).booked_places == 5
    # Refused as full: the form is shown again from its slot list (schedule, render) in a bounded number too
    # (the privacy notice and the earlier-booking check included).
    with django_assert_max_num_queries(22):
        response = post(client, form_data(starts_at, size=1, phone="13900000001"), slug="busy")
    assert "This slot is full" in response.content.decode()
    assert slot_value(starts_at) not in offered(response.content.decode())


def test_a_slot_filled_while_the_booking_was_sent_is_not_offered_again(
    client, venue, slot_start, monkeypatch
):
    """Someone else takes the last places between the moment this request read the venue and its own booking
    transaction: the form shown with the "full" message reads the slot list as it is after that booking."""
    from venues import views

    client.get(FORM)  # the form is cached with the slot free
    real = views.booking_create

    def someone_else_first(**kwargs):
        book(venue, slot_start, size=10, phone="13900000000")
        return real(**kwargs)

    monkeypatch.setattr(views, "booking_create", someone_else_first)
    text = post(client, form_data(slot_start, size=1)).content.decode()
    assert "This slot is full. Choose another time." in text
    assert slot_value(slot_start) not in offered(text)
    assert Booking.objects.count() == 1


def form_token(text):
    return re.search(r'name="token" value="([^"]*)"', text).group(1)


def test_the_form_shown_again_keeps_the_visitors_token(client, venue, slot_start):
    data = form_data(slot_start, phone="12345")
    assert form_token(post(client, data).content.decode()) == data["token"]


@pytest.mark.parametrize("token", ["", "not-a-uuid"])
def test_a_form_sent_without_a_valid_token_comes_back_with_a_new_one(client, venue, slot_start, token):
    response = post(client, form_data(slot_start, token=token))
    assert response.status_code == 200
    assert not Booking.objects.exists()
    fresh = form_token(response.content.decode())
    assert uuid.UUID(fresh) and fresh != token
    assert post(client, form_data(slot_start, token=fresh)).status_code == 302
    assert Booking.objects.count() == 1
