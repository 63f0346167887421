"""Files on a ticket, stored privately under random names: from email, from the forms, on agents' replies."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from tickets.mail.parse import ParsedAttachment, safe_name
from tickets.models import Attachment, Ticket, TicketMessage
from tickets.rules.files import upload_problems


def uploads_read(uploads) -> list[ParsedAttachment]:
    """Files uploaded through a form (the admin's reply box, the submission form, the tracking page), checked
    against the upload limits by their sizes before any is read: past them, ``ValidationError`` keyed
    "attachments" and nothing read into memory."""
    if problems := upload_problems([(upload.name, upload.size) for upload in uploads]):
        raise ValidationError({"attachments": problems})
    return [ParsedAttachment(upload.name, upload.content_type or "", upload.read()) for upload in uploads]


def attachments_add(
    *, ticket: Ticket, message: TicketMessage | None, files: list[ParsedAttachment]
) -> tuple[list[Attachment], list[str]]:
    """Store a message's files privately under random names, within ATTACHMENTS_MAX, ATTACHMENT_MAX_BYTES and
    ATTACHMENTS_MAX_TOTAL_BYTES; returns (the files stored, what was left out and why, in words). The type kept
    is the one the bytes show (else a generic one)."""
    stored, left_out = [], []
    most, budget = settings.ATTACHMENTS_MAX, settings.ATTACHMENTS_MAX_TOTAL_BYTES
    for number, item in enumerate(files, start=1):
        if number > most:
            left_out.append(f"{len(files) - most} file(s) left out: at most {most} a message")
            break
        if len(item.data) > settings.ATTACHMENT_MAX_BYTES:
            left_out.append(f"{item.name}: {len(item.data):,} bytes, over {settings.ATTACHMENT_MAX_BYTES:,}")
            continue
        if sum(a.size for a in stored) + len(item.data) > budget:
            left_out.append(f"{item.name}: the message's files would pass {budget:,} bytes together")
            continue
        kind = filetype.guess_mime(item.data) or "application/octet-stream"
        attachment = Attachment(
            ticket=ticket, message=message, name=safe_name(item.name, kind), content_type=kind, size=len(item.data)
        )
        attachment.file.save("attachment", ContentFile(item.data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored, left_out
