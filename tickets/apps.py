from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def _keep_planner_settings(sender, using, **kwargs):
    from tickets.postgres import apply_planner_settings  # noqa: PLC0415 (models are not ready at import time)

    apply_planner_settings(using)


class TicketsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tickets"

    def ready(self):
        from tickets.selectors.sla import SETTINGS_MODELS, forget_settings  # noqa: PLC0415

        post_migrate.connect(_keep_planner_settings, sender=self, dispatch_uid="tickets.planner_settings")
        for model in SETTINGS_MODELS:
            post_save.connect(forget_settings, sender=model, dispatch_uid=f"tickets.forget_settings.{model.__name__}")
            post_delete.connect(forget_settings, sender=model, dispatch_uid=f"tickets.forget_settings.{model.__name__}")
