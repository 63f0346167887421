"""Canned responses filled in for one ticket. Placeholders are plain names in braces, replaced by data; the body
is never a template, so "{{ settings.SECRET_KEY }}" or "{% load %}" stays text."""

import re

PLACEHOLDER = re.compile(r"\{(ticket_id|ticket_title|agent_name|submitter_email)\}")


def canned_render(body: str, *, ticket, agent) -> str:
    values = {
        "ticket_id": str(ticket.pk),
        "ticket_title": ticket.title,
        "agent_name": agent_name(agent),
        "submitter_email": ticket.submitter_email,
    }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], body)


def agent_name(agent) -> str:
    """How a reply signs: the agent's full name, else their username."""
    return (agent.get_full_name() or agent.get_username()) if agent is not None else ""


def canned_public(body: str, *, title: str) -> str:
    """A canned response shown to a customer before they submit: no ticket, no agent yet."""
    values = {"ticket_id": "(new)", "ticket_title": title, "agent_name": "The support team", "submitter_email": ""}
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], body)
