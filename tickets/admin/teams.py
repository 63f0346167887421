"""Teams in the staff workspace: teams and their members (managers), routing rules in order (managers), the
ticket list's team filter, and each agent's own "away" switch."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin

from tickets import services
from tickets.admin.navigation import back_to
from tickets.filters import filter_team, hidden_team_ids
from tickets.models import AgentAvailability, RoutingRule, Team
from tickets.rules.tickets import TEAM_VALUE


@admin.register(Team)
class TeamAdmin(ModelAdmin):
    list_display = ["name", "private", "assignment", "max_open_per_agent", "calendar"]
    fields = ["name", "private", "members", "assignment", "max_open_per_agent", "calendar"]
    filter_horizontal = ["members"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # New members, a new way of assigning or a higher limit: the team's waiting tickets may go out now.
        services.team_assign_waiting([form.instance.pk])


@admin.register(RoutingRule)
class RoutingRuleAdmin(ModelAdmin):
    list_display = ["position", "name", "team", "inbound_address", "category", "priority", "title_word", "active"]
    list_display_links = ["name"]
    list_editable = ["position", "active"]
    ordering = ["position", "pk"]
    fields = ["position", "name", "team", "active", "inbound_address", "category", "priority", "title_word"]


class TeamFilter(admin.SimpleListFilter):
    """My teams, no team, or one team's: the API's ``team=mine|none|<id>``."""

    title = "team"
    parameter_name = "team"

    def lookups(self, request, model_admin):
        teams = Team.objects.exclude(pk__in=hidden_team_ids(request.user))  # another's private team: not a choice
        return [("mine", "My teams"), ("none", "No team"), *((str(t.pk), t.name) for t in teams)]

    def queryset(self, request, queryset):
        value = self.value()
        if value in (None, ""):
            return queryset
        if not TEAM_VALUE.match(value):
            return queryset.none()
        return filter_team(queryset, value, user=request.user)


class TicketTeamsMixin:
    """Mixed into TicketAdmin: the agent's away switch (above the ticket list)."""

    def teams_urls(self):
        return [path("away/", self.admin_site.admin_view(require_POST(self.away_view)), name="tickets_ticket_away")]

    def away_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied  # only agents are given tickets
        away = request.POST.get("away") == "1"
        handed = services.agent_set_away(user=request.user, away=away)
        if away:
            self.message_user(request, "You are away: no ticket is assigned to you until you are back.", messages.INFO)
        else:
            self.message_user(
                request, f"Welcome back. {handed} waiting ticket(s) of your teams were assigned.", messages.SUCCESS
            )
        return back_to(request, reverse("admin:tickets_ticket_changelist"))

    def changelist_view(self, request, extra_context=None):
        away = AgentAvailability.objects.filter(user=request.user.pk, away=True).exists()
        return super().changelist_view(request, {**(extra_context or {}), "agent_away": away})
