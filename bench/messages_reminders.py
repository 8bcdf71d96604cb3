"""The evening reminder run for 10,000 confirmed visits of one day: how long queuing takes (target ≤ 30 s),
then a real worker sending them (outbox delivery), each exactly once — the run is started twice.

    .venv/bin/python bench/messages_reminders.py [bookings]     # DATABASE_URL default …/bench_msgs

It drops and recreates the database, builds 100 venues in 20 communities with 10,000 confirmed bookings for
tomorrow (bulk inserts), then times ``venues.messages.queue_reminders`` against its floor: the bare
``bulk_create`` of the same 10,000 Message rows. Then a Celery worker (solo pool, Redis database 8) sends
them; the bench waits until every message is sent and checks that none was sent twice.
"""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_msgs")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("MESSAGES_DAILY_LIMIT", "1000")

from _database import recreate_database  # noqa: E402
from _worker import empty_broker, start_worker  # noqa: E402

BOOKINGS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
TARGET_SECONDS = 30


def main():
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from communities.models import Community, District, Subdistrict
    from messaging.models import Message
    from venues.messages import queue_reminders
    from venues.models import Booking, Slot, Venue

    call_command("migrate", verbosity=0)
    district = District.objects.create(name="老城区")
    office = Subdistrict.objects.create(district=district, name="西关办事处")
    communities = [Community.objects.create(subdistrict=office, name=f"第{i + 1}社区") for i in range(20)]
    venues = Venue.objects.bulk_create(
        Venue(community=communities[i % 20], slug=f"hall-{i}", name=f"活动室{i}", kind=Venue.Kind.READING_ROOM,
              capacity=200, public_bookable=True)
        for i in range(100)
    )  # fmt: skip
    tz = timezone.get_current_timezone()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    slots = Slot.objects.bulk_create(
        Slot(venue=venue, starts_at=datetime.datetime.combine(tomorrow, datetime.time(8 + h), tzinfo=tz),
             ends_at=datetime.datetime.combine(tomorrow, datetime.time(9 + h), tzinfo=tz), capacity=200)
        for venue in venues for h in range(10)
    )  # fmt: skip
    community_of = {venue.pk: venue.community_id for venue in venues}
    bookings = []
    for i in range(BOOKINGS):
        slot = slots[i % len(slots)]
        bookings.append(
            Booking(reference=f"B{i:011d}", venue_id=slot.venue_id, community_id=community_of[slot.venue_id],
                    slot=slot, visitor_kind="resident", size=1, contact_name=f"居民{i}", phone=f"139{i:08d}",
                    status=Booking.Status.CONFIRMED)
        )  # fmt: skip
    Booking.objects.bulk_create(bookings, batch_size=2000)
    evening = datetime.datetime.combine(tomorrow - datetime.timedelta(days=1), datetime.time(18), tzinfo=tz)
    print(f"{BOOKINGS:,} confirmed visits tomorrow in {len(venues)} venues; load {os.getloadavg()[0]:.1f}")

    # The floor: the same rows written by one bulk_create, nothing else.
    started = time.perf_counter()
    Message.objects.bulk_create(
        Message(kind="visit_reminder", channel="sms", recipient=f"139{i:08d}", params={}, text="x",
                key=f"floor:{i}")
        for i in range(BOOKINGS)
    )  # fmt: skip
    floor = time.perf_counter() - started
    Message.objects.all().delete()

    empty_broker()
    started = time.perf_counter()
    queued = queue_reminders(now=evening)
    seconds = time.perf_counter() - started
    again = queue_reminders(now=evening)
    print(
        f"queue_reminders: {queued:,} queued in {seconds:.1f} s ({'PASS' if seconds <= TARGET_SECONDS else 'FAIL'}"
        f" ≤ {TARGET_SECONDS} s); floor (bulk_create of the rows) {floor:.1f} s; ratio {seconds / floor:.1f}; "
        f"run again: {again} queued"
    )
    assert queued == BOOKINGS and again == 0

    worker = start_worker("messages", log_level="WARNING", empty=False)  # the reminders wait in it
    started = time.perf_counter()
    try:
        while (left := Message.objects.exclude(status=Message.Status.SENT).count()) > 0:
            if worker.poll() is not None:
                sys.exit(worker.log_path.read_text()[-2000:])
            time.sleep(1)
    finally:
        worker.terminate()
        worker.wait()
    sent_seconds = time.perf_counter() - started
    twice = Message.objects.exclude(attempts=1).count()
    print(
        f"worker: {BOOKINGS:,} sent (outbox) in {sent_seconds:.0f} s ({BOOKINGS / sent_seconds:.0f}/s, one worker); "
        f"sent more than once: {twice}; load {os.getloadavg()[0]:.1f}"
    )
    assert left == 0 and twice == 0


if __name__ == "__main__":
    main()
