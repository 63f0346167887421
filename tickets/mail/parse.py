"""Raw RFC 5322 bytes to a ParsedMail: the headers threading and loop rules need, the readable text (HTML-only mail
made text, quoted history and signature cut), and the attachments.

Total: for any bytes ``parse`` returns a ParsedMail, or raises ``Unreadable`` with a reason in words, which the
caller keeps beside the raw message. Encoded headers (RFC 2047), wrong or missing charsets, multipart/alternative,
forwarded messages and calendar invites are read; nothing here touches the database or the network.
"""

import email
import email.policy
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import html2text
from mailparser_reply import EmailReplyParser

from tickets.validators import one_line

# The languages whose reply headers and sign-offs mail-parser-reply knows to cut (its own list).
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "sv", "pt"]
MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
NAME_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


class Unreadable(ValueError):
    """The bytes are not a message Cootrack can read; the text says why."""


@dataclass(frozen=True)
class ParsedAttachment:
    name: str  # sanitised: no path, no control characters, at most 150 characters
    content_type: str  # as the sender declared it; the bytes decide what is shown inline
    data: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # "<...>", or "" when the message has none
    in_reply_to: list[str]
    references: list[str]
    sender: str  # the From address, lower-cased; "" when none can be read
    sender_name: str
    recipients: list[str]  # To, Cc, Delivered-To and X-Original-To addresses, lower-cased
    subject: str  # one line
    text: str  # the sender's own message: quoted history and signature cut
    full_text: str  # the whole readable body, as written
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names, first value, for the loop rules
    attachments: list[ParsedAttachment] = field(default_factory=list)

    def key(self, raw: bytes) -> str:
        """What makes a message the same message on every door: its Message-ID, else a hash of its bytes."""
        return self.message_id or raw_key(raw)


def raw_key(raw: bytes) -> str:
    """A message's key from its bytes alone (no Message-ID, or none that can be read)."""
    return "sha256:" + hashlib.sha256(bytes(raw) if isinstance(raw, bytes | bytearray) else b"").hexdigest()


def parse(raw: bytes) -> ParsedMail:
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        raise Unreadable("The message is empty.")
    try:
        message = email.message_from_bytes(bytes(raw), policy=email.policy.default)
    except Exception as exc:  # noqa: BLE001  the stdlib parser is lenient; anything left is an unreadable message
        raise Unreadable(f"The message could not be parsed ({type(exc).__name__}).") from exc
    if not message.keys():
        raise Unreadable("The message has no headers.")
    headers = {name.lower(): _header(message, name) for name in dict.fromkeys(message.keys())}
    sender_name, sender = parseaddr(headers.get("from", ""))
    full_text, attachments = _body(message)
    return ParsedMail(
        message_id=_first_id(headers.get("message-id", "")),
        in_reply_to=MESSAGE_ID.findall(headers.get("in-reply-to", "")),
        references=MESSAGE_ID.findall(headers.get("references", ""))[-50:],
        sender=sender.strip().lower() if "@" in sender else "",
        sender_name=one_line(sender_name)[:100],
        recipients=_recipients(message),
        subject=one_line(headers.get("subject", "")),
        text=own_message(full_text),
        full_text=full_text,
        headers=headers,
        attachments=attachments,
    )


def own_message(text: str) -> str:
    """What the sender wrote this time: quoted history ("On ... wrote:", ``>`` lines) and the signature cut; a
    message that is nothing else is kept whole."""
    if not text.strip():
        return ""
    try:
        replies = EmailReplyParser(languages=REPLY_LANGUAGES).read(text=text).replies
    except Exception:  # noqa: BLE001  a library's bad day must not lose the message: keep it whole
        return text.strip()
    own = replies[0].body.strip() if replies else ""
    return own or text.strip()


def _header(message: EmailMessage, name: str) -> str:
    """A header's first value as text; RFC 2047 decoded; a header too broken to decode is read as raw text."""
    try:
        value = message.get(name, "")
        return str(value)
    except Exception:  # noqa: BLE001  a malformed encoded word: keep what can be read
        raw = message.get_all(name, failobj=[""])
        return str(raw[0]).encode("ascii", "replace").decode() if raw else ""


def _first_id(value: str) -> str:
    found = MESSAGE_ID.search(value)
    return found.group(0) if found else ""


def _recipients(message: EmailMessage) -> list[str]:
    values = []
    for name in ("to", "cc", "delivered-to", "x-original-to"):
        try:
            values += [str(v) for v in message.get_all(name, [])]
        except Exception:  # noqa: BLE001, S112  an unreadable address header: the others still count
            continue
    return sorted({addr.strip().lower() for _, addr in getaddresses(values) if "@" in addr})


def _body(message: EmailMessage) -> tuple[str, list[ParsedAttachment]]:
    """The readable text (plain preferred, else HTML made text) and every attachment, inline or not."""
    plain, html, attachments = [], [], []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        filename = _filename(part)
        disposition = part.get_content_disposition()
        if filename or disposition == "attachment" or not content_type.startswith("text/"):
            data = _payload(part)
            if data is not None:
                attachments.append(ParsedAttachment(safe_name(filename, content_type), content_type, data))
            continue
        text = _text(part)
        if content_type == "text/html":
            html.append(text)
        elif content_type == "text/plain":
            plain.append(text)
        else:  # text/calendar, text/csv...: kept as a file, so the invite or table is not lost
            attachments.append(ParsedAttachment(safe_name("", content_type), content_type, _payload(part) or b""))
    if plain:
        return _tidy("\n\n".join(plain)), attachments
    return _tidy("\n\n".join(_html_text(h) for h in html)), attachments


def _payload(part) -> bytes | None:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001  a broken transfer encoding: the part is skipped, the message is not
        return None
    return data if isinstance(data, bytes) else None


def _text(part) -> str:
    """A text part's characters: its declared charset, else UTF-8, else Latin-1 (every byte is a character)."""
    data = _payload(part) or b""
    charset = part.get_content_charset() or "utf-8"
    for encoding in (charset, "utf-8", "latin-1"):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def _html_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.ignore_images = True
    converter.body_width = 0
    converter.ignore_emphasis = True
    try:
        return converter.handle(html)
    except Exception:  # noqa: BLE001  html2text on malformed markup: fall back to the text between the tags
        return re.sub(r"<[^>]*>", " ", html)


def _tidy(text: str) -> str:
    """Text as it is stored: one newline style, no NULs or other control characters but newlines and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc").strip()


def _filename(part) -> str:
    try:
        return part.get_filename() or ""
    except Exception:  # noqa: BLE001  an undecodable file name: the file is kept, under a made-up name
        return ""


def safe_name(name: str, content_type: str = "") -> str:
    """A file name fit to show and to put in a download's header: no directories, no control or shell
    characters, at most 150 characters; "attachment" with the type's usual extension when nothing is left."""
    name = unicodedata.normalize("NFKC", one_line(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = NAME_UNSAFE.sub("_", name).strip(" ._")
    if not name:
        extension = {"text/calendar": ".ics", "image/png": ".png", "image/jpeg": ".jpg", "application/pdf": ".pdf"}
        name = "attachment" + extension.get(content_type, "")
    stem, dot, extension = name.rpartition(".")
    if len(name) > 150:
        name = (stem[: 150 - len(extension) - 1] + "." + extension) if dot and len(extension) < 10 else name[:150]
    return name
