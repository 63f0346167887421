"""Mail that arrived (every message, with its raw bytes and what became of it) and files attached to a ticket."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tickets.models.messages import TicketMessage
from tickets.models.tickets import Ticket
from tickets.storage import attachment_path, private_storage, raw_mail_path


class Transport(models.TextChoices):
    IMAP = "imap", "IMAP mailbox"
    PIPE = "pipe", "Pipe from the mail server"
    WEBHOOK = "webhook", "Provider webhook"


class InboundState(models.TextChoices):
    STORED = "stored", "Stored"  # a new ticket or a message on one
    IGNORED = "ignored", "Ignored"  # an auto-reply, a bounce, bulk mail or our own: deliberately not answered
    TOO_LARGE = "too_large", "Kept aside: too large"
    UNREADABLE = "unreadable", "Kept aside: could not be read"


class InboundEmail(models.Model):
    """One message that arrived by any door, exactly once (``key``: its Message-ID, else a hash of its bytes).
    The raw message is kept; what became of it (a ticket, a message, ignored and why, kept aside and why) too."""

    State = InboundState

    key = models.CharField(max_length=255, unique=True)
    transport = models.CharField(max_length=16, choices=Transport.choices)
    raw = models.FileField(storage=private_storage, upload_to=raw_mail_path, max_length=200)
    size = models.PositiveIntegerField()
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=16, choices=InboundState.choices)
    reason = models.TextField(blank=True)  # why ignored or kept aside; notes such as "no confirmation: over the limit"
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.ForeignKey(TicketMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_ticket = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index("sender", "received_at", name="inboundemail_sender_idx"),
            models.Index(
                "received_at", name="inboundemail_aside_idx", condition=Q(state__in=["too_large", "unreadable"])
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=InboundState.values), name="inboundemail_state_valid"),
            models.CheckConstraint(condition=Q(transport__in=Transport.values), name="inboundemail_transport_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.subject or '(no subject)'} from {self.sender or '?'}"


class Attachment(models.Model):
    """A file on a ticket: on its first request (``message`` empty) or on one message of its thread. Stored under a
    random name in private storage; the name shown is sanitised; the type is read from the bytes where known."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TicketMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index("ticket", "message", name="attachment_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.size:,} bytes) on #{self.ticket_id}"
