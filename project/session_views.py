"""Session login for the React app's staff pages: same origin, Django session cookie, CSRF enforced."""

import json

from django.contrib.auth import authenticate, login, logout
from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST
from rest_framework.throttling import BaseThrottle

LOGIN_FAILURES_ALLOWED = 10
LOGIN_LOCKOUT_S = 300


def _session_body(user) -> dict:
    if user.is_authenticated and user.is_staff:
        return {"authenticated": True, "username": user.get_username(), "is_staff": True}
    return {"authenticated": False, "username": None, "is_staff": False}


@require_GET
@ensure_csrf_cookie
def session(request):
    """Who is logged in; also hands the browser its CSRF cookie."""
    return JsonResponse(_session_body(request.user))


@require_POST
@csrf_protect
def session_login(request):
    key = f"login-failures:{_client_address(request)}"
    if cache.get(key, 0) >= LOGIN_FAILURES_ALLOWED:
        response = JsonResponse({"detail": "Too many failed logins. Try again in a few minutes."}, status=429)
        response["Retry-After"] = str(LOGIN_LOCKOUT_S)
        return response
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):
        return JsonResponse({"detail": "Request body is not valid JSON."}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"detail": "Send an object with username and password."}, status=400)
    username, password = payload.get("username"), payload.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        return JsonResponse({"detail": "Username and password are required."}, status=400)
    if "\x00" in username or "\x00" in password:
        return JsonResponse({"detail": "Username or password is wrong."}, status=400)
    user = authenticate(request, username=username[:150], password=password[:4096])
    if user is None or not user.is_staff:
        cache.set(key, cache.get(key, 0) + 1, LOGIN_LOCKOUT_S)
        return JsonResponse({"detail": "Username or password is wrong, or the account is not staff."}, status=400)
    cache.delete(key)
    login(request, user)
    return JsonResponse(_session_body(user))


@require_POST
@csrf_protect
def session_logout(request):
    logout(request)
    return JsonResponse(_session_body(request.user))


def _client_address(request) -> str:
    # The same rule as the API throttles: X-Forwarded-For only from TRUSTED_PROXY_COUNT proxies.
    return BaseThrottle().get_ident(request)
