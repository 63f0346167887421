"""What the React app needs to know about the product's rules, from their one home on the server."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets import selectors
from tickets.filters import SEARCH_MAX_LENGTH
from tickets.models import DESCRIPTION_MAX_LENGTH, PAGE_SIZE, TITLE_MAX_LENGTH, Category, Priority, Status


class MetaSerializer(serializers.Serializer):
    choices = serializers.DictField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.CharField())),
        help_text='Each label set as [value, label] pairs: {"category": [["billing", "Billing"], ...], ...}.',
    )
    limits = serializers.DictField(child=serializers.IntegerField(), help_text="Longest title, description, search.")
    page_size = serializers.IntegerField()
    answer_within = serializers.DictField(
        child=serializers.DictField(),
        help_text='Per priority, our first reply\'s promise: {"high": {"minutes": 240, "working_hours": true}, ...}.',
    )


META = {
    "choices": {
        "category": [list(pair) for pair in Category.choices],
        "priority": [list(pair) for pair in Priority.choices],
        "status": [list(pair) for pair in Status.choices],
    },
    "limits": {"title": TITLE_MAX_LENGTH, "description": DESCRIPTION_MAX_LENGTH, "search": SEARCH_MAX_LENGTH},
    "page_size": PAGE_SIZE,
}


class MetaView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: MetaSerializer})
    def get(self, request):
        return Response({**META, "answer_within": selectors.answer_promises()})
