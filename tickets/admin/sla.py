"""The SLA policies in the staff workspace: managers edit each priority's targets."""

from django.contrib import admin
from unfold.admin import ModelAdmin

from tickets.models import SLAPolicy


@admin.register(SLAPolicy)
class SLAPolicyAdmin(ModelAdmin):
    list_display = ["priority", "first_response_minutes", "resolution_minutes"]
    list_editable = ["first_response_minutes", "resolution_minutes"]
    fields = ["priority", "first_response_minutes", "resolution_minutes"]

    def get_readonly_fields(self, request, obj=None):
        return ["priority"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # a priority without a policy would fall back to the defaults unnoticed
