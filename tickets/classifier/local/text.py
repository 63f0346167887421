"""What the local model reads of a ticket: its title and its own message (quoted history and signature cut), and
the urgency signals that make a ticket urgent whatever its other words."""

import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin


@dataclass(frozen=True)
class Example:
    title: str
    description: str
    category: str
    priority: str = ""  # empty where the example has no priority label

    @property
    def text(self) -> str:
        return ticket_text(self.title, self.description)


def ticket_text(title: str, description: str) -> str:
    return f"{title or ''}\n{message_only(description or '')}".strip()


# What an email carries besides its message: the history it quotes and the signature. A reply quoting a billing
# thread is about its new message, so both are dropped before the features. (Dropping greetings and
# pleasantries too was measured and cost 3 points on the dev set's email rows: they mark the email register.)
_HISTORY = re.compile(
    r"^\s*(?:-{2,}\s*(?:Original Message|Forwarded message)|On .{1,200}wrote:|From: .+|Sent from my \w+)", re.I | re.M
)
_QUOTED_LINE = re.compile(r"^\s*>.*$", re.M)
_SIGN_OFF = re.compile(
    r"^\s*(?:--|(?:best|kind|warm)(?: regards)?|regards|thanks(?: again)?|thank you|sincerely|cheers)\s*[,!.]?\s*$",
    re.I | re.M,
)


def message_only(text: str) -> str:
    """An email's own message: quoted history (``>`` lines, "On ... wrote:" and what follows) and the signature
    (from a sign-off line on) removed; a text that is nothing else is kept as written."""
    original = text
    if history := _HISTORY.search(text):
        text = text[: history.start()]
    text = _QUOTED_LINE.sub("", text)
    if sign_off := _SIGN_OFF.search(text):
        text = text[: sign_off.start()]
    return text.strip() or original.strip()


# Signals that make a ticket urgent whatever its wording otherwise: each becomes one feature.
SIGNALS = {
    "outage": r"\b(down|outage|offline|unreachable|not (?:loading|responding|working)|stopped working|crash\w*)\b",
    "everyone": r"\b(all (?:users|customers|staff|employees)|everyone|entire|whole (?:team|company|office)|"
    r"company-?wide|nobody can|no one can|many users|multiple (?:users|teams|departments))\b",
    "data_loss": r"\b(data loss|lost (?:all|our|my)? ?data|deleted|corrupt\w*|wiped|missing records)\b",
    "security": r"\b(breach\w*|hack\w*|compromis\w*|unauthori[sz]ed|phishing|malware|ransomware|leak\w*|"
    r"vulnerab\w*|suspicious)\b",
    "money": r"\b(charged twice|double charge\w*|overcharg\w*|refund|fraud\w*|\$\s?\d+|\d+\s?(?:usd|eur|dollars))\b",
    "urgent": r"\b(urgent\w*|asap|immediately|emergency|critical|right now|as soon as possible|top priority)\b",
    "production": r"\b(production|prod|live site|checkout|payroll|deadline|go-?live)\b",
    "blocked": r"\b(cannot|can't|can not|unable to|blocked|blocking|prevent\w*)\b",
    "question": r"(\?|\b(how (?:do|can|to)|is it possible|could you (?:tell|explain)|information (?:on|about)|"
    r"wondering|curious)\b)",
    "polite_low": r"\b(when you have (?:a moment|time)|no rush|not urgent|minor|cosmetic|suggestion|feedback)\b",
}
_SIGNAL_PATTERNS = [re.compile(p, re.IGNORECASE) for p in SIGNALS.values()]


def signals_fired(text: str) -> list[int]:
    """The positions (in ``SIGNALS``) of the urgency signals the text shows."""
    return [i for i, pattern in enumerate(_SIGNAL_PATTERNS) if pattern.search(text)]


class UrgencySignals(TransformerMixin, BaseEstimator):
    """One binary column per signal group; scaled so a signal weighs like a few strong words."""

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def fit(self, texts, y=None):
        return self

    def transform(self, texts):
        rows = np.zeros((len(texts), len(SIGNALS)))
        for row, text in zip(rows, texts, strict=True):
            row[signals_fired(text)] = 1.0
        return sparse.csr_matrix(rows * self.weight)
