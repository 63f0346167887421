"""Which ticket an arriving email answers, if any."""

import re

from tickets.mail.addresses import ticket_from_address
from tickets.mail.parse import ParsedMail
from tickets.models import Ticket, TicketEmail

SUBJECT_TAG = re.compile(r"\[Ticket #([0-9]{1,18})\]", re.IGNORECASE)


def mail_thread(mail: ParsedMail) -> tuple[Ticket | None, str]:
    """(ticket, how) for a reply, (None, "") for a new request. A reply names one of our own emails (In-Reply-To,
    References) or is sent to a ticket's signed reply address; a subject tag like "[Ticket #12]" alone threads
    only when the sender is that ticket's submitter, so nobody writes into another's ticket by guessing numbers."""
    ours = [*mail.in_reply_to, *mail.references]
    if ours:
        sent = TicketEmail.objects.filter(header_id__in=ours).select_related("ticket").order_by("-id").first()
        if sent is not None:
            return sent.ticket, "answers our email"
    for address in mail.recipients:
        ticket_id = ticket_from_address(address)
        if ticket_id is not None and (ticket := Ticket.objects.filter(pk=ticket_id).first()) is not None:
            return ticket, "sent to the ticket's reply address"
    tag = SUBJECT_TAG.search(mail.subject)
    if tag and mail.sender:
        ticket = Ticket.objects.filter(pk=int(tag.group(1))).first()
        if ticket is not None and ticket.submitter_email.lower() == mail.sender:
            return ticket, "subject tag, from the submitter"
    return None, ""
