"""The customer's "My tickets": sign in with a one-time link sent by email, then every ticket submitted from that
address, each thread readable and answerable as on the tracking page. The signed-in address lives in the Django
session (a new session key at sign-in), for PORTAL_SESSION_HOURS; every write carries the CSRF token."""

import time

from django.conf import settings
from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets import selectors, services
from tickets.api.attachments import FILE, INLINE, public_file_response
from tickets.api.pagination import THREAD_PAGE, thread_page_number
from tickets.api.parsers import SafeJSONParser, SafeMultiPartParser
from tickets.api.serializers import CustomerMessageCreateSerializer, PublicMessageSerializer, TrackedTicketSerializer
from tickets.api.throttles import SignInThrottle, TicketTrackThrottle
from tickets.api.track import public_message_add, public_ticket
from tickets.models import Status

SESSION_EMAIL, SESSION_UNTIL = "customer_email", "customer_until"
SIGNED_OUT = "Sign in to see your tickets: ask for a link with your email address."
LINK_SENT = (
    "If we have requests from this address, a sign-in link is on its way to it. It works once, within "
    "{minutes} minutes."
)
LINK_USED = "This sign-in link has expired or was already used. Ask for a new one."
NOT_FOUND = OpenApiResponse(description="Not one of the signed-in customer's tickets.")


def signed_in_email(request) -> str | None:
    """The customer's address while their sign-in lasts, else None."""
    email, until = request.session.get(SESSION_EMAIL), request.session.get(SESSION_UNTIL, 0)
    return email if email and until > time.time() else None


class SignInRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class SignInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=100)


class CustomerSessionSerializer(serializers.Serializer):
    signed_in = serializers.BooleanField()
    email = serializers.EmailField(allow_null=True)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class CustomerTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    last_reply = serializers.CharField(allow_null=True, help_text="The start of our newest reply, or null.")
    last_reply_at = serializers.DateTimeField(allow_null=True)


class CustomerTicketPageSerializer(serializers.Serializer):
    results = CustomerTicketSerializer(many=True)
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    count = serializers.IntegerField()


def _session_body(request) -> dict:
    email = signed_in_email(request)
    return {"signed_in": email is not None, "email": email}


class _PortalView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # the customer is no user of ours: the session holds their address
    throttle_classes = [TicketTrackThrottle]

    def email(self, request) -> str:
        email = signed_in_email(request)
        if email is None:
            raise NotAuthenticated(SIGNED_OUT)
        return email

    def ticket(self, request, pk: int):
        ticket = selectors.customer_ticket(self.email(request), pk)
        if ticket is None:
            raise Http404
        return ticket


@method_decorator(csrf_protect, name="dispatch")
class SignInRequestView(_PortalView):
    """Ask for a sign-in link: the same answer whether or not the address has tickets."""

    throttle_classes = [SignInThrottle]

    @extend_schema(request=SignInRequestSerializer, responses={202: DetailSerializer})
    def post(self, request):
        serializer = SignInRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.portal_link_request(email=serializer.validated_data["email"])
        detail = LINK_SENT.format(minutes=settings.PORTAL_LINK_MINUTES)
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


@method_decorator(csrf_protect, name="dispatch")
class CustomerSessionView(_PortalView):
    """Who is signed in (GET), sign in with a link's token (POST), sign out (DELETE)."""

    def get_throttles(self):
        return [SignInThrottle()] if self.request.method == "POST" else []

    @extend_schema(responses={200: CustomerSessionSerializer})
    def get(self, request):
        return Response(_session_body(request))

    @extend_schema(request=SignInSerializer, responses={200: CustomerSessionSerializer})
    def post(self, request):
        serializer = SignInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = services.portal_sign_in(token=serializer.validated_data["token"])
        if email is None:
            raise ValidationError({"token": [LINK_USED]})
        request.session.cycle_key()  # a new session key: one planted before the sign-in is worth nothing
        request.session[SESSION_EMAIL] = email
        request.session[SESSION_UNTIL] = time.time() + settings.PORTAL_SESSION_HOURS * 3600
        return Response(_session_body(request))

    @extend_schema(request=None, responses={200: CustomerSessionSerializer})
    def delete(self, request):
        request.session.pop(SESSION_EMAIL, None)
        request.session.pop(SESSION_UNTIL, None)
        return Response(_session_body(request))


class CustomerTicketListView(_PortalView):
    @extend_schema(
        operation_id="api_portal_tickets_list",
        parameters=[OpenApiParameter("page", int, required=False, description="1 holds the newest tickets.")],
        responses={200: CustomerTicketPageSerializer, 403: DetailSerializer},
    )
    def get(self, request):
        page = selectors.customer_ticket_page(self.email(request), page=thread_page_number(request))
        body = {"results": page.tickets, "page": page.page, "pages": page.pages, "count": page.total}
        return Response(CustomerTicketPageSerializer(body).data)


class CustomerTicketView(_PortalView):
    @extend_schema(parameters=[THREAD_PAGE], responses={200: TrackedTicketSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        return public_ticket(request, self.ticket(request, pk), f"/api/portal/tickets/{pk}/")


@method_decorator(csrf_protect, name="dispatch")
class CustomerMessageView(_PortalView):
    parser_classes = [SafeJSONParser, SafeMultiPartParser]

    @extend_schema(request=CustomerMessageCreateSerializer, responses={201: PublicMessageSerializer, 404: NOT_FOUND})
    def post(self, request, pk: int):
        return public_message_add(request, self.ticket(request, pk), f"/api/portal/tickets/{pk}/")


class CustomerAttachmentView(_PortalView):
    @extend_schema(parameters=[INLINE], responses={200: FILE, 404: NOT_FOUND})
    def get(self, request, pk: int, attachment: int):
        return public_file_response(request, self.ticket(request, pk), attachment)
