"""Routing: which rule sends a new ticket to which team. Pure: the rules come from ``selectors.routing_rules``."""

import re
from collections.abc import Iterable, Sequence


def rule_matches(rule, *, title: str, category: str, priority: str, addresses: Iterable[str]) -> bool:
    """Every condition the rule gives holds for the ticket: the address it was sent to (any of ``addresses``,
    in any case), its category, its priority, a whole word of its title (in any case)."""
    if rule.inbound_address and rule.inbound_address.lower() not in {a.lower() for a in addresses}:
        return False
    if rule.category and rule.category != category:
        return False
    if rule.priority and rule.priority != priority:
        return False
    if rule.title_word and not re.search(rf"(?<!\w){re.escape(rule.title_word.strip())}(?!\w)", title, re.IGNORECASE):
        return False
    return True


def first_match(rules: Sequence, **ticket) -> object | None:
    """The first of ``rules`` (in their order) that matches, or None."""
    return next((rule for rule in rules if rule_matches(rule, **ticket)), None)


def next_in_turn(candidates: Sequence[int], last: int | None) -> int:
    """Round robin: the first agent id after ``last`` in id order, wrapping around."""
    ordered = sorted(candidates)
    return next((pk for pk in ordered if last is not None and pk > last), ordered[0])
