"""Small rules about a ticket that several layers share: its version (the ETag), who acted, how an owner is named,
which page of a paged list to show."""

import re

# An owner as the API, the admin filter and saved links name one: mine, nobody's, or a staff member's id.
ASSIGNEE_VALUE = re.compile(r"^(me|none|[0-9]{1,18})$")
TEAM_VALUE = re.compile(r"^(mine|none|[0-9]{1,18})$")


def ticket_version(ticket) -> str:
    """An opaque version of a ticket's stored state, used as its ETag."""
    return f"{ticket.pk}-{ticket.updated_at.timestamp():.6f}"


def acting_user(actor):
    """Who a history or audit entry names: a signed-in user, else nobody (an anonymous submitter, the system)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def page_within(total: int, size: int, page: int) -> tuple[int, int]:
    """(page, pages) for ``total`` items ``size`` a page: at least one page, and a page past the last is the last."""
    pages = max(1, -(-total // size))
    return min(max(1, page), pages), pages
