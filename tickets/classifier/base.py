from dataclasses import dataclass

from tickets.models import Category, Priority


@dataclass(frozen=True, slots=True)
class Classification:
    """One answer of the classifier; labels are always members of the product's choices."""

    category: Category
    priority: Priority
    confidence: float
    source: str  # "llm" or "local"
    model: str  # e.g. "gpt-4o-mini" or the local model's version
    latency_ms: float

    @property
    def classified_by(self) -> str:
        return f"{self.source}:{self.model}"
