"""The state of a large import, as the background worker moves it along (checking, writing, done)."""

from django.db import connections, transaction
from django.utils import timezone

from tickets.models import ImportJob, ImportState


def import_job_start(*, actor, file_name: str, text: str, rows: int) -> ImportJob:
    """Keep an uploaded file and queue the check of every row; the worker starts once this commits."""
    from tickets.tasks import check_import

    job = ImportJob.objects.create(actor=actor, file_name=file_name[:255], content=text, rows_total=rows)
    transaction.on_commit(lambda: check_import.enqueue(job.pk))
    return job


def import_job_confirm(*, job: ImportJob) -> bool:
    """Queue the writing of a checked, valid file; False when the job is not waiting for that."""
    from tickets.tasks import write_import

    moved = ImportJob.objects.filter(pk=job.pk, state=ImportState.READY).update(state=ImportState.WRITING, rows_done=0)
    if moved:
        transaction.on_commit(lambda: write_import.enqueue(job.pk))
    return bool(moved)


def import_job_progress(*, job_id: int, rows_done: int) -> None:
    """Record how far a job got, on a connection of its own: visible at once even while the import's own
    transaction is still open (and kept even if that transaction rolls back)."""
    connection = connections.create_connection("default")
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE tickets_importjob SET rows_done = %s WHERE id = %s", [rows_done, job_id])
    finally:
        connection.close()


def import_job_finish(*, job: ImportJob, state: str, **fields) -> ImportJob:
    """Close a step: the new state, its results; a job that is over lets go of the file's text."""
    job.state = state
    for name, value in fields.items():
        setattr(job, name, value)
    if state in (ImportState.DONE, ImportState.FAILED, ImportState.INVALID):
        job.finished_at = timezone.now()
        job.content = "" if state == ImportState.DONE else job.content
    job.save()
    return job
