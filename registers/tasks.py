"""Background jobs of the registers (run by a Celery worker; routed to the "imports" queue)."""

from celery import shared_task

from . import jobs


@shared_task(name="registers.import_sheet")
def import_sheet(job_id: int) -> None:
    jobs.run(job_id)
