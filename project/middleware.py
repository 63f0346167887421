import re
import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import JsonResponse


class ServerTimingMiddleware:
    """With SERVER_TIMING on (the benchmark turns it on), each response says what it cost the server in a
    ``Server-Timing`` header: the worker's CPU time and the time spent waiting for SQL, with the query count.
    Figures that mean the same on a busy machine as on a quiet one. Off (the default), it is not installed."""

    def __init__(self, get_response):
        if not settings.SERVER_TIMING:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        sql = {"seconds": 0.0, "queries": 0}

        def timed(execute, query, params, many, context):
            started = time.perf_counter()
            try:
                return execute(query, params, many, context)
            finally:
                sql["seconds"] += time.perf_counter() - started
                sql["queries"] += 1

        cpu = time.process_time()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        cpu_ms, sql_ms = (time.process_time() - cpu) * 1000, sql["seconds"] * 1000
        response["Server-Timing"] = f'cpu;dur={cpu_ms:.2f}, sql;dur={sql_ms:.2f};desc="{sql["queries"]} queries"'
        return response


UPLOAD_PATH = re.compile(r"^/api/(tickets|track/[^/]+/messages)/$")  # a submission or a customer's message


class ApiBodySizeLimitMiddleware:
    """Refuse oversized API request bodies up front with a 413, before anything reads them.

    A ticket is at most a few tens of kilobytes of JSON; the admin's CSV import (multipart) is not affected, and a
    provider's inbound email webhook (/api/email/) is held to the email size limit instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def limit(request) -> int:
        """A provider's inbound email webhook carries whole messages (the email limit); a submission or a
        customer's message sent as a form upload may carry files (the upload limits); anything else, JSON
        included on those paths, is small."""
        if request.path.startswith("/api/email/"):
            return settings.EMAIL_MAX_BYTES + 1024 * 1024
        if UPLOAD_PATH.match(request.path) and request.content_type == "multipart/form-data":
            return settings.API_MAX_BODY_BYTES + settings.ATTACHMENTS_MAX_TOTAL_BYTES + 64 * 1024  # form overhead
        return settings.API_MAX_BODY_BYTES

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return JsonResponse({"detail": "Invalid Content-Length header."}, status=400)
            limit = self.limit(request)
            if length > limit:
                limit_kb = limit // 1024
                return JsonResponse({"detail": f"Request body is too large (limit {limit_kb} KiB)."}, status=413)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with one strict policy (settings.CONTENT_SECURITY_POLICY) for every page, loosened
    only where a page's own library needs it: the admin's Alpine.js evaluates its x-data attributes with
    ``new Function`` ('unsafe-eval') and unfold writes style attributes; Swagger UI writes style attributes too.
    Inline scripts stay refused everywhere, so injected markup cannot run a script of its own."""

    LOOSENED = (
        ("/admin/", {"script-src": ["'unsafe-eval'"], "style-src": ["'unsafe-inline'"]}),
        ("/api/docs/", {"style-src": ["'unsafe-inline'"]}),
    )

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.update is None:
            parts.update = next((extra for prefix, extra in self.LOOSENED if request.path.startswith(prefix)), None)
        return parts
