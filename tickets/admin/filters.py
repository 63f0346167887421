"""The changelist's own filters: whole-day date ranges, whose tickets (mine, nobody's, an agent's), SLA state,
and the AI's confidence."""

from django.contrib import admin
from django.utils import timezone
from unfold.contrib.filters.admin import RangeDateFilter

from tickets.filters import filter_assignee, filter_days
from tickets.models import ai_unsure
from tickets.rules.sla import LABELS, STATES, sla_filter
from tickets.rules.tickets import ASSIGNEE_VALUE
from tickets.selectors import active_staff


class DayRangeFilter(RangeDateFilter):
    """Whole days in the server's time zone, both ends included, on a date-time field."""

    def queryset(self, request, queryset):
        # None (a date that does not parse): the admin shows an invalid-filter message, not a 500.
        value = self.used_parameters.get
        name = self.parameter_name
        return filter_days(queryset, name, value(name + "_from"), value(name + "_to"))


class AssigneeFilter(admin.SimpleListFilter):
    """Mine, Unassigned, or one agent's: the same rule as the API's ``assignee=me|none|<id>``."""

    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        return [("me", "Mine"), ("none", "Unassigned"), *((str(u.pk), u.get_username()) for u in active_staff())]

    def queryset(self, request, queryset):
        value = self.value()
        if value in (None, ""):
            return queryset
        if not ASSIGNEE_VALUE.match(value):
            return queryset.none()
        return filter_assignee(queryset, value, user=request.user)


class AIUnsureFilter(admin.SimpleListFilter):
    """The AI's labels came with a low confidence (AI_UNSURE_BELOW): the ones an agent checks first."""

    title = "AI confidence"
    parameter_name = "ai_unsure"

    def lookups(self, request, model_admin):
        return [("true", "AI unsure"), ("false", "AI sure")]

    def queryset(self, request, queryset):
        if self.value() == "true":
            return queryset.filter(ai_unsure())
        if self.value() == "false":
            return queryset.exclude(ai_unsure())
        return queryset


class SLAFilter(admin.SimpleListFilter):
    """Breached, due soon, on track, met: the same rule as the API's ``sla=`` (tickets/rules/sla.py)."""

    title = "SLA"
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [(state, LABELS[state]) for state in ("breached", "due_soon", "ok", "paused", "met")]

    def queryset(self, request, queryset):
        if self.value() in STATES:
            return queryset.filter(sla_filter(self.value(), timezone.now()))
        return queryset
