import logging

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from tickets import classifier, selectors, services
from tickets.api.clientip import client_ip
from tickets.api.pagination import THREAD_PAGE, thread_headers, thread_page_number
from tickets.api.parsers import SafeJSONParser, SafeMultiPartParser
from tickets.api.permissions import CanViewDashboard, CanWorkTickets, StaffModelPermissions
from tickets.api.serializers import (
    AnswersRequestSerializer,
    AnswersSerializer,
    ClassificationSerializer,
    ClassifyRequestSerializer,
    MergeRequestSerializer,
    MessageCreateSerializer,
    MessageSerializer,
    ReplySuggestionSerializer,
    SimilarTicketSerializer,
    StatsSerializer,
    SubmittedTicketSerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)
from tickets.api.throttles import SuggestAnswersThrottle, TicketClassifyThrottle, TicketCreateThrottle
from tickets.filters import TicketFilter, visible_to
from tickets.models import Ticket
from tickets.roles import VIEW_TICKET
from tickets.rules.tickets import ticket_version

logger = logging.getLogger(__name__)


def _with_etag(response: Response, ticket: Ticket) -> Response:
    response["ETag"] = f'"{ticket_version(ticket)}"'
    return response


class TicketViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Tickets: anyone may submit one; staff list, read, update and report on them."""

    queryset = Ticket.objects.all()
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    filter_backends = [DjangoFilterBackend]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_permissions(self):
        if self.action in ("create", "classify", "suggest_answers"):
            return [AllowAny()]
        if self.action == "stats":
            return [CanViewDashboard()]
        if self.action in ("messages", "suggest_reply", "merge"):
            return [CanWorkTickets()]
        return [StaffModelPermissions()]

    def get_queryset(self):
        # A private team's ticket is not there for an agent outside it: 404 on every detail path, like a wrong id.
        return visible_to(Ticket.objects.all(), self.request.user)

    def filter_queryset(self, queryset):
        # The list is the selector's (one path for the API, the tests and every other reader); DjangoFilterBackend
        # and filterset_class stay declared so the OpenAPI schema documents the filters.
        if self.action == "list":
            return selectors.ticket_list(filters=self.request.query_params, request=self.request)
        return queryset

    def get_throttles(self):
        if self.action == "create":
            return [TicketCreateThrottle()]
        if self.action == "classify":
            return [TicketClassifyThrottle()]
        if self.action == "suggest_answers":
            return [SuggestAnswersThrottle()]
        return []

    @extend_schema(
        request=TicketCreateSerializer,
        responses={
            201: PolymorphicProxySerializer(
                component_name="CreatedTicket",
                serializers=[SubmittedTicketSerializer, TicketSerializer],
                resource_type_field_name=None,
            )
        },
        description="Anyone gets the ticket back with its tracking link (shown this once); staff who may view "
        "tickets get the whole ticket instead, as GET returns it.",
    )
    def get_parsers(self):
        # A submission may carry files (multipart/form-data); everything else is JSON.
        # (The action is set only after the parsers are chosen; the schema generator has no request but an action.)
        request = getattr(self, "request", None)
        action = self.action_map.get(request.method.lower()) if request is not None else getattr(self, "action", None)
        if action == "create":
            return [SafeJSONParser(), SafeMultiPartParser()]
        return super().get_parsers()

    def create(self, request, *args, **kwargs):
        serializer = TicketCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        files = services.uploads_read(data.pop("attachments", []))
        answers_key = data.pop("answers_key", "")
        if data.pop("website", ""):
            # The honeypot field is hidden from people; only bots fill it. Answer as if it worked, store nothing.
            logger.info("honeypot: dropped a bot submission from %s", client_ip(request))
            data.setdefault("category", "general")
            data.setdefault("priority", "medium")
            decoy = Ticket(pk=0, created_at=timezone.now(), updated_at=timezone.now(), **data)
            return Response(SubmittedTicketSerializer(decoy).data, status=status.HTTP_201_CREATED)
        staff = request.user.is_staff and request.user.has_perm(VIEW_TICKET)
        ticket = services.ticket_create(**data, actor=request.user, tracking=not staff, files=files)
        if answers_key:
            services.answers_followed_by(key=answers_key, ticket=ticket)
        output = TicketSerializer if staff else SubmittedTicketSerializer
        return Response(output(ticket, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: TicketDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        ticket = self.get_object()
        return _with_etag(Response(TicketDetailSerializer(ticket, context={"request": request}).data), ticket)

    @extend_schema(
        request=TicketUpdateSerializer,
        responses={200: TicketDetailSerializer, 412: OpenApiResponse(description="If-Match did not match the ETag")},
        parameters=[
            OpenApiParameter(
                "If-Match",
                location=OpenApiParameter.HEADER,
                required=False,
                description="The ETag from a GET: the update is refused with 412 if the ticket changed since.",
            )
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        serializer = TicketUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if_match = request.headers.get("If-Match")
        ticket = services.ticket_update(
            ticket=self.get_object(),
            data=serializer.validated_data,
            actor=request.user,
            expected_version=if_match.strip().removeprefix("W/").strip('"') if if_match else None,
        )
        return _with_etag(Response(TicketDetailSerializer(ticket, context={"request": request}).data), ticket)

    @extend_schema(responses={200: StatsSerializer})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def stats(self, request):
        return Response(selectors.ticket_stats(request.user))

    @extend_schema(request=ClassifyRequestSerializer, responses={200: ClassificationSerializer})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def classify(self, request):
        serializer = ClassifyRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = classifier.classify(serializer.validated_data["title"], serializer.validated_data["description"])
        return Response(ClassificationSerializer(result).data)

    @extend_schema(
        request=AnswersRequestSerializer,
        responses={200: AnswersSerializer},
        description="While a customer writes: up to three answers that may already solve it (canned responses, "
        'and replies staff published by tagging a resolved ticket "faq"). A form that was shown answers is '
        "counted once by its key; sending the key with the ticket says it was submitted anyway.",
    )
    @action(detail=False, methods=["post"], url_path="suggest-answers", filter_backends=[], pagination_class=None)
    def suggest_answers(self, request):
        serializer = AnswersRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        answers = selectors.answer_suggestions(data["title"], data["description"])
        key = data.get("key", "")
        if answers:
            key = services.answers_shown(key=key, shown=len(answers))
        return Response(AnswersSerializer({"key": key, "answers": answers}).data)

    @extend_schema(
        methods=["GET"],
        parameters=[THREAD_PAGE],
        responses={200: MessageSerializer(many=True)},
        description="One page of the thread, oldest first within it; page 1 (the default) holds the newest "
        "messages. `Link` names the older (next) and newer (prev) pages; `X-Total-Count` counts every message.",
    )
    @extend_schema(
        methods=["POST"],
        request=MessageCreateSerializer,
        responses={201: MessageSerializer},
        description="A reply (emailed to the submitter by the background worker) or an internal note.",
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def messages(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "GET":
            thread = selectors.ticket_thread_page(ticket, public=False, page=thread_page_number(request))
            response = Response(MessageSerializer(thread.messages, many=True, context={"request": request}).data)
            thread_headers(response, request, thread)
            return response
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.message_add(ticket=ticket, author=request.user, **serializer.validated_data)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: SimilarTicketSerializer(many=True)},
        description="Up to five earlier tickets with the most alike titles, resolved and closed ones first.",
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def similar(self, request, pk=None):
        near = selectors.similar_tickets(self.get_object(), user=request.user)
        data = [
            {**{f: getattr(t, f) for f in ("id", "title", "status", "created_at")}, "similarity": s} for t, s in near
        ]
        return Response(SimilarTicketSerializer(data, many=True).data)

    @extend_schema(
        request=None,
        responses={200: ReplySuggestionSerializer},
        description="A reply for the agent to edit, never sent: the AI's draft, else the closest canned response.",
    )
    @action(detail=True, methods=["post"], url_path="suggest-reply", filter_backends=[], pagination_class=None)
    def suggest_reply(self, request, pk=None):
        suggestion = selectors.reply_suggest(ticket=self.get_object(), agent=request.user)
        return Response(ReplySuggestionSerializer(suggestion.as_dict()).data)

    @extend_schema(
        request=MergeRequestSerializer,
        responses={200: TicketDetailSerializer},
        description="Merge this ticket (a duplicate) into another: its request, messages and files join the "
        "other's thread, its submitter is kept as a contact, it closes pointing there, and later answers to it "
        "land there. Returns the ticket merged into.",
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def merge(self, request, pk=None):
        duplicate = self.get_object()
        serializer = MergeRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        target = services.ticket_merge(
            duplicate=duplicate, target=serializer.validated_data["into"], actor=request.user
        )
        return Response(TicketDetailSerializer(target, context={"request": request}).data)
