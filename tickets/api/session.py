"""Session login for the React app's staff pages: same origin, Django session cookie, CSRF enforced.

Failed logins are counted by django-axes (per account and per address, in the database), exactly as on
``/admin/login/``; a locked-out login gets a 429 from ``project.lockout``.
"""

from django.contrib.auth import authenticate, login, logout
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets.validators import validate_storable_text


class SessionSerializer(serializers.Serializer):
    authenticated = serializers.BooleanField()
    username = serializers.CharField(allow_null=True)
    is_staff = serializers.BooleanField()


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, validators=[validate_storable_text])
    password = serializers.CharField(max_length=4096, trim_whitespace=False, validators=[validate_storable_text])


def _session_body(user) -> dict:
    if user.is_authenticated and user.is_staff:
        return {"authenticated": True, "username": user.get_username(), "is_staff": True}
    return {"authenticated": False, "username": None, "is_staff": False}


class _SessionView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = []


@method_decorator(ensure_csrf_cookie, name="dispatch")
class SessionView(_SessionView):
    """Who is logged in; also hands the browser its CSRF cookie."""

    @extend_schema(responses={200: SessionSerializer})
    def get(self, request):
        return Response(_session_body(request.user))


@method_decorator(csrf_protect, name="dispatch")
class LoginView(_SessionView):
    @extend_schema(request=LoginSerializer, responses={200: SessionSerializer})
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request: django-axes marks it when the login is locked out, and its middleware answers.
        user = authenticate(request._request, **serializer.validated_data)
        if user is None or not user.is_staff:
            raise ValidationError({"detail": "Username or password is wrong, or the account is not staff."})
        login(request._request, user)
        return Response(_session_body(user))


@method_decorator(csrf_protect, name="dispatch")
class LogoutView(_SessionView):
    @extend_schema(request=None, responses={200: SessionSerializer})
    def post(self, request):
        logout(request._request)
        return Response(_session_body(request._request.user))
