"""The submitter's page, reached by the tracking link: anonymous, one ticket, replies and their own messages only.

Any token that opens nothing (malformed, unknown, expired) gets the same 404 as every other, so a response tells
a guesser nothing. Requests are throttled per address.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets import selectors, services
from tickets.api.pagination import THREAD_PAGE, thread_page_number
from tickets.api.parsers import SafeJSONParser, SafeMultiPartParser
from tickets.api.serializers import CustomerMessageCreateSerializer, PublicMessageSerializer, TrackedTicketSerializer
from tickets.api.throttles import TicketTrackThrottle
from tickets.models import MessageKind

NOT_FOUND = OpenApiResponse(description="No ticket for this link (or it expired).")


class _TrackView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # the token is the credential; no session, so no CSRF to carry
    throttle_classes = [TicketTrackThrottle]

    def ticket(self, token: str):
        ticket = selectors.tracking_find(token)
        if ticket is None:
            raise Http404
        return ticket


def public_ticket(request, ticket, files_base: str) -> Response:
    """The ticket as its submitter sees it (the tracking page, and "My tickets"): the request, a page of the public
    thread, the files, and the rating link while the resolution may be rated."""
    thread = selectors.ticket_thread_page(ticket, public=True, page=thread_page_number(request))
    body = {
        "id": ticket.pk,
        "title": ticket.title,
        "description": ticket.description,
        "status": ticket.status,
        "created_at": ticket.created_at,
        "messages": thread.messages,
        "page": thread.page,
        "pages": thread.pages,
        "messages_total": thread.total,
        "attachments": selectors.request_files(ticket),
        "rating_token": selectors.rating_token_open(ticket),
    }
    return Response(TrackedTicketSerializer(body, context={"request": request, "files_base": files_base}).data)


def public_message_add(request, ticket, files_base: str) -> Response:
    """The submitter's message on their ticket: JSON ``{"body"}``, or a form upload with files."""
    serializer = CustomerMessageCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    message = services.message_add(
        ticket=ticket,
        kind=MessageKind.CUSTOMER,
        body=serializer.validated_data["body"],
        files=services.uploads_read(request.FILES.getlist("attachments")),
    )
    context = {"request": request, "files_base": files_base}
    return Response(PublicMessageSerializer(message, context=context).data, status=status.HTTP_201_CREATED)


class TrackedTicketView(_TrackView):
    @extend_schema(parameters=[THREAD_PAGE], responses={200: TrackedTicketSerializer, 404: NOT_FOUND})
    def get(self, request, token: str):
        return public_ticket(request, self.ticket(token), f"/api/track/{token}/")


class TrackedMessageView(_TrackView):
    """JSON ``{"body"}``, or a form upload with ``body`` and up to ATTACHMENTS_MAX ``attachments`` files."""

    parser_classes = [SafeJSONParser, SafeMultiPartParser]

    @extend_schema(
        request=CustomerMessageCreateSerializer,
        responses={
            201: PublicMessageSerializer,
            404: NOT_FOUND,
            429: OpenApiResponse(description="Too many messages waiting for an answer, or too many requests."),
        },
    )
    def post(self, request, token: str):
        return public_message_add(request, self.ticket(token), f"/api/track/{token}/")
