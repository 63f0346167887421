"""The API's one JSON parser: UTF-8 only (RFC 8259), bounded in size, every malformed body a 400 or 415.

The request's ``charset`` parameter is never handed to a codec: Python's codec registry includes
decompressors (``zlib_codec``, ``bz2_codec``) and transforms (``rot13``, ``base64_codec``), so honouring it
would let a few kilobytes of body become gigabytes inside a worker.
"""

import json

from django.conf import settings
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.parsers import JSONParser, MultiPartParser

ACCEPTED_CHARSETS = frozenset({"", "utf-8", "utf8"})


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        charset = _charset(media_type or "")
        if charset not in ACCEPTED_CHARSETS:
            raise UnsupportedMediaType(media_type, detail="JSON bodies must be UTF-8 (charset=utf-8 or none).")
        limit = settings.API_MAX_BODY_BYTES
        # The size middleware refuses a declared Content-Length over the limit; this also bounds a body sent
        # without one (chunked), and reads one byte more to tell "exactly the limit" from "over it".
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(f"Request body is too large (limit {limit // 1024} KiB).")
        try:
            return json.loads(raw.decode("utf-8-sig"), parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError("Request body is not valid JSON.") from exc
        except RecursionError as exc:
            raise ParseError("Request body is nested too deeply.") from exc


def _charset(media_type: str) -> str:
    for param in media_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return ""


def _reject_constant(name: str):
    # NaN and Infinity are not JSON; Python accepts them by default.
    raise ValueError(f"{name} is not valid JSON")


class SafeMultiPartParser(MultiPartParser):
    """Form uploads (files on a customer's message): like JSON, no charset but UTF-8 is ever handed to a codec."""

    def parse(self, stream, media_type=None, parser_context=None):
        if _charset(media_type or "") not in ACCEPTED_CHARSETS:
            raise UnsupportedMediaType(media_type, detail="Form uploads must be UTF-8 (charset=utf-8 or none).")
        return super().parse(stream, media_type, parser_context)
