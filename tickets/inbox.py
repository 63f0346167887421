"""The IMAP door (imap-tools): fetch the mailbox's unseen messages, hand each one's raw bytes to the mail service,
and mark it seen only once the service has committed it. A crash in between leaves it unseen: the next poll hands
it over again and the service finds it already stored (exactly once, by its key). One poller at a time per
mailbox: a PostgreSQL advisory lock held for the poll (tickets.postgres.held_lock: pooler-safe, released when the
poll ends or the process dies).
"""

import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import close_old_connections
from imap_tools import MailBox, MailBoxUnencrypted, MailMessageFlags

from tickets import services
from tickets.models import Transport
from tickets.postgres import held_lock

logger = logging.getLogger(__name__)

FETCH_BATCH = 50  # messages per poll at most: a full mailbox drains over a few polls, each bounded in time
LOCK_CLASS = 0x4D41494C  # "MAIL": the advisory lock class of the poller


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str
    tls: bool

    @classmethod
    def from_url(cls, url: str) -> "Mailbox":
        """``imaps://user:password@host[:port]/FOLDER`` (TLS) or ``imap://`` (plain: tests and local servers)."""
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise ValueError("EMAIL_INBOX_URL must look like imaps://user:password@mail.example.com/INBOX")
        return cls(
            host=parts.hostname,
            port=parts.port or (993 if parts.scheme == "imaps" else 143),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
            tls=parts.scheme == "imaps",
        )


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    skipped: bool = False  # another poller holds this mailbox


def poll(url: str | None = None, *, limit: int = FETCH_BATCH) -> PollResult:
    """One poll of the mailbox: at most ``limit`` unseen messages, each stored before it is marked seen."""
    box = Mailbox.from_url(url or settings.EMAIL_INBOX_URL)
    with only_poller(box) as alone:
        if not alone:
            return PollResult(skipped=True)
        return _fetch(box, limit)


def poll_forever(*, every_s: float, rounds: int | None = None) -> None:
    """Poll every ``every_s`` seconds (``rounds`` bounds it, for tests); a failed poll is logged and retried."""
    done = 0
    while rounds is None or done < rounds:
        close_old_connections()  # a long-lived loop: a connection the database dropped is opened afresh
        try:
            result = poll()
            if result.fetched:
                logger.info("mailbox: %s fetched, %s stored", result.fetched, result.stored)
        except Exception:  # noqa: BLE001  a mail server or network problem: the next poll tries again
            logger.exception("mailbox poll failed")
        done += 1
        if rounds is None or done < rounds:
            time.sleep(every_s)


def _fetch(box: Mailbox, limit: int) -> PollResult:
    result = PollResult()
    client_class = MailBox if box.tls else MailBoxUnencrypted
    with client_class(box.host, box.port, timeout=30).login(box.user, box.password, box.folder) as mailbox:
        for uid in mailbox.uids("UNSEEN")[:limit]:
            raw = _raw(mailbox, uid)
            if raw is None:
                continue
            inbound = services.mail_receive(raw=raw, transport=Transport.IMAP)  # committed when it returns
            mailbox.flag(uid, MailMessageFlags.SEEN, True)
            result.fetched += 1
            result.stored += inbound.state == inbound.State.STORED
    return result


def _raw(mailbox, uid: str) -> bytes | None:
    """The message's bytes as the server holds them (BODY.PEEK: reading does not mark it seen)."""
    status, data = mailbox.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


@contextmanager
def only_poller(box: Mailbox) -> Iterator[bool]:
    """True while this process is the mailbox's one poller (an advisory lock held for the poll, on a connection of
    its own: ``tickets.postgres.held_lock``), False at once when another process polls it."""
    digest = hashlib.sha256(f"{box.host}:{box.port}:{box.user}:{box.folder}".encode()).digest()
    with held_lock(LOCK_CLASS, [int.from_bytes(digest[:4], "big", signed=True)]) as key:
        yield key is not None
