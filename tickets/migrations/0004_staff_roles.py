from django.db import migrations

from tickets.migrations._frozen import AGENT, MANAGER, grant

AGENT_PERMISSIONS = ["view_ticket", "add_ticket", "change_ticket", "view_ticketevent"]
MANAGER_PERMISSIONS = [*AGENT_PERMISSIONS, "delete_ticket", "export_ticket", "import_ticket", "view_dashboard"]


def create_roles(apps, schema_editor):
    grant(apps, {AGENT: AGENT_PERMISSIONS, MANAGER: MANAGER_PERMISSIONS})


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[AGENT, MANAGER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_ticket_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
