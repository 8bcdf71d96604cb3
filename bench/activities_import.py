"""Times the import of a clean 50,000-row activity sheet (CSV and XLSX), all-or-nothing, with its ImportLog
and a change-history entry for every row.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_act .venv/bin/python bench/activities_import.py [rows]

The floor: 4,000 rows a second (issue 4). It drops and recreates the database named in DATABASE_URL (default
bench_act on the local PostgreSQL), builds one subdistrict with 20 communities, and imports the sheet as a
subdistrict staff account through ActivityResource.import_data, exactly as the admin's confirm step does
(the preview is the same call with dry_run=True, also timed). Then it appends one bad row to the sheet and
shows that the import writes nothing.
"""

import os
import sys
import time
from pathlib import Path

from _activities import activity_sheet, build_office  # bench/ is the script's folder: on sys.path
from _database import recreate_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_act")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
FLOOR = 4_000


def main():
    recreate_database(required=False)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from auditlog.models import LogEntry
    from django.db import connection

    from activities.models import Activity, ActivityType, ImportLog
    from activities.resources import ActivityResource

    office, communities, user = build_office()
    types = list(ActivityType.objects.values_list("name", flat=True))
    data = activity_sheet(ROWS, communities, types)
    csv_text = data.export("csv")
    xlsx_bytes = data.export("xlsx")
    print(
        f"sheet: {ROWS} rows, CSV {len(csv_text.encode()) / 1e6:.1f} MB, XLSX {len(xlsx_bytes) / 1e6:.1f} MB"
    )
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; load average {os.getloadavg()[0]:.1f}"
    )

    from import_export.formats.base_formats import CSV, XLSX

    tables = [
        "activities_activity_lecturers",
        "activities_importedchange",
        "activities_activity",
        "activities_importlog",
        "auditlog_logentry",
    ]

    def clear():
        """Back to the state before the first import, so that every run writes into the same tables (on
        PostgreSQL, TRUNCATE: a DELETE would leave the next run 50,000 dead rows and their index entries)."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            else:
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")

    def run(dataset, dry_run, label):
        resource = ActivityResource(user=user)
        counter = []

        def count(execute, sql, params, many, context):
            counter.append(1)
            return execute(sql, params, many, context)

        started, cpu_started = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(count):
            result = resource.import_data(dataset, dry_run=dry_run, user=user, file_name=f"{label}.sheet")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        queries = len(counter)
        rate = len(dataset) / seconds
        print(
            f"{label:<28} {seconds:6.2f} s  {rate:8,.0f} rows/s  (Python CPU {cpu:5.2f} s)  {queries:4d} queries  "
            f"errors={result.has_errors() or result.has_validation_errors()}"
        )
        return result, rate

    csv_rows = CSV(encoding="utf-8").create_dataset(csv_text)
    run(csv_rows, True, "CSV preview (dry run)")
    clear()  # the preview rolled back: its rows are dead tuples until a TRUNCATE
    _result, csv_rate = run(csv_rows, False, "CSV import")
    assert Activity.objects.count() == ROWS, Activity.objects.count()
    log = ImportLog.objects.get()
    assert Activity.objects.filter(import_log=log).count() == ROWS and log.user == user
    history = LogEntry.objects.filter(content_type__model="activity", action=LogEntry.Action.CREATE)
    print(f"{'history entries written':<28} {history.count():,} (one per row, by {history.first().actor})")
    assert history.count() == ROWS
    clear()

    # The same import without the per-row history, for its share of the time (a comparison, not the product).
    with_history = ActivityResource.record_created
    ActivityResource.record_created = lambda self, objs: None
    _result, bare_rate = run(csv_rows, False, "CSV import, no history")
    ActivityResource.record_created = with_history
    assert not LogEntry.objects.filter(content_type__model="activity").exists()
    print(f"{'history costs':<28} {bare_rate / csv_rate - 1:6.1%} of the import's time")
    clear()

    started = time.perf_counter()
    xlsx_rows = XLSX().create_dataset(xlsx_bytes)
    print(f"{'XLSX read (openpyxl)':<28} {time.perf_counter() - started:6.2f} s")
    _result, xlsx_rate = run(xlsx_rows, False, "XLSX import (after read)")
    assert Activity.objects.count() == ROWS
    # The same sheet again (as CSV): every row names an activity already recorded, nothing is written twice.
    result, again_rate = run(csv_rows, False, "CSV again, all recorded")
    assert Activity.objects.count() == ROWS and result.totals["skip"] == ROWS, result.totals
    clear()

    bad = CSV(encoding="utf-8").create_dataset(csv_text)
    bad.append(["坏行", types[0], communities[0].name, f"{communities[0].name}党支部", "2018-06-02 09:00",
                "2018-06-01 09:00", "10", ""])  # fmt: skip
    result, _ = run(bad, False, "CSV with one bad last row")
    assert result.has_validation_errors()
    print(
        f"after the bad sheet: {Activity.objects.count()} activities, {ImportLog.objects.count()} import logs"
    )
    assert Activity.objects.count() == 0 and ImportLog.objects.count() == 0
    print(f"floor {FLOOR:,} rows/s: CSV {'PASS' if csv_rate >= FLOOR else 'FAIL'} ({csv_rate:,.0f}), "
          f"XLSX {'PASS' if xlsx_rate >= FLOOR else 'FAIL'} ({xlsx_rate:,.0f}), "
          f"again {'PASS' if again_rate >= FLOOR else 'FAIL'} ({again_rate:,.0f})")  # fmt: skip


if __name__ == "__main__":
    main()
