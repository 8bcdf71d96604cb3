"""Background jobs of the registers (run by a Celery worker; routed to the "imports" and "exports" queues)."""

from celery import shared_task

from . import exports, jobs


@shared_task(name="registers.import_sheet")
def import_sheet(job_id: int) -> None:
    jobs.run(job_id)


@shared_task(name="registers.export_file")
def export_file(job_id: int) -> None:
    exports.run(job_id)


@shared_task(name="registers.purge_expired_exports")
def purge_expired_exports() -> int:
    return exports.purge_expired()
