"""Staff-side lists: who a ticket can be assigned to, and the canned responses agents reply with."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets import selectors
from tickets.api.permissions import CanSeeCanned, CanSeeStaff
from tickets.api.serializers import UserRefSerializer
from tickets.filters import visible_to
from tickets.models import CannedResponse, Ticket
from tickets.roles import VIEW_TICKET


class AgentListView(APIView):
    permission_classes = [CanSeeStaff]

    @extend_schema(responses={200: UserRefSerializer(many=True)})
    def get(self, request):
        return Response(UserRefSerializer(selectors.active_staff(), many=True).data)


class CannedResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField(help_text="Filled in for ?ticket=<id> (placeholders replaced), else as written.")
    category = serializers.CharField(allow_blank=True)
    set_status = serializers.CharField(allow_blank=True, help_text="The status the ticket moves to once sent.")


class CannedResponseListView(APIView):
    """The canned responses, for a ticket when ``?ticket=<id>`` names one (its category's first)."""

    permission_classes = [CanSeeCanned]

    @extend_schema(
        parameters=[OpenApiParameter("ticket", int, required=False, description="Fill the bodies in for it.")],
        responses={200: CannedResponseSerializer(many=True)},
    )
    def get(self, request):
        ticket_id = request.query_params.get("ticket", "")
        if ticket_id:
            if not request.user.has_perm(VIEW_TICKET):
                # The bodies would be filled in with the ticket's title and submitter: a view of the ticket.
                raise PermissionDenied("Filling canned responses in for a ticket needs permission to view tickets.")
            if not ticket_id.isdigit() or len(ticket_id) > 18:
                raise ValidationError({"ticket": ["A ticket id is a number."]})
            ticket = get_object_or_404(visible_to(Ticket.objects.all(), request.user), pk=int(ticket_id))
            pairs = selectors.canned_for(ticket, agent=request.user)
        else:
            pairs = [(r, r.body) for r in CannedResponse.objects.all()]
        data = [
            {"id": r.pk, "title": r.title, "body": body, "category": r.category, "set_status": r.set_status}
            for r, body in pairs
        ]
        return Response(CannedResponseSerializer(data, many=True).data)
