"""What keeping the reports' summary tables costs the writers: the activity import's rows/s and the
booking's write path, with the summaries' triggers installed and without them, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_upkeep .venv/bin/python bench/summaries_upkeep.py [rows]

It drops and recreates the database named in DATABASE_URL (default bench_upkeep), builds one subdistrict of
20 communities (bench/_activities.py), then alternates three times: import a clean sheet of ``rows``
activities (default 20,000) through ActivityResource.import_data as the admin's confirm step does, with the
triggers and without (dropped and installed again between runs: reports/summaries/triggers.py), and book
300 visits through venues.services.booking_create (the booking POST's write) each way. Also times the
refresh that the marks of one import leave for the next dashboard or the minute's job. Target: the
writers within 10 % of their speed without the triggers (medians).
"""

import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from _activities import activity_sheet, build_office  # bench/ is the script's folder: on sys.path
from _database import recreate_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_upkeep")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
BOOKINGS = 300
RUNS = 3


def main():
    recreate_database(required=False)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from import_export.formats.base_formats import CSV

    call_command("migrate", verbosity=0)
    from activities.models import ActivityType
    from activities.resources import ActivityResource
    from reports.models import SummaryMark
    from reports.summaries import refresh, triggers
    from venues.models import Booking, OpeningHours, Venue
    from venues.services import booking_create

    office, communities, user = build_office()
    types = list(ActivityType.objects.values_list("name", flat=True))
    sheet = CSV(encoding="utf-8").create_dataset(activity_sheet(ROWS, communities, types).export("csv"))
    venue = Venue.objects.create(
        community=communities[0], slug="bench", name="家风家训馆", kind=Venue.Kind.FAMILY_VALUES_HALL,
        capacity=100_000, public_bookable=True, needs_approval=False, slot_minutes=60,
        booking_window_days=60, min_notice_hours=0,
    )  # fmt: skip
    OpeningHours.objects.bulk_create(
        OpeningHours(venue=venue, weekday=day, opens=datetime.min.time().replace(hour=9),
                     closes=datetime.min.time().replace(hour=12)) for day in range(7)
    )  # fmt: skip
    tomorrow = timezone.localdate() + timedelta(days=2)
    slot_start = datetime.combine(
        tomorrow, datetime.min.time().replace(hour=9), tzinfo=timezone.get_current_timezone()
    )
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; sheet of {ROWS:,} activities")

    def clear():
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE activities_activity_lecturers, activities_importedchange, activities_activity, "
                "activities_importlog, auditlog_logentry, reports_summarymark, reports_communitymonth, "
                "reports_kindmonth, reports_programmemonth, reports_venuemonth, reports_peopleyear CASCADE"
            )

    def set_triggers(on: bool):
        with connection.schema_editor() as editor:
            triggers.uninstall(editor)
            if on:
                triggers.install(editor)

    def import_rate():
        resource = ActivityResource(user=user)
        started = time.perf_counter()
        result = resource.import_data(sheet, dry_run=False, user=user, file_name="bench.csv")
        seconds = time.perf_counter() - started
        assert not (result.has_errors() or result.has_validation_errors())
        return ROWS / seconds

    def booking_rate(run):
        started = time.perf_counter()
        for i in range(BOOKINGS):
            booking_create(
                venue=venue, starts_at=slot_start, offering=None, visitor_kind=Booking.VisitorKind.RESIDENT,
                organisation="", size=1, contact_name="李四", phone=f"138{run:02d}{i:06d}",
            )  # fmt: skip
        return BOOKINGS / (time.perf_counter() - started)

    rates = {True: {"import": [], "booking": []}, False: {"import": [], "booking": []}}
    refresh_times = []
    for run in range(RUNS):
        for on in (True, False):
            set_triggers(on)
            clear()
            rates[on]["import"].append(import_rate())
            rates[on]["booking"].append(booking_rate(run * 2 + on))
            if on:
                marks = SummaryMark.objects.count()
                started = time.perf_counter()
                refresh()
                refresh_times.append(time.perf_counter() - started)
                print(
                    f"run {run + 1}: the import left {marks:,} marks; refreshed in {refresh_times[-1]:.2f} s"
                )
            print(
                f"run {run + 1}, triggers {'on ' if on else 'off'}: import {rates[on]['import'][-1]:7,.0f} rows/s, "
                f"booking {rates[on]['booking'][-1]:6,.0f} /s (load {os.getloadavg()[0]:.1f})"
            )
    set_triggers(True)
    print()
    for what, unit in (("import", "rows/s"), ("booking", "bookings/s")):
        on, off = statistics.median(rates[True][what]), statistics.median(rates[False][what])
        verdict = "PASS" if on >= 0.9 * off else "FAIL"
        print(
            f"{what:<8} with triggers {on:8,.0f} {unit}, without {off:8,.0f} {unit}: {on / off:5.1%}  {verdict}"
        )
    print(f"refresh after an import of {ROWS:,} rows: median {statistics.median(refresh_times):.2f} s")


if __name__ == "__main__":
    main()
