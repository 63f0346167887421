from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _keep_planner_settings(sender, using, **kwargs):
    from tickets.postgres import apply_planner_settings  # noqa: PLC0415 (models are not ready at import time)

    apply_planner_settings(using)


class TicketsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tickets"

    def ready(self):
        post_migrate.connect(_keep_planner_settings, sender=self, dispatch_uid="tickets.planner_settings")
