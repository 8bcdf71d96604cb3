"""Exports in the background: a file too large to write within a request is written by a worker.

An app declares what it can export this way with ``@exporter(name, allowed=…)``: a function that writes the
file for an account and its parameters (a unit, a period, a register's filters) and reports the rows
written. The page that offers the download starts a job instead of answering with the file when it would
be large; the account is sent to the job's page (progress, then the download link). The link works for
the account that asked, while the parameters are still within its scope, until EXPORT_DOWNLOAD_SECONDS
have passed; then the file is deleted (``purge_expired``, hourly) and the job says so.
"""

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import jobs
from .models import Job

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 1.0


@dataclass(frozen=True)
class Exporter:
    name: str
    # write(user, params, file, progress): writes the file (a binary file object); calls progress(rows).
    write: Callable
    # allowed(user, params) -> bool: whether the account may (still) have this file.
    allowed: Callable


_EXPORTERS: dict[str, Exporter] = {}


def exporter(name: str, *, allowed: Callable):
    """Declare ``write`` as the background exporter ``name`` (apps register theirs when they are loaded)."""

    def register(write):
        _EXPORTERS[name] = Exporter(name, write, allowed)
        return write

    return register


def is_large(rows: int) -> bool:
    return rows > settings.EXPORT_JOB_THRESHOLD_ROWS


def start_export(
    *, user, exporter_name: str, params: dict, register: str, file_name: str, rows: int, language: str
) -> Job:
    """Queue the export; the caller sends the account to the job's page."""
    from .tasks import export_file

    if exporter_name not in _EXPORTERS:
        raise LookupError(exporter_name)
    job = Job.objects.create(
        kind=Job.Kind.EXPORT,
        user=user,
        register=register,
        exporter=exporter_name,
        params=params,
        file_name=file_name[:255],
        total_rows=rows,
        language=language,
    )
    transaction.on_commit(lambda: export_file.delay(job.pk))
    return job


class Progress:
    """Counts the rows written and reports them to the job's page at most once a second."""

    def __init__(self, job_id: int):
        self.job_id, self.rows, self._next = job_id, 0, 0.0

    def __call__(self, rows: int = 1) -> None:
        self.rows += rows
        now = time.monotonic()
        if now >= self._next:
            jobs.report_progress(self.job_id, Job.Status.EXPORTING, self.rows)
            self._next = now + PROGRESS_EVERY_SECONDS


def run(job_id: int) -> None:
    """Write the job's file (in a worker); every outcome is written on the job."""
    job = Job.objects.select_related("user").get(pk=job_id)
    with translation.override(job.language):
        _run(job)


def _run(job: Job) -> None:
    if job.status in Job.RUNNING:
        # The broker gave the job back: its worker died part-way, and the partial file with it.
        jobs.fail(job, jobs.stopped_message(job))
        return
    if job.status != Job.Status.QUEUED:
        return  # a duplicate delivery
    found = _EXPORTERS.get(job.exporter)
    if found is None or not found.allowed(job.user, job.params):
        jobs.fail(job, _("You may no longer export this: it is outside your unit."))
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.EXPORTING)
    jobs.report_progress(job.pk, Job.Status.EXPORTING, 0)
    progress = Progress(job.pk)
    try:
        with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as written:
            found.write(job.user, job.params, written, progress)
            written.seek(0)
            job.file.save(job.file_name, File(written), save=False)
    except Exception:
        logger.exception("background export %s failed", job.pk)  # the job's id, never the file's content
        jobs.fail(job, _("The export failed unexpectedly. Export again or tell the administrator."))
        return
    stored = Job.objects.filter(pk=job.pk, status=Job.Status.EXPORTING).update(
        status=Job.Status.READY,
        file=job.file.name,
        total_rows=progress.rows,
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(seconds=settings.EXPORT_DOWNLOAD_SECONDS),
    )
    if not stored:  # failed meanwhile (its page found it silent for too long): the file is not offered
        job.file.delete(save=False)
        return
    jobs.report_progress(job.pk, Job.Status.READY, progress.rows)


def downloadable(job: Job, user) -> str | None:
    """None when ``user`` may download the job's file now, else why not (the page says it)."""
    if job.kind != Job.Kind.EXPORT or job.user_id != user.pk:
        return _("This file was exported by another account.")
    if job.status == Job.Status.EXPIRED or (
        job.status == Job.Status.READY and job.expires_at <= timezone.now()
    ):
        return _("The download link has expired and the file was deleted. Export again.")
    if job.status != Job.Status.READY:
        return _("The file is not ready.")
    found = _EXPORTERS.get(job.exporter)
    if found is None or not found.allowed(user, job.params):
        return _("You may no longer export this: it is outside your unit.")
    return None


def purge_expired() -> int:
    """Delete the files whose links have expired; the jobs stay in the list, marked expired."""
    expired = Job.objects.filter(
        kind=Job.Kind.EXPORT, status=Job.Status.READY, expires_at__lte=timezone.now()
    )
    count = 0
    for job in expired:
        jobs.discard_file(job)
        count += Job.objects.filter(pk=job.pk, status=Job.Status.READY).update(status=Job.Status.EXPIRED)
    return count
