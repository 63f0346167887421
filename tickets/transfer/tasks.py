"""Large imports in the background: a file is kept and its check queued; once staff confirm, its writing is
queued. The worker (`manage.py db_worker`) runs both; each job's state is written through the services."""

from django.db import transaction
from django_tasks import task

from tickets import services
from tickets.models import ImportJob
from tickets.transfer import jobs


def import_start(*, actor, file_name: str, text: str, rows: int) -> ImportJob:
    """Keep an uploaded file and queue the check of every row; the worker starts once this commits."""
    with transaction.atomic():
        job = services.import_job_create(actor=actor, file_name=file_name, text=text, rows=rows)
        transaction.on_commit(lambda: check_import.enqueue(job.pk))
    return job


def import_confirm(*, job: ImportJob) -> bool:
    """Queue the writing of a checked, valid file; False when the job is not waiting for that."""
    with transaction.atomic():
        moved = services.import_job_mark_writing(job=job)
        if moved:
            transaction.on_commit(lambda: write_import.enqueue(job.pk))
    return moved


@task()
def check_import(job_id: int) -> str:
    """Check every row of a large import (a dry run, with progress); returns the job's state."""
    return jobs.check(job_id).state


@task()
def write_import(job_id: int) -> str:
    """Write a checked import, all or nothing; returns the job's state."""
    return jobs.write(job_id).state
