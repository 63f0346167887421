from django.conf import settings
from django.http import JsonResponse


class ApiBodySizeLimitMiddleware:
    """Refuse oversized API request bodies up front with a 413, before anything reads them.

    A ticket is at most a few tens of kilobytes of JSON; the admin's CSV import (multipart) is not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return JsonResponse({"detail": "Invalid Content-Length header."}, status=400)
            if length > settings.API_MAX_BODY_BYTES:
                limit_kb = settings.API_MAX_BODY_BYTES // 1024
                return JsonResponse({"detail": f"Request body is too large (limit {limit_kb} KiB)."}, status=413)
        return self.get_response(request)
