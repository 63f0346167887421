"""The submitter's "How did we do?": the signed link from the resolution notice (or the tracking page) opens its
answer and stores or changes it. Anonymous, throttled per address; a link that opens nothing is a 404, alike for
forged, mangled and expired ones."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets import selectors, services
from tickets.api.parsers import SafeJSONParser
from tickets.api.serializers import RatingAnswerSerializer, RatingSerializer
from tickets.api.throttles import TicketTrackThrottle

NOT_FOUND = OpenApiResponse(description="No rating for this link (forged, or past its days).")


def rating_body(found: selectors.RatingRequest) -> dict:
    answer = found.answer
    return {
        "ticket": {"id": found.ticket.pk, "title": found.ticket.title},
        "resolved_at": found.resolved_at,
        "rating": answer.rating if answer else "",
        "comment": answer.comment if answer else "",
        "open_until": found.open_until,
    }


class RatingView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # the signed link is the credential; no session, so no CSRF to carry
    throttle_classes = [TicketTrackThrottle]
    parser_classes = [SafeJSONParser]

    def found(self, token: str) -> selectors.RatingRequest:
        found = selectors.rating_request(token)
        if found is None:
            raise Http404
        return found

    @extend_schema(responses={200: RatingSerializer, 404: NOT_FOUND})
    def get(self, request, token: str):
        return Response(RatingSerializer(rating_body(self.found(token))).data)

    @extend_schema(request=RatingAnswerSerializer, responses={200: RatingSerializer, 404: NOT_FOUND})
    def post(self, request, token: str):
        found = self.found(token)
        serializer = RatingAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.rating_record(ticket=found.ticket, resolved_at=found.resolved_at, **serializer.validated_data)
        return Response(RatingSerializer(rating_body(self.found(token))).data)
