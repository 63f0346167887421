"""The "How did we do?" link: signed (HMAC with SECRET_KEY, Django's signing), naming one ticket and the moment it
was resolved, so an answer belongs to that resolution; it works for SATISFACTION_DAYS after it. Nothing is stored
for it: the signature is the credential, and a changed SECRET_KEY ends every link."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

SALT = "cootrack.satisfaction"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
TOKEN_MAX_LENGTH = 200


def rating_token(ticket_id: int, resolved_at: datetime) -> str:
    return signing.dumps([ticket_id, (resolved_at - EPOCH) // MICROSECOND], salt=SALT)


def rating_token_read(token: str, now: datetime | None = None) -> tuple[int, datetime] | None:
    """(ticket id, resolved at) for a genuine link still open, else None (forged, mangled or too old alike)."""
    if not isinstance(token, str) or len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        ticket_id, micros = signing.loads(token, salt=SALT)
        resolved_at = EPOCH + int(micros) * MICROSECOND
    except (signing.BadSignature, TypeError, ValueError, OverflowError, OSError):
        return None
    if not isinstance(ticket_id, int) or rating_open_until(resolved_at) <= (now or timezone.now()):
        return None
    return ticket_id, resolved_at


def rating_open_until(resolved_at: datetime) -> datetime:
    return resolved_at + timedelta(days=settings.SATISFACTION_DAYS)


def rating_url(token: str, rating: str = "") -> str:
    return f"{settings.SITE_URL.rstrip('/')}/rate/{token}" + (f"?rating={rating}" if rating else "")
