"""Capacity holds under concurrency: many visitors book the last places of a slot at the same moment.

Each thread posts the public booking form with its own test client, so every request runs on the thread's
own database connection (Django's connections are per thread), and closes that connection at the end.
"""

import sqlite3
import threading
import uuid
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client, override_settings

from tests.conftest import require_free_connections
from tests.venues.conftest import slot_value
from venues.models import Booking, Slot
from venues.services import booking_create

REQUESTS = 60
CAPACITY = 10
ALREADY_BOOKED = 7  # the last three places are left
NO_LIMITS = {name: (10_000, 3600) for name in ("booking_ip", "booking_phone", "cancel_ip", "cancel_tries")}


def fire_concurrent_bookings(slug, starts_at, sizes, phones=None):
    """Post one booking per size from its own thread, all released at once; returns each thread's outcome.
    Each thread has its own phone number unless ``phones`` gives them."""
    if connection.vendor == "postgresql":
        require_free_connections(len(sizes) + 5)
    barrier = threading.Barrier(len(sizes))
    outcomes = [None] * len(sizes)

    def worker(index, size):
        client = Client()
        data = {
            "visitor_kind": "resident",
            "size": size,
            "contact_name": "访客",
            "phone": phones[index] if phones else f"139{index:08d}",
            "slot": slot_value(starts_at),
            "consent": "on",
            "token": str(uuid.uuid4()),
        }
        try:
            barrier.wait(timeout=30)
            response = client.post(f"/venues/{slug}/book/", data)
            text = response.content.decode()
            if response.status_code == 302:
                outcomes[index] = ("booked", response["Location"].strip("/").split("/")[-1])
            elif response.status_code == 200 and ("This slot is full" in text or "places are left" in text):
                outcomes[index] = ("full", None)
            else:
                outcomes[index] = ("other", response.status_code)
        except Exception as error:  # a 500 or a lock error would land here
            outcomes[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, size)) for i, size in enumerate(sizes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def prepare(venue, slot_start):
    venue.capacity = CAPACITY
    venue.needs_approval = False
    venue.save()
    booking_create(
        venue=venue,
        starts_at=slot_start,
        offering=None,
        visitor_kind="school",
        organisation="一中",
        size=ALREADY_BOOKED,
        contact_name="老师",
        phone="13800000000",
    )


def check(outcomes, sizes, references_in_db, booked_places):
    kinds = [kind for kind, _ in outcomes]
    print(
        f"\n{len(sizes)} concurrent requests: {kinds.count('booked')} booked, {kinds.count('full')} full, "
        f"{len(sizes) - kinds.count('booked') - kinds.count('full')} other; booked places {booked_places}/{CAPACITY}"
    )
    assert kinds.count("error") == 0 and kinds.count("other") == 0, [o for o in outcomes if o[0] != "booked"][
        :5
    ]
    booked = [ref for kind, ref in outcomes if kind == "booked"]
    assert booked_places == CAPACITY
    assert sum(size for (kind, _), size in zip(outcomes, sizes, strict=True) if kind == "booked") == (
        CAPACITY - ALREADY_BOOKED
    )
    assert kinds.count("booked") + kinds.count("full") == len(sizes)
    # Nothing lost: every "booked" answer is a booking in the database, and nothing else was saved.
    assert sorted(booked) == sorted(references_in_db)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(RATE_LIMITS=NO_LIMITS)
def test_concurrent_bookings_never_overbook_on_postgresql(venue, slot_start):
    prepare(venue, slot_start)
    sizes = [1] * 40 + [2] * 10 + [3] * (REQUESTS - 50)
    outcomes = fire_concurrent_bookings(venue.slug, slot_start, sizes)
    slot = Slot.objects.get(venue=venue, starts_at=slot_start)
    references = list(
        Booking.objects.filter(slot=slot, phone__startswith="139").values_list("reference", flat=True)
    )
    check(outcomes, sizes, references, slot.booked_places)
    assert sum(Booking.objects.filter(slot=slot).values_list("size", flat=True)) == CAPACITY


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(RATE_LIMITS=NO_LIMITS)
def test_one_phone_sending_at_once_from_many_tabs_gets_one_booking_on_postgresql(venue, slot_start):
    venue.needs_approval = False
    venue.save()
    ways = ["13912345678", "139 1234 5678", "+86 139-1234-5678", "１３９１２３４５６７８"]
    phones = [ways[i % len(ways)] for i in range(30)]
    outcomes = fire_concurrent_bookings(venue.slug, slot_start, [1] * 30, phones=phones)
    assert {kind for kind, _reference in outcomes} == {"booked"}, outcomes
    [booking] = Booking.objects.filter(phone="13912345678")
    assert {reference for _kind, reference in outcomes} == {booking.reference}
    assert Slot.objects.get(venue=venue, starts_at=slot_start).booked_places == 1


@contextmanager
def threads_use_a_file_copy_of_the_test_database(tmp_path):
    """SQLite: the test database lives in memory, which other connections cannot share with locking that
    waits (shared-cache mode fails with "table is locked"). Copy it to a file and point the connections the
    threads open at that file; the main thread's open connection stays on the in-memory database."""
    path = str(tmp_path / "concurrency.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    settings_dict = connections.settings["default"]
    original = settings_dict["NAME"]
    settings_dict["NAME"] = path
    try:
        yield path
    finally:
        settings_dict["NAME"] = original


def read_in_thread(fn):
    result = {}

    def run():
        try:
            result["value"] = fn()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


@pytest.mark.django_db(transaction=True)
@override_settings(RATE_LIMITS=NO_LIMITS)
def test_concurrent_bookings_never_overbook_on_sqlite(venue, slot_start, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    prepare(venue, slot_start)
    sizes = [1] * 40 + [2] * 10 + [3] * (REQUESTS - 50)
    with threads_use_a_file_copy_of_the_test_database(tmp_path):
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        outcomes = fire_concurrent_bookings(venue.slug, slot_start, sizes)

        def state():
            slot = Slot.objects.get(venue__slug=venue.slug, starts_at=slot_start)
            refs = list(
                Booking.objects.filter(slot=slot, phone__startswith="139").values_list("reference", flat=True)
            )
            total = sum(Booking.objects.filter(slot=slot).values_list("size", flat=True))
            return slot.booked_places, refs, total

        booked_places, references, total = read_in_thread(state)
    check(outcomes, sizes, references, booked_places)
    assert total == CAPACITY


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_an_overbooked_slot(venue, slot_start):
    prepare(venue, slot_start)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(venue=venue).update(booked_places=CAPACITY + 1)
    assert Slot.objects.get().booked_places == ALREADY_BOOKED
