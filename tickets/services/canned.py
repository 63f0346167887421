"""Canned responses filled in for one ticket, and "Suggest a reply". Placeholders are plain names in braces,
replaced by data; the body is never a template, so "{{ settings.SECRET_KEY }}" or "{% load %}" stays text."""

import re
from dataclasses import dataclass

from django.db import transaction

from tickets.classifier.drafts import THREAD_MESSAGES, DraftInput, draft_reply
from tickets.models import PUBLIC_KINDS, CannedResponse, MessageKind, Ticket
from tickets.sketch import similarity, trigrams

PLACEHOLDER = re.compile(r"\{(ticket_id|ticket_title|agent_name|submitter_email)\}")

# A canned response of the ticket's own category counts this much on top of how alike the texts are.
SAME_CATEGORY_BONUS = 0.2
# Below this a canned response is not offered as a reply: nothing the team wrote fits the ticket.
BEST_CANNED_MIN = 0.1
CANNED_FOR_DRAFT = 3


# What `make run`'s demo starts with: the answers a helpdesk gives most, one per category and two moves.
STARTER_CANNED = [
    (
        "Refund on its way",
        "Hello,\n\nThank you for telling us about the charge on ticket #{ticket_id}. We have checked the invoice and "
        "started the refund; it reaches your card within 5 to 10 working days.\n\nBest regards,\n{agent_name}",
        "billing",
        "resolved",
    ),
    (
        "Password reset steps",
        'Hello,\n\nTo reset your password, open the login page, choose "Forgot password" and enter '
        "{submitter_email}. The email can take a few minutes; please check your spam folder too.\n\n"
        "Best regards,\n{agent_name}",
        "account",
        "",
    ),
    (
        "Investigating an error",
        'Hello,\n\nThank you for the report about "{ticket_title}". Our engineers are looking into the error '
        "now; we will write again as soon as we know more.\n\nBest regards,\n{agent_name}",
        "technical",
        "in_progress",
    ),
    (
        "Thanks for the feedback",
        "Hello,\n\nThank you for the suggestion; we have passed it on to the product team.\n\n"
        "Best regards,\n{agent_name}",
        "general",
        "resolved",
    ),
]


@transaction.atomic
def canned_add_starters() -> int:
    """The starter canned responses, when the team has none yet; returns how many were added."""
    if CannedResponse.objects.exists():
        return 0
    responses = [
        CannedResponse(title=title, body=body, category=category, set_status=status)
        for title, body, category, status in STARTER_CANNED
    ]
    for response in responses:
        response.full_clean()
    return len(CannedResponse.objects.bulk_create(responses))


def canned_render(body: str, *, ticket: Ticket, agent) -> str:
    values = {
        "ticket_id": str(ticket.pk),
        "ticket_title": ticket.title,
        "agent_name": _agent_name(agent),
        "submitter_email": ticket.submitter_email,
    }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], body)


def canned_for(ticket: Ticket, *, agent) -> list[tuple[CannedResponse, str]]:
    """Every canned response with its body filled in for this ticket: those of its category first."""
    responses = sorted(CannedResponse.objects.all(), key=lambda r: (r.category != ticket.category, r.title))
    return [(r, canned_render(r.body, ticket=ticket, agent=agent)) for r in responses]


def canned_ranked(ticket: Ticket) -> list[tuple[CannedResponse, float]]:
    """Canned responses by how well they fit the ticket: shared trigrams of the texts, plus its category's."""
    wanted = trigrams(f"{ticket.title} {ticket.description[:2000]}")
    scored = [
        (r, similarity(wanted, trigrams(f"{r.title} {r.body}")) + SAME_CATEGORY_BONUS * (r.category == ticket.category))
        for r in CannedResponse.objects.all()
    ]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0].title))


@dataclass(frozen=True)
class ReplySuggestion:
    body: str  # empty when there is nothing to offer
    source: str  # "llm", "canned" or "none"
    canned: CannedResponse | None = None

    def as_dict(self) -> dict:
        """What the reply box needs (the API's and the admin's answer)."""
        return {
            "body": self.body,
            "source": self.source,
            "canned_id": self.canned.pk if self.canned else None,
            "set_status": self.canned.set_status if self.canned else "",
        }


def reply_suggest(*, ticket: Ticket, agent) -> ReplySuggestion:
    """A reply for the agent to edit, never sent from here: the LLM's draft from the ticket, its public thread and
    the best-fitting canned responses; without an LLM answer, the best-fitting canned response; else nothing."""
    ranked = canned_ranked(ticket)

    def draft_input() -> DraftInput:  # read only when an LLM is asked
        newest = ticket.messages.filter(kind__in=PUBLIC_KINDS).order_by("-created_at", "-id")[:THREAD_MESSAGES]
        return DraftInput(
            title=ticket.title,
            description=ticket.description,
            thread=[("customer" if m.kind == MessageKind.CUSTOMER else "agent", m.body) for m in reversed(newest)],
            canned=[(r.title, canned_render(r.body, ticket=ticket, agent=agent)) for r, _ in ranked[:CANNED_FOR_DRAFT]],
            agent_name=_agent_name(agent),
        )

    draft = draft_reply(draft_input)
    if draft is not None:
        return ReplySuggestion(draft, "llm")
    if ranked and ranked[0][1] >= BEST_CANNED_MIN:
        best = ranked[0][0]
        return ReplySuggestion(canned_render(best.body, ticket=ticket, agent=agent), "canned", best)
    return ReplySuggestion("", "none")


def _agent_name(agent) -> str:
    return (agent.get_full_name() or agent.get_username()) if agent is not None else ""
