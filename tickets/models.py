from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

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

    class Meta:
        ordering = list(NEWEST_FIRST)
        permissions = [
            ("export_ticket", "Can export tickets as CSV"),
            ("import_ticket", "Can import tickets from CSV"),
            ("view_dashboard", "Can view the stats dashboard"),
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
            # Resolution times of recently resolved tickets, answered from the index alone.
            models.Index(
                fields=["resolved_at"],
                include=["created_at"],
                condition=Q(resolved_at__isnull=False),
                name="ticket_resolved_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def ai_agrees(self) -> bool | None:
        """Whether staff kept both of the AI's labels; None when the AI never suggested any."""
        if not self.ai_category or not self.ai_priority:
            return None
        return self.ai_category == self.category and self.ai_priority == self.priority


class EventField(models.TextChoices):
    """What a history entry records (``TicketEvent.Field``)."""

    CREATED = "created", "Created"
    STATUS = "status", "Status"
    CATEGORY = "category", "Category"
    PRIORITY = "priority", "Priority"
    TITLE = "title", "Title"
    DESCRIPTION = "description", "Description"
    SUBMITTER_EMAIL = "submitter_email", "Submitter email"


class TicketEvent(models.Model):
    """Append-only history of a ticket: its creation, every label and status move, and edits of its text."""

    Field = EventField

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(max_length=16, choices=Field.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index("ticket", "created_at", name="ticketevent_ticket_time_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(field__in=EventField.values), name="ticketevent_field_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value[:40] or '-'} -> {self.new_value[:40]}"


class AuditAction(models.TextChoices):
    EXPORT = "export", "Export"
    IMPORT = "import", "Import"


class AuditEntry(models.Model):
    """Who moved tickets in or out in bulk, and when: every export and import, with its filters and row count."""

    Action = AuditAction

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    rows = models.PositiveIntegerField(default=0)
    detail = models.JSONField(default=dict, blank=True)  # filters and search, file name, format, counts

    class Meta:
        ordering = list(NEWEST_FIRST)
        verbose_name_plural = "audit entries"
        constraints = [
            models.CheckConstraint(condition=Q(action__in=AuditAction.values), name="auditentry_action_valid")
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} of {self.rows} ticket(s) by {self.actor or 'nobody'}"


class TicketCount(models.Model):
    """How many tickets share one combination of labels: kept exact by PostgreSQL triggers on every write.

    The stats, the dashboard and the list's exact counts read these few rows instead of scanning
    a million tickets. ``ai`` is "none" (the AI never labelled it), "kept" (staff kept both of the
    AI's labels) or "changed". Each combination is spread over up to eight rows (``shard``, chosen by
    transaction in migration 0010's triggers), so concurrent writers rarely wait for one another's lock on a
    counter; readers sum them.
    """

    category = models.CharField(max_length=16)
    priority = models.CharField(max_length=16)
    status = models.CharField(max_length=16)
    ai = models.CharField(max_length=8)
    shard = models.PositiveSmallIntegerField(default=0)
    n = models.BigIntegerField(default=0)  # one shard's count: it may be negative, the sum never is

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "priority", "status", "ai", "shard"], name="ticketcount_key_shard_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.priority}/{self.status}/{self.ai}#{self.shard}: {self.n}"


class RateCounter(models.Model):
    """Requests from one client to one throttled endpoint, in the current and the previous time window.

    Written by one upsert per request (``services.rate_counter_hit``); on PostgreSQL the table is UNLOGGED,
    so counting costs no WAL flush, and a crash only resets the counts.
    """

    key = models.CharField(primary_key=True, max_length=200)
    period = models.PositiveIntegerField()  # seconds
    started = models.BigIntegerField()  # the current window's start, in seconds since the epoch
    hits = models.PositiveIntegerField()
    previous = models.PositiveIntegerField()  # hits in the window before

    def __str__(self) -> str:
        return f"{self.key}: {self.hits} (+{self.previous} before)"
