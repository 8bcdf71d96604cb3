"""Imports in the background: a sheet too large to import within a request becomes a ``Job``.

The upload answers at once with the job's page. A worker checks the file (the preview: the same dry run as
the admin's, all-or-nothing), the account confirms, a worker imports it in one transaction. Progress (rows
read, at most once a second) goes through the "jobs" cache, which web servers and workers share. A job
whose worker died part-way is failed by its next run (the broker gives it back) or by its page once its
progress has been silent for IMPORT_JOB_STALE_SECONDS; the import's transaction died with the worker, so
nothing of it was written.
"""

import html
import logging
import re
import time

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .models import Job
from .sheets.limits import declared_rows

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
DELETED = re.compile(r"<del[^>]*>.*?</del>", re.S)
LISTED_ERRORS = 1000


def is_large(upload, file_format) -> bool:
    """Whether an upload is worth a background job (settings IMPORT_JOB_THRESHOLD_BYTES / _ROWS)."""
    if upload.size > settings.IMPORT_JOB_THRESHOLD_BYTES:
        return True
    rows = declared_rows(upload, file_format.is_binary())
    return rows is not None and rows > settings.IMPORT_JOB_THRESHOLD_ROWS


def start_import(*, model, user, upload, format_index: int, rows: int | None, language: str) -> Job:
    """Keep the upload and queue its check; the caller sends the account to the job's page."""
    from .tasks import import_sheet

    upload.seek(0)
    job = Job(
        user=user,
        register=model._meta.label_lower,
        file_format=format_index,
        file_name=upload.name[:255],
        total_rows=rows or 0,
        language=language,
    )
    job.file.save(upload.name, ContentFile(upload.read()), save=False)
    job.save()
    transaction.on_commit(lambda: import_sheet.delay(job.pk))
    return job


def confirm(job: Job) -> bool:
    """Queue the import of a checked job; False when it is not waiting for a confirmation."""
    from .tasks import import_sheet

    queued = Job.objects.filter(pk=job.pk, status=Job.Status.CHECKED).update(
        status=Job.Status.QUEUED, confirmed=True
    )
    if queued:
        transaction.on_commit(lambda: import_sheet.delay(job.pk))
    return bool(queued)


# ---- progress -------------------------------------------------------------------------------------------


def _progress_key(job_id) -> str:
    return f"job:{connection.settings_dict['NAME']}:{job_id}"


def report_progress(job_id, step: str, rows: int) -> None:
    progress = caches["jobs"].get(_progress_key(job_id)) or {}
    if progress.get("step") != step:
        progress = {"step": step, "started": time.time()}
    progress.update(rows=rows, at=time.time())
    caches["jobs"].set(_progress_key(job_id), progress, timeout=7 * 24 * 3600)


def progress(job: Job) -> dict:
    """What the job's page shows: status, rows read of the total, percent, rows per second, seconds left."""
    fail_if_stale(job)
    found = caches["jobs"].get(_progress_key(job.pk)) or {}
    if found.get("step") != job.status:
        found = {}  # a step not started yet (queued again after the check)
    rows, total = found.get("rows", 0), job.total_rows
    elapsed = max(found.get("at", 0) - found.get("started", 0), 0.001)
    rate = rows / elapsed if rows and elapsed >= 1 else 0
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "ended": job.status in Job.ENDED,
        "rows": rows,
        "total": total,
        "percent": min(100, round(100 * rows / total)) if total else None,
        "rate": round(rate),
        "seconds_left": round((total - rows) / rate) if rate and total > rows else None,
    }


def stopped_message(job: Job) -> str:
    if job.kind == Job.Kind.EXPORT:
        return _("The job stopped part-way (its worker was stopped). No file was written; export again.")
    return _("The job stopped part-way (its worker was stopped). Nothing was imported; start it again.")


def fail_if_stale(job: Job) -> None:
    if job.status not in Job.RUNNING:
        return
    found = caches["jobs"].get(_progress_key(job.pk)) or {}
    last = found.get("at") or job.created_at.timestamp()
    if time.time() - last > settings.IMPORT_JOB_STALE_SECONDS:
        fail(job, stopped_message(job))
        job.refresh_from_db()


# ---- running a job (in a worker) -------------------------------------------------------------------------


