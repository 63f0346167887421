"""Ticket classification. The rest of the project uses only ``classify`` and ``Classification``."""

from tickets.classifier.base import Classification
from tickets.classifier.service import classify

__all__ = ["Classification", "classify"]
