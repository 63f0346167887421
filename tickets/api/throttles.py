"""Anonymous create and classify are limited per client address; staff are never throttled."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _AnonymousPerAddressThrottle(SimpleRateThrottle):
    rate_setting: str

    def get_rate(self):
        # Read at request time, so a changed setting applies without re-importing this module.
        return getattr(settings, self.rate_setting)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_staff:
            return None
        # get_ident honours X-Forwarded-For only for NUM_PROXIES (TRUSTED_PROXY_COUNT) hops.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TicketCreateThrottle(_AnonymousPerAddressThrottle):
    scope = "ticket_create"
    rate_setting = "API_THROTTLE_CREATE"


class TicketClassifyThrottle(_AnonymousPerAddressThrottle):
    scope = "ticket_classify"
    rate_setting = "API_THROTTLE_CLASSIFY"
