"""Teams: who works which tickets, the rules that route a new ticket to a team, and how a team's tickets are
handed to its agents."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tickets.models.sla import BusinessCalendar
from tickets.models.tickets import Category, Priority


class Assignment(models.TextChoices):
    OFF = "off", "Off: agents take tickets themselves"
    ROUND_ROBIN = "round_robin", "Round robin: each free agent in turn"
    FEWEST_OPEN = "fewest_open", "Fewest open: the free agent with the fewest open tickets"


class Team(models.Model):
    """A group of agents and the tickets routed to it, with its own working hours and way of assigning."""

    Assignment = Assignment

    name = models.CharField(max_length=80, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")
    private = models.BooleanField(
        default=False,
        help_text="Only the team's members (and managers) see its tickets, anywhere: to everyone else they do not "
        "exist.",
    )
    assignment = models.CharField(max_length=16, choices=Assignment.choices, default=Assignment.OFF)
    max_open_per_agent = models.PositiveIntegerField(
        null=True, blank=True, help_text="No agent is given a ticket past this many open ones; empty: no limit."
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The team's working hours (its tickets' SLA counts them); empty: the priority's policy decides.",
    )
    # Round robin's place: the member who got the team's last ticket.
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(assignment__in=Assignment.values), name="team_assignment_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="team_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """The first active rule (by position) whose every given condition matches a new ticket sends it to its team."""

    position = models.PositiveIntegerField(default=100)
    name = models.CharField(max_length=80)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="rules")
    active = models.BooleanField(default=True)
    inbound_address = models.EmailField(
        blank=True, help_text="Email received at this address (the To or Cc of the submitter's message)."
    )
    category = models.CharField(max_length=16, choices=Category.choices, blank=True)
    priority = models.CharField(max_length=16, choices=Priority.choices, blank=True)
    title_word = models.CharField(
        max_length=60, blank=True, help_text="A word the title contains (any case; whole words only)."
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(inbound_address="", category="", priority="", title_word=""),
                name="routingrule_has_a_condition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name} \u2192 {self.team}"


class AgentAvailability(models.Model):
    """An agent's own "away" switch: away agents are given no tickets."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="availability"
    )
    away = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} {'away' if self.away else 'available'}"
