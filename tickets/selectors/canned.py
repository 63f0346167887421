"""Canned responses for one ticket (filled in, or ranked by fit), and "Suggest a reply": the AI's draft from the
ticket and its thread, else the best-fitting canned response. Reads only; nothing here sends or stores."""

from dataclasses import dataclass

from tickets.classifier.drafts import THREAD_MESSAGES, DraftInput, draft_reply
from tickets.models import PUBLIC_KINDS, CannedResponse, MessageKind, Ticket
from tickets.rules.canned import agent_name, canned_render
from tickets.titles import similarity, trigrams

# A canned response of the ticket's own category counts this much on top of how alike the texts are.
SAME_CATEGORY_BONUS = 0.2
# Below this a canned response is not offered as a reply: nothing the team wrote fits the ticket.
BEST_CANNED_MIN = 0.1
CANNED_FOR_DRAFT = 3


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
            agent_name=agent_name(agent),
        )

    draft = draft_reply(draft_input)
    if draft is not None:
        return ReplySuggestion(draft, "llm")
    if ranked and ranked[0][1] >= BEST_CANNED_MIN:
        best = ranked[0][0]
        return ReplySuggestion(canned_render(best.body, ticket=ticket, agent=agent), "canned", best)
    return ReplySuggestion("", "none")
