from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.response import Response

from tickets import classifier, selectors, services
from tickets.api.serializers import (
    ClassificationSerializer,
    ClassifyRequestSerializer,
    StatsSerializer,
    TicketCreateSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)
from tickets.api.throttles import TicketClassifyThrottle, TicketCreateThrottle
from tickets.filters import TicketFilter
from tickets.models import Ticket


class TicketViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Tickets: anyone may submit one; staff list, read, update and report on them."""

    queryset = Ticket.objects.order_by("-created_at", "-id")
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    filter_backends = [DjangoFilterBackend]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_permissions(self):
        if self.action in ("create", "classify"):
            return [AllowAny()]
        return [IsAdminUser()]

    def get_throttles(self):
        if self.action == "create":
            return [TicketCreateThrottle()]
        if self.action == "classify":
            return [TicketClassifyThrottle()]
        return []

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def create(self, request, *args, **kwargs):
        serializer = TicketCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = services.ticket_create(**serializer.validated_data, actor=request.user)
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TicketUpdateSerializer, responses={200: TicketSerializer})
    def partial_update(self, request, *args, **kwargs):
        serializer = TicketUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = services.ticket_update(ticket=self.get_object(), data=serializer.validated_data, actor=request.user)
        return Response(TicketSerializer(ticket).data)

    @extend_schema(responses={200: StatsSerializer})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def stats(self, request):
        return Response(selectors.ticket_stats())

    @extend_schema(request=ClassifyRequestSerializer, responses={200: ClassificationSerializer})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def classify(self, request):
        serializer = ClassifyRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = classifier.classify(serializer.validated_data["title"], serializer.validated_data["description"])
        return Response(ClassificationSerializer(result).data)
