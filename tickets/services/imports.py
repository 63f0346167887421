"""The state of a large import, as it moves along (checking, writing, done). The background work itself, and the
queueing of it, is tickets/transfer/tasks.py."""

from django.db import connections
from django.utils import timezone

from tickets.models import ImportJob, ImportState


def import_job_create(*, actor, file_name: str, text: str, rows: int) -> ImportJob:
    """Keep an uploaded file as a job waiting to be checked."""
    return ImportJob.objects.create(actor=actor, file_name=file_name[:255], content=text, rows_total=rows)


def import_job_mark_writing(*, job: ImportJob) -> bool:
    """Move a checked, valid file on to writing; False when the job is not waiting for that."""
    return bool(
        ImportJob.objects.filter(pk=job.pk, state=ImportState.READY).update(state=ImportState.WRITING, rows_done=0)
    )


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
