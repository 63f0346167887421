"""Anonymous create and classify are limited per client address; staff are never throttled.

The counts live in the database (``RateCounter``), so every worker and replica shares them, and cost one
upsert per request. The limit is a sliding window: the previous window's requests count in proportion to
how much of it still overlaps the last ``period`` seconds. Refused requests count too, so a client that
keeps retrying stays refused until it slows down.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from tickets import services
from tickets.api.clientip import client_key
from tickets.rules.rates import sliding_count


class _AnonymousPerAddressThrottle(SimpleRateThrottle):
    rate_setting: str

    def get_rate(self):
        # Read at request time, so a changed setting applies without re-importing this module.
        return getattr(settings, self.rate_setting)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_staff:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_key(request)}

    def allow_request(self, request, view):
        if self.rate is None or (key := self.get_cache_key(request, view)) is None:
            return True
        limit, period, now = self.num_requests, self.duration, self.timer()
        hits, previous = services.rate_counter_hit(key=key, period=period, now=now)
        if sliding_count(hits, previous, now=now, period=period) <= limit:
            return True
        elapsed = (now % period) / period  # how far into the current window we are, 0..1
        # When would one more request fit? Later in this window as the previous one fades, or in the next.
        if previous and hits < limit:
            self.retry_after = ((1 - (limit - hits - 1) / previous) - elapsed) * period
        else:
            self.retry_after = (1 - elapsed + max(0.0, 1 - (limit - 1) / hits)) * period
        return False

    def wait(self):
        return self.retry_after


class TicketCreateThrottle(_AnonymousPerAddressThrottle):
    scope = "ticket_create"
    rate_setting = "API_THROTTLE_CREATE"


class TicketClassifyThrottle(_AnonymousPerAddressThrottle):
    scope = "ticket_classify"
    rate_setting = "API_THROTTLE_CLASSIFY"


class SuggestAnswersThrottle(_AnonymousPerAddressThrottle):
    """The form's offered answers: asked at the same pauses as classify, at its rate, counted apart from it."""

    scope = "ticket_answers"
    rate_setting = "API_THROTTLE_CLASSIFY"


class TicketTrackThrottle(_AnonymousPerAddressThrottle):
    """The submitter's page: guessing tokens costs a request each, counted per address like create."""

    scope = "ticket_track"
    rate_setting = "API_THROTTLE_TRACK"


class SignInThrottle(_AnonymousPerAddressThrottle):
    """Asking for a "My tickets" link, and using one: each costs a request, counted per client address."""

    scope = "portal_sign_in"
    rate_setting = "API_THROTTLE_SIGN_IN"
