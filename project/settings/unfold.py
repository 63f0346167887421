"""The staff workspace's look: unfold's settings, its sidebar, and the dashboard callback."""

from django.templatetags.static import static
from django.urls import reverse_lazy

from tickets.roles import (
    IMPORT_TICKETS,
    VIEW_AUDIT_LOG,
    VIEW_CANNED,
    VIEW_INBOUND_MAIL,
    VIEW_MODEL_VERSIONS,
    VIEW_SLA_POLICIES,
    VIEW_TICKET,
)

UNFOLD = {
    "SITE_TITLE": "Cootrack",
    "SITE_HEADER": "Cootrack",
    "SITE_SUBHEADER": "Support desk",
    "SITE_SYMBOL": "support_agent",
    "SITE_URL": "/",
    "DASHBOARD_CALLBACK": "dashboards.views.dashboard_callback",
    "STYLES": [lambda request: static("tickets/admin.css")],
    "SCRIPTS": [lambda request: static("tickets/sidebar.js")],
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": False,
        "navigation": "project.settings.unfold.navigation",
    },
}

# The sidebar below the agent's saved views (tickets/admin/views.py adds them, with their open counts).
NAVIGATION = [
    {
        "title": "Support",
        "items": [
            {"title": "Home", "icon": "home", "link": reverse_lazy("admin:index")},
            {
                "title": "Tickets",
                "icon": "confirmation_number",
                "link": reverse_lazy("admin:tickets_ticket_changelist"),
                "permission": lambda request: request.user.has_perm(VIEW_TICKET),
            },
            {
                "title": "Canned responses",
                "icon": "quickreply",
                "link": reverse_lazy("admin:tickets_cannedresponse_changelist"),
                "permission": lambda request: request.user.has_perm(VIEW_CANNED),
            },
            {
                "title": "SLA policies",
                "icon": "timer",
                "link": reverse_lazy("admin:tickets_slapolicy_changelist"),
                "permission": lambda request: request.user.has_perm(VIEW_SLA_POLICIES),
            },
            {
                "title": "Teams",
                "icon": "groups",
                "link": reverse_lazy("admin:tickets_team_changelist"),
                "permission": lambda request: request.user.has_perm("tickets.view_team"),
            },
            {
                "title": "Routing rules",
                "icon": "alt_route",
                "link": reverse_lazy("admin:tickets_routingrule_changelist"),
                "permission": lambda request: request.user.has_perm("tickets.view_routingrule"),
            },
            {
                "title": "Business hours",
                "icon": "calendar_month",
                "link": reverse_lazy("admin:tickets_businesscalendar_changelist"),
                "permission": lambda request: request.user.has_perm("tickets.view_businesscalendar"),
            },
            {
                "title": "Import jobs",
                "icon": "upload_file",
                "link": reverse_lazy("admin:tickets_importjob_changelist"),
                "permission": lambda request: request.user.has_perm(IMPORT_TICKETS),
            },
            {
                "title": "Received email",
                "icon": "mail",
                "link": reverse_lazy("admin:tickets_inboundemail_changelist"),
                "permission": lambda request: request.user.has_perm(VIEW_INBOUND_MAIL),
            },
            {
                "title": "AI model versions",
                "icon": "model_training",
                "link": reverse_lazy("admin:tickets_classifierversion_changelist"),
                "permission": lambda request: request.user.has_perm(VIEW_MODEL_VERSIONS),
            },
            {
                "title": "Audit log",
                "icon": "history",
                "link": reverse_lazy("admin:tickets_auditentry_changelist"),
                "permission": lambda request: request.user.has_perm(VIEW_AUDIT_LOG),
            },
            {
                "title": "Dashboard",
                "icon": "monitoring",
                "link": reverse_lazy("dashboards:stats"),
                "permission": "dashboards.views.can_view_dashboard",
            },
        ],
    },
    {
        "title": "Users & groups",
        "items": [
            {
                "title": "Users",
                "icon": "person",
                "link": reverse_lazy("admin:auth_user_changelist"),
                "permission": lambda request: request.user.has_perm("auth.view_user"),
            },
            {
                "title": "Groups",
                "icon": "group",
                "link": reverse_lazy("admin:auth_group_changelist"),
                "permission": lambda request: request.user.has_perm("auth.view_group"),
            },
            {
                "title": "Login lockouts",
                "icon": "lock",
                "link": reverse_lazy("admin:axes_accessattempt_changelist"),
                "permission": lambda request: request.user.has_perm("axes.view_accessattempt"),
            },
        ],
    },
]


def navigation(request):
    """unfold's sidebar: the agent's saved views first, then the workspace's pages."""
    from tickets.admin.views import views_group  # noqa: PLC0415 (the admin is loaded after the settings)

    return [*views_group(request), *NAVIGATION]
