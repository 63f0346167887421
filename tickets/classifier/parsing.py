"""Turn whatever an LLM answered into labels from the product's choices, or refuse it."""

import json
import re
from typing import Any

from tickets.models import Category, Priority


class InvalidAnswer(ValueError):
    """The model's answer is not a usable classification."""


CATEGORY_SYNONYMS = {
    "billing": Category.BILLING,
    "bill": Category.BILLING,
    "billing and payments": Category.BILLING,
    "payment": Category.BILLING,
    "payments": Category.BILLING,
    "invoice": Category.BILLING,
    "invoicing": Category.BILLING,
    "refund": Category.BILLING,
    "finance": Category.BILLING,
    "technical": Category.TECHNICAL,
    "tech": Category.TECHNICAL,
    "technical support": Category.TECHNICAL,
    "technical issue": Category.TECHNICAL,
    "it": Category.TECHNICAL,
    "it support": Category.TECHNICAL,
    "bug": Category.TECHNICAL,
    "outage": Category.TECHNICAL,
    "account": Category.ACCOUNT,
    "accounts": Category.ACCOUNT,
    "account management": Category.ACCOUNT,
    "login": Category.ACCOUNT,
    "access": Category.ACCOUNT,
    "general": Category.GENERAL,
    "general inquiry": Category.GENERAL,
    "general question": Category.GENERAL,
    "other": Category.GENERAL,
    "question": Category.GENERAL,
    "feedback": Category.GENERAL,
}

PRIORITY_SYNONYMS = {
    "low": Priority.LOW,
    "minor": Priority.LOW,
    "trivial": Priority.LOW,
    "p4": Priority.LOW,
    "medium": Priority.MEDIUM,
    "normal": Priority.MEDIUM,
    "moderate": Priority.MEDIUM,
    "med": Priority.MEDIUM,
    "p3": Priority.MEDIUM,
    "high": Priority.HIGH,
    "important": Priority.HIGH,
    "major": Priority.HIGH,
    "p2": Priority.HIGH,
    "critical": Priority.CRITICAL,
    "urgent": Priority.CRITICAL,
    "emergency": Priority.CRITICAL,
    "blocker": Priority.CRITICAL,
    "highest": Priority.CRITICAL,
    "p1": Priority.CRITICAL,
    "p0": Priority.CRITICAL,
}

CATEGORY_KEYS = ("category", "suggested_category", "ticket_category", "label")
PRIORITY_KEYS = ("priority", "suggested_priority", "urgency", "severity")
CONFIDENCE_KEYS = ("confidence", "score", "probability")
DEFAULT_CONFIDENCE = 0.7

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


def parse_answer(text: str | None) -> tuple[Category, Priority, float]:
    """Labels and confidence from a model's reply: JSON, fenced JSON, or JSON inside prose."""
    obj = json_object(text or "")
    fields = {str(k).strip().lower(): v for k, v in obj.items()}
    category = _label(_first(fields, CATEGORY_KEYS), CATEGORY_SYNONYMS, "category")
    priority = _label(_first(fields, PRIORITY_KEYS), PRIORITY_SYNONYMS, "priority")
    return category, priority, _confidence(_first(fields, CONFIDENCE_KEYS))


def json_object(text: str) -> dict[str, Any]:
    candidates = [text.strip(), *(m.strip() for m in _FENCE.findall(text))]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict):
            return value
    # Prose around the object: try each opening brace in turn.
    for match in re.finditer(r"\{", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict):
            return value
    raise InvalidAnswer("no JSON object in the answer")


def _first(fields: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in fields:
            return fields[key]
    return None


def _label(value: Any, synonyms: dict[str, Any], name: str):
    if not isinstance(value, str):
        raise InvalidAnswer(f"{name} missing or not a string")
    key = re.sub(r"[\s_\-]+", " ", value).strip().strip(".").lower()
    if key not in synonyms:
        raise InvalidAnswer(f"{name} outside the label set")
    return synonyms[key]


def _confidence(value: Any) -> float:
    if isinstance(value, str):
        try:
            value = float(value.strip().rstrip("%"))
        except ValueError:
            return DEFAULT_CONFIDENCE
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:  # NaN
        return DEFAULT_CONFIDENCE
    if 1 < value <= 100:
        value = value / 100
    return float(min(max(value, 0.0), 1.0))
