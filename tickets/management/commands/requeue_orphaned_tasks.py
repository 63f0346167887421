"""Give jobs back to the queue when the worker that was running them died (killed, OOM, machine lost).

A worker id names one worker slot (bin/start-worker uses the host name). When a worker starts, any job still
marked RUNNING under its own id was left by its dead predecessor: nothing else can be running it.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django_tasks_db.models import DBTaskResult

try:
    from django.tasks import TaskResultStatus  # Django 6
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import TaskResultStatus


class Command(BaseCommand):
    help = "Requeue RUNNING jobs whose last claim was made by this worker id."

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", required=True)

    @transaction.atomic
    def handle(self, *args, worker_id, **options):
        orphaned = [
            task.pk
            for task in DBTaskResult.objects.select_for_update()
            .filter(status=TaskResultStatus.RUNNING)
            .only("pk", "worker_ids")
            if task.worker_ids and task.worker_ids[-1] == worker_id
        ]
        if orphaned:
            DBTaskResult.objects.filter(pk__in=orphaned).update(status=TaskResultStatus.READY, started_at=None)
        self.stdout.write(f"requeued {len(orphaned)} job(s) left running by worker {worker_id}")
