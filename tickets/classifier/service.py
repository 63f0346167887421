"""classify(): the LLM when configured and healthy, the local model otherwise. Never raises for an LLM problem."""

import time

from tickets.classifier import client, local
from tickets.classifier.base import Classification
from tickets.classifier.breaker import CircuitBreaker
from tickets.classifier.guard import ask_llm
from tickets.classifier.prompts import PROMPT_VERSION

breaker = CircuitBreaker(failure_threshold=3, reset_after_s=30.0)


def classify(title: str, description: str, *, backend: str = "auto") -> Classification:
    """Category, priority and confidence for a ticket. ``backend``: "auto" (default), "llm" or "local"."""
    title = title or ""
    description = description or ""
    started = time.monotonic()
    if backend in ("auto", "llm"):
        answer = ask_llm(
            breaker, lambda: client.complete(title, description), what="classification", instead="using the local model"
        )
        if answer is not None:
            category, priority, confidence, model = answer
            # The prompt's version travels with the model name: "llm:<model>@<prompt version>".
            classified_by = f"{model}@{PROMPT_VERSION}"
            return Classification(category, priority, confidence, "llm", classified_by, _ms(started))
    category, priority, confidence, version = local.predict(title, description)
    return Classification(category, priority, confidence, "local", version, _ms(started))


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 2)
