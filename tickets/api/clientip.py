"""Who is asking: the client's address, trusted from forwarded headers only when a known proxy sent them.

``TRUSTED_PROXIES`` lists the addresses (or networks) of the reverse proxies in front of the app. A request
from anywhere else has its ``X-Forwarded-*`` headers removed before anything reads them, so a client that
reaches gunicorn directly cannot pick its own address (a fresh throttle and lockout identity per request)
or claim HTTPS. ``TRUSTED_PROXY_COUNT`` then says how many of the right-most ``X-Forwarded-For`` entries
those proxies appended (DRF's ``NUM_PROXIES``).
"""

import hashlib
import ipaddress
from functools import lru_cache

from django.conf import settings
from rest_framework.throttling import BaseThrottle

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)
MAX_IDENT_LENGTH = 64  # an IPv6 address with a zone is well under this
IPV6_CLIENT_PREFIX = 64  # one IPv6 subscriber usually holds a whole /64


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def is_trusted_proxy(address: str | None) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not address or not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class ForwardedHeadersMiddleware:
    """Drops X-Forwarded-* (and Forwarded, X-Real-IP) from every request that did not come from a trusted proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


def client_ip(request) -> str:
    """The client's address as given: REMOTE_ADDR, or X-Forwarded-For's entry TRUSTED_PROXY_COUNT from the right."""
    return BaseThrottle().get_ident(request) or ""  # None when the server gave no address (a Unix socket)


def client_key(request) -> str:
    """The client's identity for counting requests: an IPv6 address stands for its /64, and anything that is
    no address (a proxy passing on what the client sent) is hashed, still one key per value."""
    ident = client_ip(request)
    try:
        ip = ipaddress.ip_address(ident)
    except ValueError:
        if len(ident) > MAX_IDENT_LENGTH or not ident.isprintable():
            return "sha256:" + hashlib.sha256(ident.encode("utf-8", "backslashreplace")).hexdigest()
        return ident
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(ip)


def lockout_address(request) -> str | None:
    """The address failed logins are counted against (django-axes): as ``client_key``, or None for a value that
    is no address, so only the account's own count applies then."""
    key = client_key(request)
    return None if key.startswith("sha256:") else key
