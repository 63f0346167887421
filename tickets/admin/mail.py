"""Every email that arrived, and what became of it: a ticket, a message, ignored (and why), or kept aside (too
large, unreadable) with a way to read it again. Managers only; the raw message can be downloaded."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from unfold.decorators import action, display

from tickets import services
from tickets.admin.audit import ReadOnlyAdmin
from tickets.models import InboundEmail, InboundState
from tickets.roles import VIEW_INBOUND_MAIL

STATE_COLOURS = {"stored": "success", "ignored": "info", "too_large": "warning", "unreadable": "danger"}


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "state_badge", "sender", "subject", "ticket_link", "transport", "reason"]
    list_filter = ["state", "transport", "created_ticket"]
    search_fields = ["sender", "subject", "key"]
    list_select_related = ["ticket"]
    actions = ["read_again"]
    fields = [
        "received_at", "state", "reason", "sender", "subject", "key", "transport", "size", "ticket_link",
        "message", "created_ticket", "raw_link",
    ]  # fmt: skip
    readonly_fields = fields

    @display(description="State", label=STATE_COLOURS)
    def state_badge(self, obj):
        return obj.state, obj.get_state_display()

    @display(description="Ticket")
    def ticket_link(self, obj):
        if not obj.ticket_id:
            return "-"
        return format_html(
            '<a href="{}">#{}</a>', reverse("admin:tickets_ticket_change", args=[obj.ticket_id]), obj.ticket_id
        )

    @display(description="Original message")
    def raw_link(self, obj):
        url = reverse("admin:tickets_inboundemail_raw", args=[obj.pk])
        return format_html('<a href="{}">Download the .eml ({} bytes)</a>', url, f"{obj.size:,}")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_INBOUND_MAIL)

    def has_read_again_permission(self, request):
        return request.user.has_perm(VIEW_INBOUND_MAIL)

    def get_urls(self):
        raw = self.admin_site.admin_view(self.raw_view)
        return [path("<int:pk>/raw/", raw, name="tickets_inboundemail_raw"), *super().get_urls()]

    def raw_view(self, request, pk):
        """The message as it arrived, as a download (never shown as a page: it is the sender's bytes)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        inbound = get_object_or_404(InboundEmail, pk=pk)
        response = FileResponse(inbound.raw.open("rb"), as_attachment=True, filename=f"message-{inbound.pk}.eml")
        response["Content-Type"] = "message/rfc822"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @action(description="Read again (messages kept aside as unreadable)", permissions=["read_again"])
    def read_again(self, request, queryset):
        stored = aside = 0
        for inbound in queryset.filter(state=InboundState.UNREADABLE):
            result = services.mail_retry(inbound=inbound)
            stored += result.state == InboundState.STORED
            aside += result.state == InboundState.UNREADABLE
        self.message_user(
            request,
            f"{stored} message(s) stored, {aside} still unreadable.",
            messages.SUCCESS if not aside else messages.WARNING,
        )
