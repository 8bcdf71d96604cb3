"""The activity log of 1,000,000 activities exported as XLSX by the background job, against the floor: the
same rows read with a plain server-side cursor and written with XlsxWriter directly (constant_memory).

    .venv/bin/python bench/jobs_export.py             # DATABASE_URL default: postgres://…/bench_export
    .venv/bin/python bench/jobs_export.py --rebuild   # build the data again

Data: ``manage.py generate_load --communities 200 --activities 1000000`` (one district of 200 communities;
a few minutes on first run). The export is asked for as a supervisor of that district would, through the
dashboard's link (``/reports/?format=xlsx&table=activities``, all years): the request's answer time, then the
job's time until its file is ready, run by a real Celery worker (solo pool, Redis database 8). Targets: the
job within 2× the floor, the worker's peak memory (VmHWM) ≤ 300 MB.
"""

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_export")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/8")

from _database import database_exists, recreate_database  # noqa: E402
from _worker import peak_memory_mb, start_worker  # noqa: E402

ACTIVITIES = 1_000_000
RATIO_TARGET, MEMORY_TARGET_MB = 2.0, 300
PERIOD = {"start": "2000-01-01", "end": "2030-12-31"}


def main():
    import environ

    url = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    rebuild = "--rebuild" in sys.argv or not database_exists(url)
    if rebuild:
        recreate_database(url)
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from activities.models import Activity
    from communities.models import District, StaffProfile
    from registers.models import Job
    from registers.roles import SUPERVISORS
    from reports import exports

    call_command("migrate", verbosity=0)
    if rebuild or not Activity.objects.exists():
        print("building one district of 1,000,000 activities (generate_load) …", flush=True)
        call_command(
            "generate_load", communities=200, activities=ACTIVITIES, visits=1, bookings=1, replace=True
        )
    district = District.objects.get()
    user, _ = User.objects.get_or_create(username="bench-supervisor", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=SUPERVISORS))
    StaffProfile.objects.get_or_create(user=user, defaults={"district": district})
    Job.objects.all().delete()
    start, end = (datetime.date.fromisoformat(PERIOD[k]) for k in ("start", "end"))
    rows = exports.activity_rows_count(district, start, end)
    print(f"{rows:,} activities in {district}; load average {os.getloadavg()[0]:.1f}", flush=True)

    # The floor: the same query, a plain server-side cursor, XlsxWriter writing the tuples as they are.
    import xlsxwriter

    queryset = (
        Activity.objects.for_unit(district)
        .between(start, end)
        .order_by("start", "pk")
        .values_list(*(path for path, _key, _kind in exports.ROW_FIELDS))
    )
    sql, params = queryset.query.sql_with_params()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as file, connection.chunked_cursor() as cursor:
        book = xlsxwriter.Workbook(file, {"constant_memory": True})
        sheet = book.add_worksheet()
        cursor.execute(sql, params)
        r = 0
        while chunk := cursor.fetchmany(5000):
            for row in chunk:
                sheet.write_row(r, 0, (row[0].replace(tzinfo=None), *row[1:]))
                r += 1
        book.close()
        floor_size = file.tell()
    floor_seconds = time.perf_counter() - started
    print(
        f"floor (cursor + XlsxWriter): {floor_seconds:6.1f} s, {floor_size / 1e6:.0f} MB, {r:,} rows",
        flush=True,
    )

    worker = start_worker("export")
    try:
        client = Client()
        client.force_login(user)
        started = time.perf_counter()
        response = client.get(
            reverse("reports:dashboard"), {**PERIOD, "format": "xlsx", "table": "activities"}
        )
        asked_seconds = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        job = Job.objects.get()
        while (status := Job.objects.get(pk=job.pk).status) != Job.Status.READY:
            assert status not in Job.ENDED, Job.objects.get(pk=job.pk).error
            time.sleep(0.2)
        job_seconds = time.perf_counter() - started
        memory = peak_memory_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait()
    job.refresh_from_db()
    ratio = job_seconds / floor_seconds
    print(
        f"job: request answered {asked_seconds:.2f} s · file ready after {job_seconds:6.1f} s "
        f"({job.file.size / 1e6:.0f} MB, {job.total_rows:,} rows) · ratio {ratio:.2f} "
        f"({'PASS' if ratio <= RATIO_TARGET else 'FAIL'} ≤ {RATIO_TARGET}) · worker peak RSS {memory:.0f} MB "
        f"({'PASS' if memory <= MEMORY_TARGET_MB else 'FAIL'} ≤ {MEMORY_TARGET_MB}) · "
        f"load {os.getloadavg()[0]:.1f}"
    )
    job.file.delete()


if __name__ == "__main__":
    main()
