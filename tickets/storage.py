"""Where files are kept: raw mail and attachments in private storage, under random names. Field arguments of
the models (and so of their migrations), so nothing here imports the application."""

import secrets

from django.core.files.storage import storages
from django.utils import timezone


def private_storage():
    """Never under a public URL (settings: STORAGES["private"]); served only by views that check permission."""
    return storages["private"]


def random_name(prefix: str) -> str:
    """A stored file's name: random, never the name the sender chose (that is kept apart, sanitised, for show)."""
    return f"{prefix}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


def raw_mail_path(instance, filename: str) -> str:
    return random_name("mail") + ".eml"


def attachment_path(instance, filename: str) -> str:
    return random_name("attachments")
