from rest_framework import serializers

from tickets import services
from tickets.models import DESCRIPTION_MAX_LENGTH, TICKET_FIELDS, TITLE_MAX_LENGTH, Category, Priority, Status, Ticket
from tickets.validators import validate_storable_text


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(validators=[validate_storable_text], **kwargs)


class TicketSerializer(serializers.ModelSerializer):
    """A ticket as the API returns it."""

    # Empty until given / until the AI has classified the ticket: declared so the schema allows "".
    submitter_email = serializers.CharField(read_only=True, help_text="Optional: empty when not given.")
    ai_category = serializers.ChoiceField(choices=Category.choices, allow_blank=True, read_only=True)
    ai_priority = serializers.ChoiceField(choices=Priority.choices, allow_blank=True, read_only=True)
    version = serializers.SerializerMethodField(
        help_text="The ticket's ETag value: send it back as If-Match on a PATCH to refuse a stale update (412)."
    )

    class Meta:
        model = Ticket
        fields = [*TICKET_FIELDS, "version"]
        read_only_fields = fields

    def get_version(self, ticket: Ticket) -> str:
        return services.ticket_version(ticket)


class SubmittedTicketSerializer(serializers.ModelSerializer):
    """A ticket as its anonymous submitter gets it back: no AI fields, no model name or prompt version."""

    submitter_email = serializers.CharField(read_only=True, help_text="Optional: empty when not given.")

    class Meta:
        model = Ticket
        fields = ["id", "title", "description", "category", "priority", "status", "submitter_email", "created_at"]
        read_only_fields = fields


class TicketCreateSerializer(serializers.Serializer):
    title = _text(max_length=TITLE_MAX_LENGTH)
    description = _text(max_length=DESCRIPTION_MAX_LENGTH)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    submitter_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    # A honeypot: the web form hides it from people, so a value means a bot. See TicketViewSet.create.
    website = serializers.CharField(required=False, allow_blank=True, max_length=200, write_only=True)


class TicketUpdateSerializer(serializers.Serializer):
    title = _text(max_length=TITLE_MAX_LENGTH, required=False)
    description = _text(max_length=DESCRIPTION_MAX_LENGTH, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send at least one of: " + ", ".join(self.fields) + ".")
        return attrs


class ClassifyRequestSerializer(serializers.Serializer):
    title = _text(max_length=TITLE_MAX_LENGTH, required=False, allow_blank=True, default="")
    description = _text(max_length=DESCRIPTION_MAX_LENGTH)


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
