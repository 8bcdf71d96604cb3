"""Times the reports dashboard and its large XLSX export on a synthetic province, against their floors.

    .venv/bin/python bench/reports_dashboard.py             # DATABASE_URL default: postgres://…/bench_rep
    .venv/bin/python bench/reports_dashboard.py --rebuild   # the database created again, then generate_load

Data: ``manage.py generate_load --seed 1`` (2,000 communities in 10 districts, 1,000,000 activities,
5,000,000 home visits, 500,000 bookings), built on first run (a few minutes).

1. The dashboard of district 1 (200 communities) for 2018: its number of queries, then side by side
   (median of 5 interleaved runs after a warm-up, same connection):
   - floor: the bare SQL of the aggregate queries the dashboard runs (captured from one run, executed
     again with a plain cursor, every row fetched);
   - ``reports.dashboard.build`` (the composition: ORM, merging, links);
   - the whole page through the test client (session, middleware, template, bulletin, chart data).
   Target: the page within 1.5× the bare SQL. Then once, ``build(live=True)`` — the figures counted from
   the records as before the summary tables — against which #17 asks the page to take ≤ 0.1×.
2. The activity rows export (``?format=xlsx&table=activities``) of district 1 for 2016–2018 (~100,000
   rows) through the test client, against the floor of reading the same rows with a plain server-side
   cursor and writing them with XlsxWriter directly in constant_memory mode. Target: within 2×.
   Peak memory: tracemalloc's peak over a separate run of the export, and the growth of the process's
   maximum resident set. Target: < 150 MB.
"""

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_rep")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from _database import open_bench_database  # noqa: E402  (bench/ is the script's folder: on sys.path)


def _has_data() -> bool:
    from communities.models import District
    from reports.management.commands.generate_load import PREFIX

    return District.objects.filter(name__startswith=PREFIX).exists()


MUST_BUILD = open_bench_database(_has_data)  # created and migrated here when missing (or --rebuild)

from django.conf import settings  # noqa: E402

# The page's static URLs without collectstatic's manifest (as in the test settings).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

import xlsxwriter  # noqa: E402
from _timing import side_by_side  # noqa: E402  (bench/ is the script's folder: on sys.path)
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from communities.models import District, StaffProfile  # noqa: E402
from reports import exports  # noqa: E402
from reports.dashboard import build  # noqa: E402
from reports.management.commands.generate_load import PREFIX  # noqa: E402

YEAR = (timezone.datetime(2018, 1, 1).date(), timezone.datetime(2018, 12, 31).date())
ALL = (timezone.datetime(2016, 1, 1).date(), timezone.datetime(2018, 12, 31).date())


def ensure_data():
    if MUST_BUILD:
        print("building the synthetic province (generate_load --seed 1) …", flush=True)
        started = time.perf_counter()
        call_command("generate_load", seed=1)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def supervisor(district):
    user, _created = User.objects.get_or_create(username="bench-supervisor", defaults={"is_staff": True})
    StaffProfile.objects.get_or_create(user=user, defaults={"district": district})
    return user


def bare_sql_runner(queries):
    def run():
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()

    return run


def dashboard(district, client):
    start, end = YEAR
    with translation.override("zh-hans"), CaptureQueriesContext(connection) as captured:
        build(district, start, end)
    queries = [q["sql"] for q in captured.captured_queries]
    url = f"/reports/?unit=district:{district.pk}&start={start}&end={end}"
    assert client.get(url).status_code == 200
    page_queries = []
    # (CaptureQueriesContext misses a request's queries: request_started resets the query log.)
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: (
            page_queries.append(sql) or execute(sql, params, many, context)
        )
    ):
        client.get(url)
    medians = side_by_side(
        floor=bare_sql_runner(queries),
        composed=lambda: build(district, start, end),
        page=lambda: client.get(url),
    )
    floor, composed, page = medians["floor"], medians["composed"], medians["page"]
    print(f"\n1. dashboard of {district} ({start} … {end})")
    print(f"   queries: build() {len(queries)}, whole page {len(page_queries)}")
    print(f"   bare SQL of the aggregates : {floor * 1000:8.1f} ms")
    print(
        f"   build()                    : {composed * 1000:8.1f} ms  ({composed / floor:.2f}× the bare SQL)"
    )
    print(f"   whole page (test client)   : {page * 1000:8.1f} ms  ({page / floor:.2f}× the bare SQL)")
    started = time.perf_counter()
    with translation.override("zh-hans"):
        build(district, start, end, live=True)
    live = time.perf_counter() - started
    print(
        f"   live build() (once)        : {live * 1000:8.1f} ms  (page = {page / live:.3f}× it; #17: ≤ 0.1×)"
    )
    return page / floor


