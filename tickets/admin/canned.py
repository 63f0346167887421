"""Canned responses in the staff workspace: managers write them, agents pick them in a ticket's reply box."""

from django.contrib import admin
from unfold.admin import ModelAdmin

from tickets.models import CannedResponse


@admin.register(CannedResponse)
class CannedResponseAdmin(ModelAdmin):
    list_display = ["title", "category", "set_status"]
    list_filter = ["category"]
    search_fields = ["title", "body"]
    fields = ["title", "body", "category", "set_status"]
