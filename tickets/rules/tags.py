"""How a tag is written: lower-case, one line, words joined by single hyphens; letters, digits, - and _ only."""

import re

from tickets.models import TAG_MAX_LENGTH
from tickets.validators import one_line

_SEPARATORS = re.compile(r"[\s]+")
TAG_PATTERN = re.compile(r"^[\w-]{1,%d}$" % TAG_MAX_LENGTH)  # noqa: UP031  (a regex, not text)


def _normal(raw: str) -> str:
    return _SEPARATORS.sub("-", one_line(raw or "").lower()).strip("-")


def tag_name(raw: str) -> str:
    """The stored form of a tag as typed ("  VIP Customer " -> "vip-customer"); "" when nothing is left."""
    return _normal(raw)[:TAG_MAX_LENGTH]


def tag_problem(raw: str) -> str:
    """Why ``raw`` cannot be a tag, in words; "" when it can."""
    name = _normal(raw)
    if len(name) > TAG_MAX_LENGTH:
        return f"A tag is at most {TAG_MAX_LENGTH} characters."
    if not name:
        return "A tag needs at least one letter or digit."
    if not TAG_PATTERN.match(name):
        return f"\u201c{raw[:60]}\u201d: a tag holds letters, digits, - and _ only."
    return ""