def direct_xlsx(unit, start, end):
    """The floor: the same rows read with a plain server-side cursor, written with XlsxWriter directly."""
    sql, params = (
        exports.Activity.objects.for_unit(unit)
        .between(start, end)
        .order_by("start", "pk")
        .values_list(*(path for path, _key, _kind in exports.ROW_FIELDS))
        .query.sql_with_params()
    )
    with tempfile.TemporaryFile() as out:
        book = xlsxwriter.Workbook(out, {"constant_memory": True})
        sheet = book.add_worksheet("activities")
        stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        tz = timezone.get_current_timezone()
        rows = 0
        with connection.connection.cursor(name="bench_direct") as cursor:
            cursor.itersize = 5000
            cursor.execute(sql, params)
            for r, row in enumerate(cursor, start=2):
                sheet.write_datetime(r, 0, row[0].astimezone(tz).replace(tzinfo=None), stamp)
                for c in (1, 2, 3, 4, 5, 7, 8):
                    if row[c]:
                        sheet.write_string(r, c, row[c])
                sheet.write_number(r, 6, row[6])
                rows += 1
        book.close()
    return rows


def export(district, client):
    start, end = ALL
    url = f"/reports/?unit=district:{district.pk}&start={start}&end={end}&format=xlsx&table=activities"
    size = {}

    def through_view():
        response = client.get(url)
        assert response.status_code == 200
        size["bytes"] = sum(len(chunk) for chunk in response.streaming_content)

    answer = client.get(url)
    if answer.status_code == 302:  # above EXPORT_JOB_THRESHOLD_ROWS the file is written by a job
        print(f"\n2. XLSX export of the activity rows of {district} ({start} … {end}): a background job")
        print(f"   (the page answers 302 → {answer['Location']}); its speed: bench/jobs_export.py")
        return None, None

    rows = {}

    def floor_run():
        with transaction.atomic():  # a named (server-side) cursor lives in a transaction
            rows["n"] = direct_xlsx(district, start, end)

    medians = side_by_side(runs=3, floor=floor_run, ours=through_view)
    floor, ours, rows = medians["floor"], medians["ours"], rows["n"]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    through_view()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\n2. XLSX export of the activity rows of {district} ({start} … {end}): {rows:,} rows")
    print(f"   floor (plain cursor + XlsxWriter constant_memory): {floor:6.2f} s")
    print(
        f"   ?format=xlsx&table=activities (test client)     : {ours:6.2f} s  ({ours / floor:.2f}× the floor)"
    )
    print(
        f"   file: {size['bytes'] / 1e6:.1f} MB; peak Python memory (tracemalloc): {peak / 1e6:.1f} MB; "
        f"max RSS growth during that run: {(rss_after - rss_before) / 1024:.1f} MB (max RSS {rss_after / 1024:.0f} MB)"
    )
    return ours / floor, peak


def main():
    ensure_data()
    district = District.objects.filter(name__startswith=PREFIX).order_by("name").first()
    client = Client()
    client.force_login(supervisor(district))
    client.cookies["django_language"] = "zh-hans"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM activities_activity")
        activities = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM volunteers_homevisit")
        visits = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM venues_booking")
        bookings = cursor.fetchone()[0]
    print(f"data: {activities:,} activities, {visits:,} home visits, {bookings:,} bookings")
    page_ratio = dashboard(district, client)
    export_ratio, peak = export(district, client)
    print(f"\ntargets: page ≤ 1.5× bare SQL: {'met' if page_ratio <= 1.5 else 'NOT met'}")
    if export_ratio is not None:
        print(
            f"         export ≤ 2× floor: {'met' if export_ratio <= 2 else 'NOT met'}; "
            f"peak < 150 MB: {'met' if peak < 150e6 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
