"""The ticket page as agents work it: the conversation in the middle, the ticket's properties in a side panel that
saves as it changes (a half-written reply stays where it is), who else is on the ticket, and the next ticket of
the view the agent came from."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from tickets import selectors, services
from tickets.admin.forms import stale_message
from tickets.filters import visible_to
from tickets.models import MessageKind, PresenceState, Status, Ticket
from tickets.rules.sla import LABELS as SLA_LABELS
from tickets.rules.sla import sla_state
from tickets.rules.tickets import ticket_version

# The ticket page's fields, in its side panel; the request's text is one click away, under them.
DESK_FIELDSETS = [
    ("Ticket", {"fields": ["status", "priority", "category", "team", "assignee", "tags_text", "waiting", "version"]}),
    ("Request", {"fields": ["title", "description", "submitter_email"]}),
]
THREAD_ORDERS = ("oldest", "newest")
# Keys the page lists under "?"; desk.js binds the same keys.
SHORTCUTS = [
    ("r", "Write a reply"),
    ("n", "Write an internal note"),
    ("Ctrl+Enter", "Send what you wrote"),
    ("a", "Assign to me"),
    ("s", "Change the status"),
    ("j", "Next ticket in this view"),
    ("?", "Show or hide these shortcuts"),
]


def view_of(request) -> str:
    """The changelist query the agent came from (Django's preserved filters), "" when they came from elsewhere."""
    return request.GET.get("_changelist_filters", "") or request.POST.get("view", "")


def ticket_url(ticket_pk: int, view: str) -> str:
    url = reverse("admin:tickets_ticket_change", args=[ticket_pk])
    return f"{url}?{urlencode({'_changelist_filters': view})}" if view else url


class TicketDeskMixin:
    """Mixed into TicketAdmin, before unfold's ModelAdmin."""

    change_form_template = "admin/tickets/ticket/change_form.html"

    def desk_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/properties/", view(require_POST(self.properties_view)), name="tickets_ticket_properties"),
            path("<int:pk>/presence/", view(require_POST(self.presence_view)), name="tickets_ticket_presence"),
            path("<int:pk>/next/", view(self.next_view), name="tickets_ticket_next"),
            path("<int:pk>/merge/", view(require_POST(self.merge_view)), name="tickets_ticket_merge"),
        ]

    def get_fieldsets(self, request, obj=None):
        return DESK_FIELDSETS if obj is not None else super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return [] if obj is not None else super().get_inlines(request, obj)  # the history is the page's timeline

    # --- the page ------------------------------------------------------------------------------

    def desk_context(self, request, ticket: Ticket) -> dict:
        order = request.GET.get("thread_order")
        if order in THREAD_ORDERS:
            request.session["thread_order"] = order
        order = request.session.get("thread_order", "oldest")
        now = timezone.now()
        state = sla_state(ticket, now)
        draft = request.session.pop(f"reply-draft-{ticket.pk}", None) if request.method == "GET" else None
        return {
            "desk": True,
            "view": view_of(request),
            "thread_order": order,
            # Read only if the page is drawn: a save that redirects never pays for them.
            "history": SimpleLazyObject(lambda: selectors.ticket_history(ticket)),
            "submitter_tickets": SimpleLazyObject(lambda: selectors.submitter_tickets(ticket, user=request.user)),
            "others": SimpleLazyObject(lambda: selectors.presence_others(ticket, user=request.user)),
            "recent_replies": SimpleLazyObject(lambda: selectors.recent_replies(ticket, user=request.user)),
            "sla": {
                "state": state,
                "label": SLA_LABELS.get(state, ""),
                # (target, due, when it was met or None): a met target shows when; a pending one counts down.
                "due": [
                    (label, due, met)
                    for label, due, met in (
                        ("First response", ticket.first_response_due_at, ticket.first_response_at),
                        ("Resolution", ticket.resolution_due_at, ticket.resolved_at),
                    )
                    if due is not None
                ],
            },
            "draft": draft,
            "shortcuts": SHORTCUTS,
            "contacts": SimpleLazyObject(lambda: list(ticket.contacts.values_list("email", "note"))),
            "merged_here": SimpleLazyObject(
                lambda: list(visible_to(ticket.merged_tickets.all(), request.user).values_list("pk", "title"))
            ),
            "poll_seconds": settings.PRESENCE_POLL_SECONDS,
            "statuses": Status.choices,
        }

    # --- the side panel saves as it changes ------------------------------------------------------

    def properties_view(self, request, pk):
        """The side panel's fields, posted whole by the page's script on each change: saved through the same form
        and services as the Save button; JSON with the new version, or what is wrong."""
        ticket = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, ticket):
            raise PermissionDenied
        form = self.get_form(request, ticket, change=True)(request.POST, instance=ticket)
        if not form.is_valid():
            stale = [e for e in form.non_field_errors().as_data() if e.code == "stale"]
            if stale:
                return JsonResponse({"message": stale[0].message}, status=409)
            errors = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()}
            return JsonResponse({"message": "Not saved: check the fields marked.", "errors": errors}, status=400)
        if not form.has_changed():
            return JsonResponse({"message": "Nothing to save.", "version": ticket_version(ticket)})
        try:
            self.save_model(request, ticket, form, change=True)
        except services.StaleTicket as stale:
            return JsonResponse({"message": stale_message(stale.current)}, status=409)
        except ValidationError as error:
            return JsonResponse({"message": " ".join(error.messages)}, status=400)
        ticket.refresh_from_db()
        state = sla_state(ticket, timezone.now())
        return JsonResponse(
            {
                "message": "Saved.",
                "version": ticket_version(ticket),
                "status": ticket.status,
                "status_label": ticket.get_status_display(),
                "sla": SLA_LABELS.get(state, ""),
            }
        )

    # --- who else is here ------------------------------------------------------------------------

    def presence_view(self, request, pk):
        """The page's poll: "I am viewing / replying / gone", answered with who else is on the ticket and what others
        wrote since the newest message the page shows (``after``)."""
        ticket = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, ticket):
            raise PermissionDenied
        state = request.POST.get("state", PresenceState.VIEWING)
        if state == "left":
            services.presence_leave(ticket=ticket, user=request.user)
            return JsonResponse({"others": [], "newer": []})
        services.presence_mark(ticket=ticket, user=request.user, state=state)
        after = request.POST.get("after", "")
        newer = selectors.messages_after(ticket, after_id=int(after), user=request.user) if after.isdigit() else []
        return JsonResponse(
            {
                "others": [
                    {"name": name, "state": state}
                    for name, state in selectors.presence_others(ticket, user=request.user)
                ],
                "newer": [
                    {
                        "id": m.pk,
                        "kind": m.kind,
                        "author": m.author.get_username() if m.author else (ticket.submitter_email or "the submitter"),
                        "body": m.body[:500],
                        "created_at": m.created_at.isoformat(),
                    }
                    for m in newer
                ],
            }
        )

    # --- merging a duplicate ------------------------------------------------------------------------

    def merge_view(self, request, pk):
        """Merge this ticket into the one posted as ``into`` (the similar-tickets panel), then open that one."""
        duplicate = get_object_or_404(self.get_queryset(request), pk=pk)
        into = request.POST.get("into", "")
        # Another private team's ticket is not found, as a wrong number is not.
        target = self.get_queryset(request).filter(pk=int(into)).first() if into.isdigit() and len(into) < 19 else None
        if not self.has_change_permission(request, duplicate) or (
            target and not self.has_change_permission(request, target)
        ):
            raise PermissionDenied
        if target is None:
            self.message_user(request, "Choose a ticket to merge into.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:tickets_ticket_change", args=[duplicate.pk]))
        try:
            services.ticket_merge(duplicate=duplicate, target=target, actor=request.user)
        except ValidationError as error:
            self.message_user(request, "Not merged: " + " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:tickets_ticket_change", args=[duplicate.pk]))
        self.message_user(request, f"#{duplicate.pk} was merged into this ticket and closed.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:tickets_ticket_change", args=[target.pk]) + "#thread")

    # --- the next ticket --------------------------------------------------------------------------

    def next_view(self, request, pk):
        """The ticket after this one in the view the agent came from; back to the view when it holds no other."""
        ticket = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, ticket):
            raise PermissionDenied
        return self.redirect_to_next(request, ticket, view_of(request))

    def redirect_to_next(self, request, ticket: Ticket, view: str):
        try:
            following = selectors.next_in_view(view, user=request.user, after=ticket)
        except ValidationError:
            view, following = "", selectors.next_in_view("", user=request.user, after=ticket)
        if following is None:
            self.message_user(request, "No other ticket in this view.", messages.INFO)
            changelist = reverse("admin:tickets_ticket_changelist")
            return HttpResponseRedirect(f"{changelist}?{view}" if view else changelist)
        return HttpResponseRedirect(ticket_url(following.pk, view))


def posted_kind(request) -> str:
    """The kind of message the reply form posted: its button's kind; "Send and next" carries none and sends a reply."""
    return request.POST.get("kind", "") or (MessageKind.REPLY if request.POST.get("and_next") else "")


def reply_collision(request, ticket: Ticket) -> list:
    """Replies other agents sent after the newest message the agent's page showed (``seen``), unless the agent
    confirmed sending anyway: a reply is not sent over them unseen."""
    if posted_kind(request) != MessageKind.REPLY or request.POST.get("confirmed") == "1":
        return []
    seen = request.POST.get("seen", "")
    if not seen.isdigit():
        return []
    return [
        m
        for m in selectors.messages_after(ticket, after_id=int(seen), user=request.user)
        if m.kind == MessageKind.REPLY
    ]
