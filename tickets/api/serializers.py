import copy

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tickets import selectors
from tickets.filters import visible_to
from tickets.models import (
    DESCRIPTION_MAX_LENGTH,
    RATING_COMMENT_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TICKET_FIELDS,
    TITLE_MAX_LENGTH,
    Category,
    MessageKind,
    Priority,
    Rating,
    Status,
    Team,
    Ticket,
)
from tickets.rules.sla import sla_state
from tickets.rules.tags import tag_problem
from tickets.rules.tickets import ticket_version
from tickets.validators import validate_storable_text


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(validators=[validate_storable_text], **kwargs)


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class TeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    """A file on a ticket: its sanitised name, size and type (read from its bytes), and where to download it (the
    staff URL, or the tracking link's own for its holder)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    content_type = serializers.CharField(help_text="From the file's bytes; application/octet-stream when unknown.")
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        # The customer's own way in (the tracking link's, or "My tickets"'), else the staff download.
        files_base = self.context.get("files_base")
        path = f"{files_base}attachments/{attachment.pk}/" if files_base else f"/api/attachments/{attachment.pk}/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ModelFieldsOnce:
    """A model serializer whose fields are derived from the model once per class, not once per instance: the
    derivation (each model field's type, choices and options) was two thirds of serializing a created ticket. Each
    instance still gets its own copies, which DRF binds to it."""

    def get_fields(self):
        cls = type(self)
        if (fields := cls.__dict__.get("_fields_once")) is None:
            fields = cls._fields_once = super().get_fields()
        return copy.deepcopy(fields)


class TicketSerializer(ModelFieldsOnce, serializers.ModelSerializer):
    """A ticket as the API returns it."""

    assignee = UserRefSerializer(read_only=True, allow_null=True, help_text="The staff member who owns it, or null.")
    # Empty until given / until the AI has classified the ticket: declared so the schema allows "".
    submitter_email = serializers.CharField(read_only=True, help_text="Optional: empty when not given.")
    ai_category = serializers.ChoiceField(choices=Category.choices, allow_blank=True, read_only=True)
    ai_priority = serializers.ChoiceField(choices=Priority.choices, allow_blank=True, read_only=True)
    sla_state = serializers.SerializerMethodField(
        help_text="ok, due_soon, breached, met, or paused while waiting on the customer (null without a policy)."
    )
    team = TeamRefSerializer(read_only=True, allow_null=True, help_text="The team working it, or null.")
    waiting_since = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Waiting on the customer since then (the SLA clock is paused)."
    )
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True, help_text="The tags' names.")
    version = serializers.SerializerMethodField(
        help_text="The ticket's ETag value: send it back as If-Match on a PATCH to refuse a stale update (412)."
    )

    class Meta:
        model = Ticket
        fields = [
            *TICKET_FIELDS, "assignee", "first_response_at", "customer_replied",
            "first_response_due_at", "resolution_due_at", "sla_state", "waiting_since", "version", "tags", "team",
        ]  # fmt: skip
        read_only_fields = fields

    def get_version(self, ticket: Ticket) -> str:
        return ticket_version(ticket)

    def get_sla_state(self, ticket: Ticket) -> str | None:
        return sla_state(ticket, self.context.get("now") or timezone.now())


class TicketDetailSerializer(TicketSerializer):
    """One ticket (GET, PATCH): as in the list, plus the files sent with its request. The list leaves them out."""

    attachments = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "attachments"]
        read_only_fields = fields

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, ticket: Ticket) -> list:
        return AttachmentSerializer(selectors.request_files(ticket), many=True, context=self.context).data


class SubmittedTicketSerializer(ModelFieldsOnce, serializers.ModelSerializer):
    """A ticket as its anonymous submitter gets it back: no AI fields, no model name or prompt version; with the
    tracking link, shown this once."""

    submitter_email = serializers.CharField(read_only=True, help_text="Optional: empty when not given.")
    tracking_url = serializers.SerializerMethodField(
        help_text="The submitter's page for this ticket, shown only in this response, and only when no email "
        "address was given: with one, the link goes to that address alone (whoever typed it may not own it)."
    )
    tracking_link_emailed = serializers.SerializerMethodField(
        help_text="True when the tracking link was sent to submitter_email instead of being shown here."
    )

    class Meta:
        model = Ticket
        fields = [
            "id", "title", "description", "category", "priority", "status", "submitter_email", "created_at",
            "tracking_url", "tracking_link_emailed",
        ]  # fmt: skip
        read_only_fields = fields

    def get_tracking_url(self, ticket: Ticket) -> str | None:
        token = getattr(ticket, "tracking_token", None)
        request = self.context.get("request")
        if not token or request is None or ticket.submitter_email:
            return None
        return request.build_absolute_uri(f"/t/{token}")

    def get_tracking_link_emailed(self, ticket: Ticket) -> bool:
        return bool(ticket.submitter_email)


class TicketCreateSerializer(serializers.Serializer):
    title = _text(max_length=TITLE_MAX_LENGTH)
    description = _text(max_length=DESCRIPTION_MAX_LENGTH)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    submitter_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    # A honeypot: the web form hides it from people, so a value means a bot. See TicketViewSet.create.
    website = serializers.CharField(required=False, allow_blank=True, max_length=200, write_only=True)
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        write_only=True,
        help_text="Files (a multipart/form-data request): at most ATTACHMENTS_MAX, each at most ATTACHMENT_MAX_BYTES.",
    )
    answers_key = serializers.RegexField(
        r"^[A-Za-z0-9_-]{22}$",
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="The key suggest-answers gave this form: the answers it offered did not stop this submission.",
    )


class TicketUpdateSerializer(serializers.Serializer):
    title = _text(max_length=TITLE_MAX_LENGTH, required=False)
    description = _text(max_length=DESCRIPTION_MAX_LENGTH, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=selectors.active_staff(),
        allow_null=True,
        required=False,
        help_text="A staff member's id to assign the ticket to, or null to unassign it.",
        error_messages={"does_not_exist": "No active staff member has the id {pk_value}."},
    )

    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX_LENGTH, validators=[validate_storable_text]),
        max_length=20,
        required=False,
        help_text="The ticket's tags, all of them (names; new ones are created).",
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        allow_null=True,
        required=False,
        help_text="A team's id to move the ticket to (a team that assigns automatically hands it on), or null.",
        error_messages={"does_not_exist": "No team has the id {pk_value}."},
    )
    waiting = serializers.BooleanField(
        required=False,
        help_text="true: waiting on the customer (the SLA clock pauses until they answer); false: no longer.",
    )

    def validate_tags(self, names):
        if problems := [p for n in names if (p := tag_problem(n))]:
            raise serializers.ValidationError(problems)
        return names

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send at least one of: " + ", ".join(self.fields) + ".")
        return attrs


class VisibleTicketField(serializers.PrimaryKeyRelatedField):
    """A ticket id among those the asking user may see: another private team's ticket reads as no such ticket."""

    def get_queryset(self):
        return visible_to(Ticket.objects.all(), self.context["request"].user)


class MergeRequestSerializer(serializers.Serializer):
    into = VisibleTicketField(
        queryset=Ticket.objects.all(),  # the schema's type; the ids accepted are get_queryset's
        help_text="The id of the ticket this one repeats.",
        error_messages={"does_not_exist": "No ticket has the id {pk_value}."},
    )


class ClassifyRequestSerializer(serializers.Serializer):
    title = _text(max_length=TITLE_MAX_LENGTH, required=False, allow_blank=True, default="")
    description = _text(max_length=DESCRIPTION_MAX_LENGTH)


class AnswersRequestSerializer(ClassifyRequestSerializer):
    key = serializers.RegexField(
        r"^[A-Za-z0-9_-]{22}$",
        required=False,
        allow_blank=True,
        help_text="The key an earlier call gave this form, so one form is counted once.",
    )


class AnswerSerializer(serializers.Serializer):
    title = serializers.CharField()
    body = serializers.CharField()
    source = serializers.ChoiceField(["canned", "faq"], help_text="A canned response, or a published (faq) answer.")


class AnswersSerializer(serializers.Serializer):
    key = serializers.CharField(allow_blank=True, help_text="Send it back with the next call and with the ticket.")
    answers = AnswerSerializer(many=True)


class ClassificationSerializer(serializers.Serializer):
    suggested_category = serializers.ChoiceField(choices=Category.choices, source="category")
    suggested_priority = serializers.ChoiceField(choices=Priority.choices, source="priority")
    confidence = serializers.FloatField(min_value=0, max_value=1)
    source = serializers.ChoiceField(choices=[("llm", "LLM"), ("local", "Local model")])


class StatsSerializer(serializers.Serializer):
    total_tickets = serializers.IntegerField()
    open_tickets = serializers.IntegerField()
    avg_tickets_per_day = serializers.FloatField()
    priority_breakdown = serializers.DictField(child=serializers.IntegerField())
    category_breakdown = serializers.DictField(child=serializers.IntegerField())


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=MessageKind.choices, read_only=True)
    body = serializers.CharField(read_only=True)
    author = UserRefSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    email_status = serializers.SerializerMethodField(help_text="queued, sent or failed; null when nothing is sent.")
    attachments = AttachmentSerializer(many=True, read_only=True, source="attachments.all")
    email_error = serializers.SerializerMethodField()

    def _email(self, message):
        return getattr(message, "email", None) if message.kind == MessageKind.REPLY else None

    def get_email_status(self, message) -> str | None:
        email = self._email(message)
        return email.status if email else None

    def get_email_error(self, message) -> str:
        email = self._email(message)
        return email.error if email else ""


class MessageCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[MessageKind.REPLY, MessageKind.NOTE])
    body = _text(max_length=DESCRIPTION_MAX_LENGTH)


class CustomerMessageCreateSerializer(serializers.Serializer):
    body = _text(max_length=DESCRIPTION_MAX_LENGTH)


class PublicMessageSerializer(serializers.Serializer):
    """A message as the submitter sees it: who wrote it by role, never a staff member's name or a note."""

    kind = serializers.ChoiceField(choices=[MessageKind.REPLY, MessageKind.CUSTOMER])
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentSerializer(many=True, source="attachments.all")


class TrackedTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    created_at = serializers.DateTimeField()
    messages = PublicMessageSerializer(many=True, help_text="One page, oldest first; page 1 holds the newest.")
    attachments = AttachmentSerializer(many=True, help_text="The files sent with the request itself.")
    page = serializers.IntegerField(help_text="This page of the conversation (1 = the newest messages).")
    pages = serializers.IntegerField(help_text="How many pages the conversation has; ?page=N reads an older one.")
    messages_total = serializers.IntegerField()
    rating_token = serializers.CharField(
        allow_null=True,
        help_text='While a resolution may be rated: the token for /api/ratings/<token>/ ("How did we do?").',
    )


class SimilarTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    similarity = serializers.FloatField(help_text="How alike the titles are, 0 to 1 (trigrams shared).")


class ReplySuggestionSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, help_text="Text for the reply box; empty when nothing fits.")
    source = serializers.ChoiceField(["llm", "canned", "none"], help_text="The AI's draft, a canned response, or none.")
    canned_id = serializers.IntegerField(allow_null=True)
    set_status = serializers.CharField(allow_blank=True, help_text="The canned response's status after sending.")


class RatingAnswerSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    comment = _text(max_length=RATING_COMMENT_MAX_LENGTH, required=False, allow_blank=True, default="")


class RatedTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class RatingSerializer(serializers.Serializer):
    """What a "How did we do?" link opens: the ticket, the answer so far (empty before one), until when it may
    change."""

    ticket = RatedTicketSerializer()
    resolved_at = serializers.DateTimeField()
    rating = serializers.CharField(allow_blank=True, help_text="good, bad, or empty before an answer.")
    comment = serializers.CharField(allow_blank=True)
    open_until = serializers.DateTimeField(help_text="The link works, and the answer may change, until then.")
