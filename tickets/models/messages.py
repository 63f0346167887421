"""The conversation on a ticket, and the emails it sends to the submitter."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tickets.models.tickets import DESCRIPTION_MAX_LENGTH, Category, Status, Ticket
from tickets.validators import validate_storable_text


class MessageKind(models.TextChoices):
    REPLY = "reply", "Reply to the submitter"
    NOTE = "note", "Internal note"
    CUSTOMER = "customer", "Message from the submitter"


# What the submitter may ever see: never a note.
PUBLIC_KINDS = (MessageKind.REPLY, MessageKind.CUSTOMER)


class TicketMessage(models.Model):
    """One message on a ticket's thread. Append-only: written by services.message_add, never changed."""

    Kind = MessageKind

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    body = models.TextField(validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH), validate_storable_text])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index("ticket", "created_at", name="ticketmessage_thread_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MessageKind.values), name="ticketmessage_kind_valid"),
            models.CheckConstraint(condition=~Q(body=""), name="ticketmessage_body_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id}"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class TicketEmail(models.Model):
    """An email to a ticket's submitter (a reply, the confirmation, the resolution notice): the outbox.

    Written in the same transaction as what caused it and sent by the background worker, never inside a
    request; its state (queued, sent, failed with the error) is what staff see beside the message.
    """

    Status = EmailStatus

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="emails")
    message = models.OneToOneField(TicketMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="email")
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    header_id = models.CharField("Message-ID", max_length=255, unique=True)  # ours, for threading in mail clients
    status = models.CharField(max_length=16, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=EmailStatus.values), name="ticketemail_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to} ({self.status})"


class CannedResponse(models.Model):
    """A reply agents send again and again. Its body may name {ticket_id}, {ticket_title}, {agent_name} and
    {submitter_email}; nothing else in it is ever interpreted (services/canned.py)."""

    title = models.CharField(max_length=120, unique=True)
    body = models.TextField(validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH), validate_storable_text])
    category = models.CharField(
        max_length=16, choices=Category.choices, blank=True, help_text="Offered first on tickets of this category."
    )
    set_status = models.CharField(
        "status after sending",
        max_length=16,
        choices=Status.choices,
        blank=True,
        help_text="Optional: the ticket moves to this status when the reply is sent.",
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="cannedresponse_body_not_blank"),
        ]

    def __str__(self) -> str:
        return self.title


class TicketContact(models.Model):
    """Someone else following a ticket: the submitter of a duplicate merged into it, kept with the ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="contacts")
    email = models.EmailField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "email"], name="ticketcontact_unique")]

    def __str__(self) -> str:
        return f"{self.email} on #{self.ticket_id}"
