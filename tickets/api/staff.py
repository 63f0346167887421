"""Staff members a ticket can be assigned to (for the React list's assignee menu)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets.api.permissions import CanSeeStaff
from tickets.api.serializers import UserRefSerializer, active_staff


class AgentListView(APIView):
    permission_classes = [CanSeeStaff]

    @extend_schema(responses={200: UserRefSerializer(many=True)})
    def get(self, request):
        return Response(UserRefSerializer(active_staff(), many=True).data)
