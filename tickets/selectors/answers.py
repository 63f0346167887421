"""Answers a customer may find before submitting: canned responses that fit what they typed, and the replies on
resolved tickets that staff published by tagging them "faq" (never another customer's conversation otherwise)."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from tickets.models import DONE_STATUSES, AnswerSuggestion, Ticket
from tickets.postgres import nearest_titles
from tickets.rules.canned import canned_public
from tickets.selectors.canned import canned_ranked
from tickets.selectors.portal import newest_reply_excerpt

ANSWERS_SHOWN = 3
ANSWER_MIN = 0.15  # a canned response's fit (selectors.canned) below which it answers nothing
FAQ_TAG = "faq"
FAQ_MIN = 0.3  # title likeness (pg_trgm's measure) of a published ticket
ANSWER_EXCERPT = 1200


def answer_suggestions(title: str, description: str) -> list[dict]:
    """Up to ANSWERS_SHOWN answers, best first: {"title", "body", "source"} ("canned" or "faq")."""
    draft = Ticket(title=title, description=description)
    found = [
        {"title": r.title, "body": canned_public(r.body, title=title)[:ANSWER_EXCERPT], "source": "canned", "fit": s}
        for r, s in canned_ranked(draft)
        if s >= ANSWER_MIN
    ]
    near = {t.pk: s for t, s in nearest_titles(title, exclude_id=None) if s >= FAQ_MIN} if title.strip() else {}
    if near:
        # Each published ticket with its newest reply, in one query (a probe of the messages' ticket index each).
        published = (
            Ticket.objects.filter(
                Q(team__isnull=True) | Q(team__private=False), pk__in=near, status__in=DONE_STATUSES, tags__name=FAQ_TAG
            )
            .annotate(reply=newest_reply_excerpt(ANSWER_EXCERPT))
            .values_list("pk", "title", "reply")
        )
        found += [
            {"title": faq_title, "body": reply, "source": "faq", "fit": near[pk]}
            for pk, faq_title, reply in published
            if reply
        ]
    found.sort(key=lambda answer: -answer["fit"])
    return [{k: v for k, v in answer.items() if k != "fit"} for answer in found[:ANSWERS_SHOWN]]


def deflection_figures(*, days: int = 30) -> dict:
    """Of the forms shown answers in the last ``days`` days: how many were submitted anyway, and the share that
    were not (the answers may have solved it; the customer may also just have left)."""
    since = timezone.now() - timedelta(days=days)
    counts = AnswerSuggestion.objects.filter(created_at__gte=since, shown__gt=0).aggregate(
        shown=Count("pk"), submitted=Count("ticket")
    )
    shown, submitted = counts["shown"], counts["submitted"]
    return {"shown": shown, "submitted": submitted, "rate": round(1 - submitted / shown, 3) if shown else None}
