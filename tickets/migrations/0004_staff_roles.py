from django.db import migrations

from tickets.roles import AGENT, MANAGER, ensure_roles


def create_roles(apps, schema_editor):
    ensure_roles(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[AGENT, MANAGER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_ticket_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
