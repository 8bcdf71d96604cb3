"""A real Celery worker for the tests of background jobs (not eager mode): a subprocess running this
project's worker against the test database, started once per test session by the first test that asks.

The broker is Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379/9, flushed first) on PostgreSQL runs and
the embedded file broker on SQLite runs, as `make demo` uses. Without Redis the job tests are skipped, except
where JOBS_REQUIRE_BROKER is set (CI), where that is a failure. Tests that use the worker are transactional
(``django_db(transaction=True)``): the worker cannot see a test's open transaction.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READY_WITHIN_SECONDS = 60


def _redis_url() -> str:
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        message = f"no Redis answers at {url}: the background-job tests need a broker"
        if os.environ.get("JOBS_REQUIRE_BROKER"):
            pytest.fail(message)
        pytest.skip(message)
    return url


def _database_url(settings_dict) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user, password = settings_dict["USER"], settings_dict["PASSWORD"]
    credentials = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{credentials}{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"


@pytest.fixture(scope="session")
def job_worker(django_db_setup, django_db_blocker, tmp_path_factory, sms_provider, smtp_server):
    from django.db import connection

    from config.celery import app
    from tests.outside import worker_settings

    folder = tmp_path_factory.mktemp("celery")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": _database_url(connection.settings_dict),
        **worker_settings(sms_provider, smtp_server),  # messages go to the local stand-ins
    }
    if connection.vendor == "sqlite":
        env.update(CELERY_BROKER_URL="filesystem://", CELERY_FILESYSTEM_FOLDER=str(folder / "queue"))
        queue = str(folder / "queue")
        options = {
            "data_folder_in": queue,
            "data_folder_out": queue,
            "control_folder": f"{queue}/control",
            "polling_interval": 0.5,
        }
        (folder / "queue").mkdir()
    else:
        env["CELERY_BROKER_URL"] = _redis_url()
        options = {"visibility_timeout": 3600}
    transport = "config.filesystem_broker:Transport" if connection.vendor == "sqlite" else None
    app.conf.update(
        broker_url=env["CELERY_BROKER_URL"], broker_transport=transport, broker_transport_options=options
    )
    # Tests that ran before this one may have queued jobs (a booking's SMS) through a connection to the
    # default broker: later jobs must go through new connections, to the worker's broker.
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    log = folder / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "INFO"]
    with open(log, "wb") as output:
        worker = subprocess.Popen(
            [*command, "-n", f"tests-{os.getpid()}@%h"], cwd=ROOT, env=env, stdout=output, stderr=output
        )
    try:
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while b" ready." not in log.read_bytes():
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield log
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_for(condition, timeout=30, what="the job"):
    """Poll ``condition`` (a callable) until it is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} did not finish within {timeout} s")


def export_ready(job):
    """The export job once its file is written (fails after wait_for's timeout)."""
    from registers.models import Job

    # The session's one worker may first have to work through the SMS that earlier tests' bookings queued.
    wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.READY, timeout=120, what="the export")
    job.refresh_from_db()
    return job


def download(client, job):
    """(response, body) of an export job's download link."""
    from django.urls import reverse

    response = client.get(reverse("admin:registers_job_download", args=[job.pk]))
    return response, b"".join(response.streaming_content) if response.streaming else response.content


def workbook_rows(body):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]
