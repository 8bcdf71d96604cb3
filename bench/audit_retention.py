"""Times the daily retention run, bulk history and the cost of history on ordinary saves.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_audit .venv/bin/python bench/audit_retention.py [rows]

It drops and recreates the database named in DATABASE_URL (default bench_audit on the local PostgreSQL),
builds one community with ``rows`` bookings and ``rows`` home visits older than the retention period (and as
many recent ones that must stay), gives each its "create" history with ``record_bulk_create``, then times
``purge_expired()`` (what ``manage.py purge_personal_data`` runs) and checks the counts did not change.
Floors: the first purge of a backlog anonymises at least 300 rows a second (100,000 rows in under six
minutes; a daily run has one day of rows), a second run finds
nothing in under a second, and history adds at most two queries to one ordinary save (the timings are
printed too).
"""

import datetime
import os
import sys
import time
from pathlib import Path

from _database import recreate_database  # bench/ is the script's folder: on sys.path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_audit")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
FLOOR_ROWS_PER_SECOND = 300
FLOOR_SECOND_RUN_SECONDS = 1.0
FLOOR_SAVE_QUERIES = 2


def main():
    recreate_database(required=False)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry
    from django.db import connection
    from django.utils import timezone

    from audit.history import record_bulk_create
    from audit.personal_data import ERASED, purge_expired
    from communities.models import Community, District, Person, Subdistrict
    from venues.models import Booking, Slot, Venue
    from volunteers.models import CareRecipient, HomeVisit, VolunteerTeam

    district = District.objects.create(name="老城区")
    subdistrict = Subdistrict.objects.create(district=district, name="西关办事处")
    community = Community.objects.create(subdistrict=subdistrict, name="环西社区")
    venue = Venue.objects.create(
        community=community, kind="family_values_hall", name="家风家训馆", slug="jiafeng"
    )
    team = VolunteerTeam.objects.create(name="环西社区党员志愿服务队", community=community)
    today = timezone.localdate()

    print(f"building {ROWS:,} old and {ROWS:,} recent bookings and home visits on {connection.vendor} …")
    started = time.perf_counter()
    days = [today - datetime.timedelta(days=400 + i % 300) for i in range(ROWS)] + [
        today - datetime.timedelta(days=1 + i % 300) for i in range(ROWS)
    ]
    slots = Slot.objects.bulk_create(
        Slot(
            venue=venue,
            starts_at=datetime.datetime.combine(day, datetime.time(9), tzinfo=timezone.get_current_timezone())
            + datetime.timedelta(seconds=i),
            ends_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())
            + datetime.timedelta(seconds=i),
            capacity=20,
            booked_places=3,
        )
        for i, day in enumerate(days)
    )
    bookings = Booking.objects.bulk_create(
        Booking(
            reference=f"B{i:011d}",
            venue=venue,
            community=community,
            slot=slot,
            visitor_kind="resident",
            size=3,
            contact_name=f"访客{i}",
            phone=f"138{i:08d}",
            purpose="参观学习",
            status="completed",
        )
        for i, slot in enumerate(slots)
    )
    people = Person.objects.bulk_create(
        Person(name=f"居民{i}", community=community, phone=f"139{i:08d}") for i in range(1000)
    )
    recipients = CareRecipient.objects.bulk_create(
        CareRecipient(person=person, community=community, health_notes="行动不便") for person in people
    )
    visits = HomeVisit.objects.bulk_create(
        HomeVisit(
            community=community,
            recipient=recipients[i % len(recipients)],
            team=team,
            visited_on=day,
            minutes=60,
            notes="血压偏高，已提醒服药",
        )
        for i, day in enumerate(days)
    )
    print(f"  built in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    record_bulk_create(Booking, bookings, None)
    record_bulk_create(HomeVisit, visits, None)
    seconds = time.perf_counter() - started
    print(f"record_bulk_create: {len(bookings) + len(visits):,} entries in {seconds:.1f} s "
          f"({(len(bookings) + len(visits)) / seconds:,.0f} rows/s)")  # fmt: skip

    counts_before = (Booking.objects.count(), HomeVisit.objects.count(), sum(b.size for b in bookings))
    started = time.perf_counter()
    done = purge_expired()
    seconds = time.perf_counter() - started
    anonymised = sum(done.values())
    rate = anonymised / seconds
    print(f"purge_expired (first run): {anonymised:,} rows anonymised in {seconds:.1f} s ({rate:,.0f} rows/s; floor "
          f"{FLOOR_ROWS_PER_SECOND:,}) {done}")  # fmt: skip
    started = time.perf_counter()
    again = sum(purge_expired().values())
    second = time.perf_counter() - started
    print(f"purge_expired (second run): {again} rows in {second:.2f} s (floor {FLOOR_SECOND_RUN_SECONDS} s)")

    from django.db.models import Sum

    counts_after = (
        Booking.objects.count(),
        HomeVisit.objects.count(),
        Booking.objects.aggregate(total=Sum("size"))["total"],
    )
    assert counts_after == counts_before, (counts_before, counts_after)
    assert Booking.objects.filter(contact_name=ERASED).count() == ROWS
    assert HomeVisit.objects.filter(notes="").count() == ROWS
    leftover = LogEntry.objects.filter(content_type__model="booking", changes__icontains="访客1").count()
    print(f"counts unchanged {counts_after}; history entries still naming an anonymised visitor: {leftover}")

    person = people[0]

    def timed_saves(n=300):
        """Milliseconds per save, and the queries of a typical save (the median: a one-off lookup is not
        part of every save)."""
        import statistics

        from django.test.utils import CaptureQueriesContext

        person.save(update_fields=["name"])  # warm-up
        started = time.perf_counter()
        for i in range(n):
            person.name = f"居民{i}"
            person.save(update_fields=["name"])
        milliseconds = (time.perf_counter() - started) / n * 1000
        counts = []
        for i in range(50):
            person.name = f"居民{i}-"
            with CaptureQueriesContext(connection) as queries:
                person.save(update_fields=["name"])
            counts.append(len(queries))
        return milliseconds, statistics.median(counts)

    with disable_auditlog():
        without, queries_without = timed_saves()
    with_history, queries_with = timed_saves()
    extra = queries_with - queries_without
    print(f"one save: {without:.2f} ms and {queries_without:.2f} queries without history, {with_history:.2f} ms and "
          f"{queries_with:.2f} queries with (+{extra:.2f}: read the old row, insert the entry; floor +{FLOOR_SAVE_QUERIES})")  # fmt: skip

    below = [
        name
        for name, met in [
            ("backlog rate", rate >= FLOOR_ROWS_PER_SECOND),
            ("second run", second <= FLOOR_SECOND_RUN_SECONDS),
            ("queries per save", extra <= FLOOR_SAVE_QUERIES),
        ]
        if not met
    ]
    print("OK: every floor met" if not below else f"BELOW THE FLOOR: {', '.join(below)}")
    sys.exit(1 if below else 0)


if __name__ == "__main__":
    main()