def fail(job: Job, message: str) -> None:
    failed = Job.objects.filter(pk=job.pk, status__in=[*Job.RUNNING, Job.Status.QUEUED]).update(
        status=Job.Status.FAILED, error=message, finished_at=timezone.now()
    )
    if failed:  # a job that ended meanwhile keeps its file (an export's download)
        discard_file(job)


def discard_file(job: Job) -> None:
    # The sheet (names, phones) is kept only while the job needs it.
    if job.file:
        job.file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(file="")


def run(job_id: int) -> None:
    """Check (dry run) or, once confirmed, import the job's sheet; every outcome is written on the job."""
    # A worker lives across deploys (and test runs): content types it cached may have been recreated since,
    # and the import's history rows point at them.
    ContentType.objects.clear_cache()
    job = Job.objects.select_related("user").get(pk=job_id)
    with translation.override(job.language):  # messages written on the job are in its account's language
        _run(job)


def _run(job: Job) -> None:
    if job.status in Job.RUNNING:
        # The broker gave the job back: the worker running it died, and its transaction with it.
        fail(job, stopped_message(job))
        return
    if job.status != Job.Status.QUEUED:
        return  # already done (a duplicate delivery)
    step = Job.Status.IMPORTING if job.confirmed else Job.Status.CHECKING
    Job.objects.filter(pk=job.pk).update(status=step)
    report_progress(job.pk, step, 0)
    try:
        result = _import(job, dry_run=not job.confirmed)
    except Exception:
        logger.exception("background import %s failed", job.pk)  # the job's id, never the sheet's content
        fail(
            job,
            _("The import failed unexpectedly. Nothing was imported; try again or tell the administrator."),
        )
        return
    summary = summarise(result)
    if result.has_errors() or result.has_validation_errors():
        status = Job.Status.INVALID
    else:
        status = Job.Status.DONE if job.confirmed else Job.Status.CHECKED
    ended = status in Job.ENDED
    if ended:
        discard_file(job)  # before the status says so: whoever sees the job ended finds no sheet kept
    Job.objects.filter(pk=job.pk).update(
        status=status,
        result=summary,
        total_rows=summary["rows"],
        finished_at=timezone.now() if ended else None,
    )
    report_progress(job.pk, status, summary["rows"])


def _import(job: Job, *, dry_run: bool):
    model = apps.get_model(job.register)
    model_admin = admin.site._registry[model]
    file_format = model_admin.get_import_formats()[job.file_format]()
    with job.file.open("rb") as stored:
        dataset = file_format.create_dataset(stored.read())
    step = Job.Status.CHECKING if dry_run else Job.Status.IMPORTING
    resource = model_admin.resource_classes[0](
        user=job.user,
        on_progress=lambda rows: report_progress(job.pk, step, rows),
        kept_rows=PREVIEW_ROWS,
    )
    return resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        file_name=job.file_name,
        user=job.user,
    )


def _plain(diff_cell) -> str:
    """A preview cell as its new value: the library marks what changes with <ins>/<del> (HTML)."""
    return html.unescape(strip_tags(DELETED.sub("", str(diff_cell or ""))))


def summarise(result) -> dict:
    """What the job's page shows of an import's result (JSON): counts, the first rows, every bad row."""
    labels = {
        "new": _("new"),
        "update": _("changed"),
        "skip": _("unchanged"),
        "delete": _("deleted"),
        "invalid": _("bad"),
        "error": _("not saved"),
    }
    totals = {str(labels.get(key, key)): value for key, value in result.totals.items() if value}
    rows = result.total_rows
    valid = [row for row in result.valid_rows() if row.diff][:PREVIEW_ROWS]
    invalid = [
        {
            "line": row.number,
            "errors": [
                f"{field}: {'；'.join(messages)}" if field != "__all__" else "；".join(messages)
                for field, messages in row.error_dict.items()
            ],
        }
        for row in result.invalid_rows[:LISTED_ERRORS]
    ]
    return {
        "rows": rows,
        "totals": totals,
        "headers": [str(header) for header in result.diff_headers],
        "preview": [[_plain(value) for value in row.diff] for row in valid],
        "invalid": invalid,
        "invalid_count": len(result.invalid_rows),
        "file_errors": [str(error.error) for error in result.base_errors],
        "notices": [str(notice) for notice in getattr(result, "notices", ())],
        "row_errors": len(result.row_errors()),
    }
