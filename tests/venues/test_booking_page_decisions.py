"""The booking's own admin page decides on it: approve, reject with a reason, complete with how many came,
no-show; each button only where the booking's status and time allow it and for accounts that may change
bookings, each through the list's action (the same service), then back to the booking's page."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from tests.venues.test_admin import make_booking, past_booking
from venues.models import Booking, Slot, VisitRecord

pytestmark = pytest.mark.django_db

DECISIONS = ["approve", "reject", "complete", "no_show"]


def change_url(booking):
    return reverse("admin:venues_booking_change", args=[booking.pk])


def decide_url(booking, decision):
    return reverse("admin:venues_booking_decide", args=[booking.pk, decision])


def buttons(page) -> list[str]:
    """The decisions the page offers, in order."""
    text = page.content.decode()
    return [decision for decision in DECISIONS if f'id="decide-{decision}"' in text]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_pending_booking_offers_approve_and_reject(client, staff, venue, slot_start):
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    page = client.get(change_url(booking))
    assert buttons(page) == ["approve", "reject"]
    assert f'action="{decide_url(booking, "approve")}"' in page.content.decode()


def test_a_confirmed_future_visit_can_only_be_rejected(client, staff, venue, slot_start):
    booking = make_booking(venue, slot_start)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED)
    client.force_login(staff)
    assert buttons(client.get(change_url(booking))) == ["reject"]


def test_a_confirmed_visit_that_has_started_can_be_completed_or_missed(client, staff, venue):
    booking = past_booking(venue)
    client.force_login(staff)
    assert buttons(client.get(change_url(booking))) == ["reject", "complete", "no_show"]


@pytest.mark.parametrize(
    "status",
    [Booking.Status.REJECTED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW, Booking.Status.CANCELLED],
)
def test_a_decided_booking_offers_nothing(client, staff, venue, status):
    booking = past_booking(venue, status=status)
    client.force_login(staff)
    page = client.get(change_url(booking))
    assert page.status_code == 200 and buttons(page) == []
    assert 'id="booking-decisions"' not in page.content.decode()


def test_approve_from_the_booking_page(client, staff, venue, slot_start):
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    response = client.post(decide_url(booking, "approve"), follow=True)
    assert response.redirect_chain == [(change_url(booking), 302)]
    assert messages_of(response) == ["1 booking approved."]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.decided_at is not None
    entry = LogEntry.objects.get_for_object(booking).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == staff and entry.changes["status"] == ["pending", "confirmed"]
    assert buttons(response) == ["reject"], "the page now offers what a confirmed booking allows"


def test_the_page_says_so_in_chinese(client, staff, venue, slot_start, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    page = client.get(change_url(booking)).content.decode()
    assert "批准" in page and "拒绝（需填写理由）" in page and "对此预约作出决定" in page
    response = client.post(decide_url(booking, "approve"), follow=True)
    assert messages_of(response) == ["已批准 1 条预约。"]


def test_reject_from_the_booking_page_asks_for_the_reason(client, staff, venue, slot_start):
    booking = make_booking(venue, slot_start, size=4)
    client.force_login(staff)
    url = decide_url(booking, "reject")
    form = client.post(url)
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode() and booking.reference in form.content.decode()

    missing = client.post(url, {"apply": "1", "reason": "   "})
    assert missing.status_code == 200
    assert "Give the visitor a reason for the rejection." in missing.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING and booking.slot.booked_places == 4, "nothing saved"

    response = client.post(url, {"apply": "1", "reason": "场馆维修"}, follow=True)
    assert response.redirect_chain == [(change_url(booking), 302)]
    assert messages_of(response) == ["1 booking rejected."]
    booking.refresh_from_db()
    assert (booking.status, booking.reject_reason) == (Booking.Status.REJECTED, "场馆维修")
    assert Slot.objects.get(pk=booking.slot_id).booked_places == 0, "the places are free again"


def test_complete_from_the_booking_page_asks_how_many_came(client, staff, venue):
    booking = past_booking(venue, size=5)
    client.force_login(staff)
    url = decide_url(booking, "complete")
    form = client.post(url)
    assert form.status_code == 200 and f'name="visitors_{booking.pk}"' in form.content.decode()

    for bad in ("", "0", "三"):
        refused = client.post(url, {"apply": "1", f"visitors_{booking.pk}": bad})
        assert refused.status_code == 200
        assert "Enter how many visitors came (at least 1)." in refused.content.decode()
    assert not VisitRecord.objects.exists()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED

    response = client.post(url, {"apply": "1", f"visitors_{booking.pk}": "4"}, follow=True)
    assert response.redirect_chain == [(change_url(booking), 302)]
    assert messages_of(response) == ["1 visit completed and entered in the visit register."]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    assert VisitRecord.objects.get(booking=booking).visitors == 4


def test_no_show_from_the_booking_page(client, staff, venue):
    booking = past_booking(venue)
    client.force_login(staff)
    response = client.post(decide_url(booking, "no_show"), follow=True)
    assert messages_of(response) == ["1 booking marked as no-show."]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW


def test_a_decision_the_state_no_longer_allows_changes_nothing(client, staff, venue, slot_start):
    """Two people on the same page: the second click finds the booking already decided."""
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    client.post(decide_url(booking, "approve"), follow=True)  # (its message shown)
    response = client.post(decide_url(booking, "approve"), follow=True)
    assert messages_of(response) == ["1 booking was not in a state that allows this and was left unchanged."]
    assert LogEntry.objects.get_for_object(booking).filter(action=LogEntry.Action.UPDATE).count() == 1


def test_a_future_visit_cannot_be_completed_from_its_page_either(client, staff, venue, slot_start):
    booking = make_booking(venue, slot_start)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED)
    client.force_login(staff)
    response = client.post(decide_url(booking, "no_show"), follow=True)
    assert messages_of(response) == [
        f"{booking.reference}: A visit can be marked as missed once it has started."
    ]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


@pytest.mark.parametrize("decision", DECISIONS)
def test_another_units_booking_is_not_found(client, outsider, venue, decision):
    booking = past_booking(venue)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.PENDING)
    client.force_login(outsider)
    data = {"apply": "1", "reason": "x", f"visitors_{booking.pk}": "3"}
    assert client.post(decide_url(booking, decision), data).status_code == 404
    assert client.get(decide_url(booking, decision)).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    assert not VisitRecord.objects.exists()


def test_a_booking_that_does_not_exist_and_an_unknown_decision_are_not_found(
    client, staff, venue, slot_start
):
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    assert (
        client.post(reverse("admin:venues_booking_decide", args=[booking.pk + 1000, "approve"])).status_code
        == 404
    )
    assert client.post(decide_url(booking, "cancel")).status_code == 404
    assert client.post(decide_url(booking, "delete")).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_a_decision_is_a_post(client, staff, venue, slot_start):
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    assert client.get(decide_url(booking, "approve")).status_code == 405
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_a_decision_without_the_csrf_token_is_refused(staff, venue, slot_start):
    booking = make_booking(venue, slot_start)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    assert browser.post(decide_url(booking, "approve")).status_code == 403
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_a_supervisor_sees_the_booking_without_buttons_and_cannot_decide(
    client, supervisor, venue, slot_start
):
    booking = make_booking(venue, slot_start)
    client.force_login(supervisor)
    page = client.get(change_url(booking))
    assert page.status_code == 200 and buttons(page) == []
    assert client.post(decide_url(booking, "approve")).status_code == 403
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_the_page_costs_the_same_queries_whatever_the_venues_bookings(
    client, staff, venue, slot_start, django_assert_max_num_queries
):
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    client.get(change_url(booking))
    with django_assert_max_num_queries(40) as few:
        assert buttons(client.get(change_url(booking))) == ["approve", "reject"]
    for day in range(1, 4):
        for hours in (-1, 0, 1):  # the venue opens 09:00-12:00
            make_booking(
                venue, slot_start + timedelta(days=day, hours=hours), phone=f"1390000{day}{hours + 1}00"
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert buttons(client.get(change_url(booking))) == ["approve", "reject"]
