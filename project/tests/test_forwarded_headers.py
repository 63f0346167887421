"""X-Forwarded-* are believed only from the proxies named in TRUSTED_PROXIES (tickets/api/clientip.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from tickets.api.clientip import ForwardedHeadersMiddleware, client_key

FORWARDED = {
    "HTTP_X_FORWARDED_FOR": "203.0.113.5",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_FORWARDED_HOST": "evil.example",
    "HTTP_FORWARDED": "for=203.0.113.5;proto=https",
}


def through_middleware(remote_addr: str):
    request = RequestFactory().get("/api/tickets/", REMOTE_ADDR=remote_addr, **FORWARDED)
    return ForwardedHeadersMiddleware(lambda r: r)(request)


def test_headers_from_a_direct_client_are_dropped(settings):
    settings.TRUSTED_PROXIES = ["172.30.0.10"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = through_middleware("172.30.0.1")
    assert not any(name in request.META for name in FORWARDED)
    assert not request.is_secure()  # a client cannot claim HTTPS by itself


def test_headers_from_the_proxy_are_kept(settings):
    settings.TRUSTED_PROXIES = ["172.30.0.0/29"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    request = through_middleware("172.30.0.3")
    assert request.is_secure()
    assert client_key(request) == "203.0.113.5"


def test_no_trusted_proxy_means_every_forwarded_header_is_dropped(settings):
    settings.TRUSTED_PROXIES = []
    assert "HTTP_X_FORWARDED_FOR" not in through_middleware("127.0.0.1").META


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::/64"),
    ],
)
def test_client_keys(address, key):
    assert client_key(RequestFactory().get("/", REMOTE_ADDR=address)) == key


def test_a_proxy_count_without_proxy_addresses_refuses_to_start(monkeypatch):
    import importlib

    import project.settings.base as base

    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        importlib.reload(base)
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "0")
    importlib.reload(base)
