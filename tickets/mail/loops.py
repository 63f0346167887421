"""Mail that no person wrote, or that we sent ourselves: never answered, never a ticket. Each rule says why."""

from tickets.mail.addresses import mailbox
from tickets.mail.parse import ParsedMail

BOUNCE_SENDERS = ("mailer-daemon@", "postmaster@", "mail-daemon@", "noreply-dmarc", "bounce")
BOUNCE_TYPES = ("multipart/report", "message/delivery-status", "message/disposition-notification")


def automatic_reason(mail: ParsedMail, *, own_addresses: set[str], own_domain: str) -> str:
    """Why ``mail`` must not be answered, or "" when a person wrote it: auto-replies (``Auto-Submitted`` other
    than no, ``X-Auto-Response-Suppress``), bulk and list mail (``Precedence``, ``List-Id``), loops (``X-Loop``,
    our own address or Message-ID host), bounces and delivery reports."""
    headers = mail.headers
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto[:40]}"
    if headers.get("x-auto-response-suppress"):
        return "X-Auto-Response-Suppress: an automatic message"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    if headers.get("list-id") or headers.get("list-unsubscribe"):
        return "mailing-list mail (List-Id)"
    if headers.get("x-loop"):
        return "X-Loop: a mail loop"
    if not mail.sender:
        return "no sender address to answer"
    if mail.sender in own_addresses or mailbox(mail.sender) in own_addresses:
        return "sent from our own address"
    if own_domain and mail.message_id.rstrip(">").endswith("@" + own_domain):
        return "our own message came back"
    if mail.sender.startswith(BOUNCE_SENDERS) or headers.get("content-type", "").lower().startswith(BOUNCE_TYPES):
        return "a bounce or delivery report"
    if headers.get("x-failed-recipients"):
        return "a bounce (X-Failed-Recipients)"
    return ""
