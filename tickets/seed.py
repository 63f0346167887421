"""Realistic synthetic tickets for benchmarks and demos: skewed labels, varied text, statuses with history."""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from tickets.models import Category, Priority

# Keyed by the labels themselves (plain strings, as COPY writes them).
CATEGORY_WEIGHTS = {c.value: w for c, w in zip(Category, (26, 40, 20, 14), strict=True)}
PRIORITY_WEIGHTS = {p.value: w for p, w in zip(Priority, (24, 46, 22, 8), strict=True)}

PRODUCTS = [
    "dashboard", "mobile app", "desktop client", "API", "reporting module", "checkout", "web portal", "CRM sync",
    "calendar", "file storage", "analytics suite", "invoicing module", "SSO login", "webhooks", "data export",
    "search", "notifications", "team workspace", "admin console", "payment gateway",
]  # fmt: skip
SYMPTOMS = [
    "crashes on start", "returns error 500", "times out", "is very slow", "shows a blank page", "loses my changes",
    "does not load", "freezes after login", "shows wrong totals", "stopped syncing", "rejects valid input",
    "sends duplicate emails", "logs me out", "cannot upload files", "throws an exception",
]  # fmt: skip
BILLING_ISSUES = [
    "charged twice", "wrong amount on the invoice", "refund not received", "unexpected fee", "card declined",
    "invoice missing our VAT number", "overcharged for seats", "renewal charged after cancellation",
    "discount not applied", "payment stuck as pending",
]  # fmt: skip
ACCOUNT_ISSUES = [
    "cannot log in", "password reset email never arrives", "two-factor code not accepted", "account locked",
    "need to change the account owner", "want to delete my account", "add a new team member",
    "update the email address on my profile", "merge two accounts", "remove a former employee's access",
]  # fmt: skip
GENERAL_TOPICS = [
    "opening hours over the holidays", "a partnership proposal", "feedback on your support team",
    "unsubscribing from the newsletter", "a training session for new staff", "where to send a signed contract",
    "speaking to a human agent", "your data protection policy", "a product brochure", "leaving a review",
]  # fmt: skip
CONTEXT = [
    "since this morning", "after the last update", "for the whole team", "on every device we tried",
    "only in Firefox", "for two days now", "since we moved offices", "during month-end closing",
    "for our biggest customer", "when several people work at once", "right before our deadline",
]  # fmt: skip
ASKS = [
    "Please help as soon as possible.", "Could you look into it?", "Any workaround would help.",
    "We need this fixed before Friday.", "Thanks in advance.", "This is blocking our work.",
    "Let me know if you need logs.", "Is this a known issue?",
]  # fmt: skip
NAMES = ["Anna", "Ben", "Chloe", "Dev", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kemal", "Lena"]
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Wonka", "Tyrell"]
# One ticket in ten thousand mentions this word: the benchmark's "rare word" search.
RARE_WORD = "kaleidoscope"


@dataclass(frozen=True, slots=True)
class SeedTicket:
    title: str
    description: str
    category: str
    priority: str
    status: str
    submitter_email: str
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    ai_category: str
    ai_priority: str
    ai_confidence: float
    history: tuple[tuple[str, str, datetime], ...]  # (old status, new status, when)


def _text(rng: random.Random, category: str) -> tuple[str, str]:
    product, context, ask = rng.choice(PRODUCTS), rng.choice(CONTEXT), rng.choice(ASKS)
    if category == "technical":
        symptom = rng.choice(SYMPTOMS)
        title = f"{product.capitalize()} {symptom}"
        body = f"The {product} {symptom} {context}. Error reference {rng.randint(1000, 99999)}. {ask}"
    elif category == "billing":
        issue = rng.choice(BILLING_ISSUES)
        title = f"Billing: {issue}"
        body = (
            f"Our company was {issue} for invoice INV-{rng.randint(10000, 99999)} "
            f"({rng.randint(20, 5000)} EUR) {context}. {ask}"
        )
    elif category == "account":
        issue = rng.choice(ACCOUNT_ISSUES)
        title = f"Account: {issue}"
        body = f"Hello, I {issue} on the {product} {context}. {ask}"
    else:
        topic = rng.choice(GENERAL_TOPICS)
        title = f"Question about {topic}"
        body = f"Hi, I would like to ask about {topic}. {ask}"
    if rng.random() < 0.0001:
        body += f" The {RARE_WORD} view is affected too."
    name, company = rng.choice(NAMES), rng.choice(COMPANIES)
    return title, f"{body}\n\n{name}, {company}"


def generate(*, start: int, count: int, days: int, now: datetime, seed: int = 7) -> Iterator[SeedTicket]:
    """Tickets number ``start`` .. ``start + count - 1``; the same numbers always give the same tickets."""
    categories, category_weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    priorities, priority_weights = zip(*PRIORITY_WEIGHTS.items(), strict=True)
    span = timedelta(days=days).total_seconds()
    for number in range(start, start + count):
        rng = random.Random(seed * 1_000_003 + number)  # noqa: S311 (reproducible test data, not secrets)
        category = rng.choices(categories, category_weights)[0]
        priority = rng.choices(priorities, priority_weights)[0]
        # Older tickets are more likely to be finished: a realistic backlog.
        created = now - timedelta(seconds=span * (1 - rng.random() ** 1.3))
        age_days = (now - created).total_seconds() / 86400
        done_chance = min(0.97, 0.15 + age_days / 20)
        status, resolved, history = "open", None, []
        if rng.random() < done_chance:
            started = created + timedelta(hours=rng.uniform(0.1, 24))
            resolved = min(started + timedelta(hours=rng.expovariate(1 / 30)), now)
            started = min(started, resolved)
            status = "closed" if rng.random() < 0.6 else "resolved"
            history = [("open", "in_progress", started), ("in_progress", "resolved", resolved)]
            if status == "closed":
                history.append(("resolved", "closed", resolved))
        elif rng.random() < 0.35:
            status = "in_progress"
            history = [("open", "in_progress", min(created + timedelta(hours=rng.uniform(0.1, 48)), now))]
        # The AI agrees with staff most of the time.
        ai_category = category if rng.random() < 0.88 else rng.choice(categories)
        ai_priority = priority if rng.random() < 0.7 else rng.choice(priorities)
        title, description = _text(rng, category)
        yield SeedTicket(
            title=title,
            description=description,
            category=category,
            priority=priority,
            status=status,
            submitter_email=f"customer{number}@example.com" if rng.random() < 0.8 else "",
            created_at=created,
            updated_at=history[-1][2] if history else created,
            resolved_at=resolved if status in ("resolved", "closed") else None,
            ai_category=ai_category,
            ai_priority=ai_priority,
            ai_confidence=round(rng.uniform(0.45, 0.99), 3),
            history=tuple(history),
        )
