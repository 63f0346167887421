"""The two staff roles: "Support agent" triages tickets; "Manager" also deletes, exports, imports and reads the
dashboard. Created by migration 0004; ``ensure_roles`` can restore them (e.g. after a test flushes the tables).
"""

AGENT = "Support agent"
MANAGER = "Manager"

# The permissions code checks, named once ("app_label.codename", as has_perm takes them).
VIEW_TICKET = "tickets.view_ticket"
CHANGE_TICKET = "tickets.change_ticket"
EXPORT_TICKETS = "tickets.export_ticket"
IMPORT_TICKETS = "tickets.import_ticket"
VIEW_CANNED = "tickets.view_cannedresponse"
VIEW_SLA_POLICIES = "tickets.view_slapolicy"
VIEW_AUDIT_LOG = "tickets.view_auditentry"
VIEW_INBOUND_MAIL = "tickets.view_inboundemail"
DASHBOARD_PERMISSION = "tickets.view_dashboard"
VIEW_ALL_TEAMS = "tickets.view_all_teams"
VIEW_MODEL_VERSIONS = "tickets.view_classifierversion"
CHANGE_MODEL_VERSIONS = "tickets.change_classifierversion"  # promote, roll back, retrain now

AGENT_PERMISSIONS = [
    "view_ticket", "add_ticket", "change_ticket", "view_ticketevent", "view_cannedresponse", "view_tag",
    "view_savedview", "add_savedview", "view_team",
]  # fmt: skip
MANAGER_PERMISSIONS = [
    *AGENT_PERMISSIONS,
    "delete_ticket",
    "export_ticket",
    "import_ticket",
    "view_dashboard",
    "view_all_teams",
    "view_auditentry",
    "view_slapolicy",
    "change_slapolicy",
    "add_cannedresponse",
    "change_cannedresponse",
    "delete_cannedresponse",
    "view_inboundemail",
    "change_tag",
    "delete_tag",
    "change_savedview",
    "delete_savedview",
    "view_businesscalendar",
    "add_businesscalendar",
    "change_businesscalendar",
    "delete_businesscalendar",
    "add_team",
    "change_team",
    "delete_team",
    "view_routingrule",
    "add_routingrule",
    "change_routingrule",
    "delete_routingrule",
    "view_classifierversion",
    "change_classifierversion",
]


def ensure_roles(apps) -> None:
    """Create both groups with their permissions; ``apps`` is a migration's app registry or django.apps.apps."""
    from django.contrib.auth.management import create_permissions  # imported once apps are ready (settings read this)

    tickets_config = apps.get_app_config("tickets")
    had_models_module = getattr(tickets_config, "models_module", None)
    tickets_config.models_module = had_models_module or True  # create_permissions skips apps without models
    create_permissions(tickets_config, apps=apps, verbosity=0)
    tickets_config.models_module = had_models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((AGENT, AGENT_PERMISSIONS), (MANAGER, MANAGER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="tickets", codename__in=codenames))
