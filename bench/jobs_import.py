"""A 100,000-row activity sheet (CSV, then XLSX) imported through the background job, against the floor: the
same two steps (the check, a dry run, then the import) run directly in one process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_jobs .venv/bin/python bench/jobs_import.py [rows]

It drops and recreates the database, builds one subdistrict (bench/_activities.py), and for each format:
imports the sheet directly (resource.import_data, dry run then for real: the floor); empties the tables;
starts a real Celery worker (solo pool, Redis database 8 as the broker), uploads the sheet through the admin's
import page as the subdistrict's staff (the upload's answer time), waits for the check, confirms, waits for
the import. It prints both times, their ratio (target ≤ 1.3), the worker's peak memory (VmHWM, target
≤ 300 MB), how many progress writes the job made and what they cost (target ≤ 5 % of the import's time).
"""

import os
import sys
import time
from pathlib import Path

from _activities import activity_sheet, build_office  # bench/ is the script's folder: on sys.path
from _database import recreate_database
from _worker import peak_memory_mb, start_worker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_jobs")
# Production settings (DEBUG off: no query log in the worker's memory), in the bench and in its worker.
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/8")

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
RATIO_TARGET, MEMORY_TARGET_MB, PROGRESS_TARGET = 1.3, 300, 0.05


def main():
    recreate_database(required=False)
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import caches
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)

    from activities.models import Activity, ActivityType
    from activities.resources import ActivityResource
    from registers import jobs
    from registers.models import Job

    _office, communities, user = build_office()
    data = activity_sheet(ROWS, communities, list(ActivityType.objects.values_list("name", flat=True)))
    files = {"CSV": data.export("csv").encode(), "XLSX": data.export("xlsx")}
    print(f"{ROWS:,} rows: CSV {len(files['CSV']) / 1e6:.1f} MB, XLSX {len(files['XLSX']) / 1e6:.1f} MB")
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; broker {settings.CELERY_BROKER_URL}"
    )

    from import_export.formats.base_formats import CSV, XLSX

    def clear():
        tables = "activities_activity_lecturers, activities_activity, activities_importlog, auditlog_logentry"
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}")

    def floor(content, file_format):
        started = time.perf_counter()
        dataset = file_format.create_dataset(content)
        checked = ActivityResource(user=user).import_data(dataset, dry_run=True, user=user, file_name="s")
        assert not checked.has_validation_errors()
        dataset = file_format.create_dataset(content)  # as the job, which reads the file again after confirm
        ActivityResource(user=user).import_data(dataset, dry_run=False, user=user, file_name="s")
        seconds = time.perf_counter() - started
        assert Activity.objects.count() == ROWS
        clear()
        return seconds

    def wait(job, status):
        while (current := Job.objects.get(pk=job.pk).status) != status:
            assert current not in Job.ENDED or current == status, (current, Job.objects.get(pk=job.pk).error)
            time.sleep(0.1)

    # A progress write, as the job makes them (a cache set through the "jobs" cache).
    started = time.perf_counter()
    for i in range(200):
        jobs.report_progress(0, Job.Status.CHECKING, i)
    write_seconds = (time.perf_counter() - started) / 200
    caches["jobs"].clear()

    client = Client()
    client.force_login(user)
    upload_url = reverse("admin:activities_activity_import")
    for label, file_format, index in (("CSV", CSV(encoding="utf-8"), 0), ("XLSX", XLSX(), 1)):
        floor_seconds = floor(files[label], file_format)
        worker = start_worker(f"jobs-{label.lower()}")
        try:
            started = time.perf_counter()
            response = client.post(
                upload_url,
                {
                    "format": str(index),
                    "resource": "0",
                    "import_file": SimpleUploadedFile(f"sheet.{label.lower()}", files[label]),
                },
            )
            upload_seconds = time.perf_counter() - started
            assert response.status_code == 302, response.content[:2000]
            job = Job.objects.latest("pk")
            wait(job, Job.Status.CHECKED)
            check_seconds = time.perf_counter() - started
            client.post(reverse("admin:registers_job_confirm", args=[job.pk]))
            confirmed = time.perf_counter()
            wait(job, Job.Status.DONE)
            import_seconds = time.perf_counter() - confirmed
            memory = peak_memory_mb(worker.pid)
        finally:
            worker.terminate()
            worker.wait()
        assert Activity.objects.count() == ROWS
        clear()
        job_seconds = check_seconds + import_seconds
        writes = job_seconds  # at most one a second
        ratio = job_seconds / floor_seconds
        print(
            f"{label}: upload answered {upload_seconds:5.2f} s · job {job_seconds:6.1f} s (check {check_seconds:.1f}"
            f" s incl. upload, import {import_seconds:.1f} s) · floor (same steps in one process) "
            f"{floor_seconds:6.1f} s · ratio {ratio:.2f} ({'PASS' if ratio <= RATIO_TARGET else 'FAIL'} ≤ "
            f"{RATIO_TARGET}) · worker peak RSS {memory:.0f} MB "
            f"({'PASS' if memory <= MEMORY_TARGET_MB else 'FAIL'} ≤ {MEMORY_TARGET_MB}) · "
            f"load {os.getloadavg()[0]:.1f}"
        )
        share = writes * write_seconds / job_seconds
        print(
            f"      progress: ≤ {writes:.0f} writes × {write_seconds * 1000:.2f} ms = {share:.3%} of the job "
            f"({'PASS' if share <= PROGRESS_TARGET else 'FAIL'} ≤ {PROGRESS_TARGET:.0%})"
        )


if __name__ == "__main__":
    main()
