"""Canned responses filled in for one ticket. Placeholders are plain names in braces, replaced by data; the
body is never a template, so "{{ settings.SECRET_KEY }}" or "{% load %}" stays text, as typed."""

import re

from tickets.models import CannedResponse, Ticket

PLACEHOLDER = re.compile(r"\{(ticket_id|ticket_title|agent_name|submitter_email)\}")


def canned_render(body: str, *, ticket: Ticket, agent) -> str:
    values = {
        "ticket_id": str(ticket.pk),
        "ticket_title": ticket.title,
        "agent_name": (agent.get_full_name() or agent.get_username()) if agent is not None else "",
        "submitter_email": ticket.submitter_email,
    }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], body)


def canned_for(ticket: Ticket, *, agent) -> list[tuple[CannedResponse, str]]:
    """Every canned response with its body filled in for this ticket: those of its category first."""
    responses = sorted(CannedResponse.objects.all(), key=lambda r: (r.category != ticket.category, r.title))
    return [(r, canned_render(r.body, ticket=ticket, agent=agent)) for r in responses]
