"""The ticket: its labels, limits and lifecycle."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from tickets.titles import title_sketch
from tickets.validators import validate_storable_text

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10_000


class Category(models.TextChoices):
    BILLING = "billing", "Billing"
    TECHNICAL = "technical", "Technical"
    ACCOUNT = "account", "Account"
    GENERAL = "general", "General"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


# A ticket's public columns, in one order for the API, the CSV export and bulk loads.
TICKET_FIELDS = (
    "id",
    "title",
    "description",
    "category",
    "priority",
    "status",
    "submitter_email",
    "created_at",
    "updated_at",
    "resolved_at",
    "ai_category",
    "ai_priority",
    "ai_confidence",
    "classified_by",
)

# Tickets on one page of the API list, the admin changelist and the React list (which reads it from /api/meta/).
PAGE_SIZE = 25

# The list order everywhere (API, admin, export, selectors): newest first, the id breaking ties.
NEWEST_FIRST = ("-created_at", "-id")

# Statuses that count as "done" for resolution time.
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)
# Statuses a ticket is worked in: what an agent's and a team's open tickets count.
OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)


def _in_choices(field: str, choices: type[models.TextChoices], *, blank: bool = False) -> models.CheckConstraint:
    values = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=f"ticket_{field}_valid")


class Ticket(models.Model):
    title = models.CharField(max_length=TITLE_MAX_LENGTH, validators=[validate_storable_text])
    description = models.TextField(
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH), validate_storable_text],
    )
    category = models.CharField(max_length=16, choices=Category.choices)
    priority = models.CharField(max_length=16, choices=Priority.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    submitter_email = models.EmailField(blank=True, validators=[validate_storable_text])
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)

    # What the AI suggested, kept beside what staff finally chose.
    ai_category = models.CharField("AI category", max_length=16, choices=Category.choices, blank=True, editable=False)
    ai_priority = models.CharField("AI priority", max_length=16, choices=Priority.choices, blank=True, editable=False)
    ai_confidence = models.FloatField("AI confidence", null=True, blank=True, editable=False)
    classified_by = models.CharField(max_length=120, blank=True, editable=False)

    # Who works on it: an active staff member, or nobody.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        limit_choices_to={"is_staff": True, "is_active": True},
        db_index=False,  # ticket_assignee_newest_idx below starts with it
    )
    # The team working it (routing rules choose it at creation; staff may move it).
    team = models.ForeignKey(
        "tickets.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets", db_index=False
    )
    # A duplicate merged into another ticket points to it (services/merge.py); mail and answers to it go there.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_tickets", editable=False
    )
    # The first reply to the submitter (kept once set), and whether the submitter wrote since staff last replied.
    first_response_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Database defaults too, so bulk loads (COPY) that do not name these columns still fill them.
    customer_replied = models.BooleanField(default=False, db_default=False, editable=False)
    # Promises (SLA), from the priority's policy (services/sla.py): when the first reply and the resolution are
    # due, when the resolution clock last started (creation, or a reopening), the next pending deadline and the
    # moment it turns "due soon" (both null once nothing is pending), and whether a target was missed.
    first_response_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_clock_at = models.DateTimeField(null=True, blank=True, editable=False)
    sla_due_at = models.DateTimeField("next due", null=True, blank=True, editable=False)
    sla_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    sla_breached = models.BooleanField(default=False, db_default=False, editable=False)
    # Waiting on the customer (an agent asked a question): no deadline is pending meanwhile, and each wait's
    # working time pushes the resolution due time back; the customer's answer ends the wait.
    waiting_since = models.DateTimeField(null=True, blank=True, editable=False)
    sla_paused = models.DurationField(default=timedelta(0), db_default=timedelta(0), editable=False)

    # The submitter's tracking link: its token is HMAC(SECRET_KEY, salt) (services/tracking.py), never stored; the
    # salt (128 random bits) lets the server put the link in later emails, the hash finds the ticket.
    tracking_salt = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    tracking_token_hash = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)
    # The title's MinHash band keys (tickets/titles.py), kept with the title on every save: "similar tickets"
    # looks up near twins by them (a GIN index on PostgreSQL, migration 0017).
    title_sketch = models.TextField(blank=True, default="", db_default="", editable=False)
    tags = models.ManyToManyField("tickets.Tag", through="tickets.TicketTag", blank=True, related_name="tickets")

    class Meta:
        ordering = list(NEWEST_FIRST)
        permissions = [
            ("export_ticket", "Can export tickets as CSV"),
            ("import_ticket", "Can import tickets from CSV"),
            ("view_dashboard", "Can view the stats dashboard"),
            ("view_all_teams", "Can see the tickets of every private team"),
        ]
        constraints = [
            _in_choices("category", Category),
            _in_choices("priority", Priority),
            _in_choices("status", Status),
            _in_choices("ai_category", Category, blank=True),
            _in_choices("ai_priority", Priority, blank=True),
            models.CheckConstraint(condition=~Q(title=""), name="ticket_title_not_blank"),
            models.CheckConstraint(condition=~Q(description=""), name="ticket_description_not_blank"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), DESCRIPTION_MAX_LENGTH),
                name="ticket_description_max_length",
            ),
            models.CheckConstraint(
                condition=Q(ai_confidence__isnull=True) | Q(ai_confidence__gte=0, ai_confidence__lte=1),
                name="ticket_ai_confidence_range",
            ),
        ]
        indexes = [
            # Newest first, with the id as a stable tie-breaker: the list and every filter below.
            models.Index(models.F("created_at").desc(), models.F("id").desc(), name="ticket_newest_idx"),
            models.Index("status", models.F("created_at").desc(), name="ticket_status_newest_idx"),
            models.Index("priority", models.F("created_at").desc(), name="ticket_priority_newest_idx"),
            models.Index("category", models.F("created_at").desc(), name="ticket_category_newest_idx"),
            models.Index("status", "priority", models.F("created_at").desc(), name="ticket_status_prio_newest_idx"),
            # SLA: tickets with a deadline pending, most urgent first; and the ones that missed a target.
            # Read in order by "most urgent first" (ordering=due), so a state filter stops at the first page.
            models.Index(
                models.F("sla_due_at").asc(nulls_last=True),
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="ticket_most_urgent_idx",
            ),
            models.Index(fields=["resolved_at"], condition=Q(sla_breached=True), name="ticket_sla_breached_idx"),
            # The dashboard's open tickets per agent, from the index alone.
            models.Index("status", "assignee", name="ticket_status_assignee_idx"),
            # "Mine" and "by agent": one agent's tickets, newest first.
            models.Index("assignee", models.F("created_at").desc(), name="ticket_assignee_newest_idx"),
            models.Index(
                fields=["tracking_token_hash"], condition=~Q(tracking_token_hash=""), name="ticket_tracking_idx"
            ),
            # A team's tickets, newest first (the team filter and "my teams").
            models.Index("team", models.F("created_at").desc(), name="ticket_team_newest_idx"),
            # Tickets waiting on their customer (the SLA state "paused"): few, so a small partial index.
            models.Index(fields=["waiting_since"], condition=Q(waiting_since__isnull=False), name="ticket_waiting_idx"),
            # A submitter's tickets, newest first, whatever the case they typed their address in: the ticket page's
            # "their other tickets" and the customer's "My tickets".
            models.Index(
                Lower("submitter_email"),
                models.F("created_at").desc(),
                condition=~Q(submitter_email=""),
                name="ticket_submitter_lower_idx",
            ),
            # Resolution times and SLA outcomes of recently resolved tickets, answered from the index alone.
            models.Index(
                fields=["resolved_at"],
                include=["created_at", "priority", "sla_breached"],
                condition=Q(resolved_at__isnull=False),
                name="ticket_resolved_idx",
            ),
            # First response times of recent replies (the dashboard's median), from the index alone.
            models.Index(
                fields=["first_response_at"],
                include=["created_at"],
                condition=Q(first_response_at__isnull=False),
                name="ticket_first_response_idx",
            ),
            # The same per team (the dashboard's teams card): a team's recent first replies without reading every
            # team's (1.2 s for a team of a million tickets at 10M, through the index above and the table).
            models.Index(
                fields=["team", "first_response_at"],
                include=["created_at"],
                condition=Q(first_response_at__isnull=False),
                name="ticket_team_first_response_idx",
            ),
            # A team's open tickets past a deadline (the teams card), counted from the index alone: through the
            # table, a team's 37,000 of them were 211,000 pages read at 10M (1.1 s cold).
            models.Index(
                fields=["team", "sla_due_at"],
                include=["sla_breached"],
                condition=(Q(status=Status.OPEN) | Q(status=Status.IN_PROGRESS)) & Q(team__isnull=False),
                name="ticket_team_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def save(self, *args, **kwargs):
        self.title_sketch = title_sketch(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {*update_fields, "title_sketch"}
        super().save(*args, **kwargs)

    @property
    def ai_is_unsure(self) -> bool:
        """The AI's labels came with a confidence under AI_UNSURE_BELOW (``ai_unsure()`` in the database)."""
        return self.ai_confidence is not None and self.ai_confidence < settings.AI_UNSURE_BELOW

    @property
    def ai_agrees(self) -> bool | None:
        """Whether staff kept both of the AI's labels; None when the AI never suggested any.

        This is the rule's home. Two copies must stay equal to it, because a database counts faster than Python:
        the counters' trigger SQL (migration 0007's ``AI_STATE``: none / kept / changed) and the ORM filter
        ``AI_KEPT`` below, used where no counters are kept. ``test_counters.py`` checks all three on the same rows.
        """
        if not self.ai_category or not self.ai_priority:
            return None
        return self.ai_category == self.category and self.ai_priority == self.priority


def ai_unsure() -> Q:
    """Tickets whose AI labels came with a confidence under AI_UNSURE_BELOW: the ones an agent checks first.
    ``Ticket.ai_is_unsure`` is the same rule for one ticket in Python."""
    return Q(ai_confidence__lt=settings.AI_UNSURE_BELOW)


# The ORM form of ``Ticket.ai_agrees`` (True): both AI labels present and both kept.
AI_KEPT = (
    Q(ai_category=models.F("category"), ai_priority=models.F("priority")) & ~Q(ai_category="") & ~Q(ai_priority="")
)
