"""One LLM call under the guards every use shares: only with a key, only while the circuit breaker lets calls
through, only with a free LLM slot (never waiting for one), and any failure counted by the breaker and turned
into None, so the caller's fallback answers instead."""

import logging
from collections.abc import Callable
from typing import TypeVar

from tickets.classifier import client
from tickets.classifier.breaker import CircuitBreaker
from tickets.classifier.parsing import InvalidAnswer
from tickets.classifier.slots import llm_slot

logger = logging.getLogger(__name__)

T = TypeVar("T")


def ask_llm(breaker: CircuitBreaker, call: Callable[[], T], *, what: str, instead: str) -> T | None:
    """``call()``'s answer, or None when there is no LLM, its breaker is open, every slot is busy, or the call
    raised ``LLMUnavailable`` or ``InvalidAnswer``; ``what`` and ``instead`` word the log lines."""
    if not client.llm_configured() or not breaker.allow():
        return None
    with llm_slot() as slot_taken:
        if not slot_taken:
            breaker.release_trial()
            logger.info("every LLM slot is busy; %s", instead)
            return None
        try:
            answer = call()
        except (client.LLMUnavailable, InvalidAnswer) as exc:
            breaker.record_failure()
            logger.warning("LLM %s failed (%s); %s", what, exc, instead)
            return None
    breaker.record_success()
    return answer
