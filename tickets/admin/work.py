"""Working a ticket in the admin: who owns it (one-click "Assign to me", bulk assignment, filters) and its
conversation (the thread on the change page, with a box for a reply or an internal note)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from unfold.decorators import action, display

from tickets import selectors, services
from tickets.admin.desk import posted_kind, reply_collision, ticket_url, view_of
from tickets.admin.navigation import back_to
from tickets.admin.rows import row_url
from tickets.models import MessageKind, Status, Ticket
from tickets.rules.sla import LABELS as SLA_LABELS
from tickets.rules.sla import sla_state
from tickets.services.tickets import WAITING

TRACKING_REISSUE_MAX = 500  # one action's worth: each new link is a row lock, a history entry and maybe an email
SLA_COLOURS = {"ok": "success", "due_soon": "warning", "breached": "danger", "met": "info", "paused": "info"}

SUGGESTION_MESSAGES = {
    "llm": "Draft by the AI: read and edit it before sending. Nothing is sent until you click Send reply.",
    "canned": "No AI draft right now; here is the closest canned response, \u201c{title}\u201d.",
    "none": "No AI draft right now, and no canned response fits this ticket: please write your own.",
}


class TicketWorkMixin:
    """Mixed into TicketAdmin; every write goes through the services."""

    change_form_outer_after_template = "tickets/admin/thread.html"

    # --- columns -------------------------------------------------------------------------------

    @display(description="Assignee", ordering="assignee__username")
    def assignee_column(self, obj):
        if obj.assignee_id:
            return obj.assignee.get_username()
        url = row_url("admin:tickets_ticket_assign_me", obj.pk)
        return format_html(
            '<button type="submit" class="ticket-quick-move ticket-assign-me" formaction="{}">Assign to me</button>',
            url,
        )

    @display(description="Due", ordering="sla_due_at", label=SLA_COLOURS)
    def due_column(self, obj):
        state = sla_state(obj, timezone.now())
        if state is None:
            return None
        if obj.sla_due_at is None:
            return state, SLA_LABELS[state]
        return state, f"{SLA_LABELS[state]} \u00b7 {naturaltime(obj.sla_due_at)}"

    @display(description="Customer", label={"replied": "warning"})
    def customer_flag(self, obj):
        return "replied" if obj.customer_replied else ""

    # --- pages ---------------------------------------------------------------------------------

    def work_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/assign-me/", view(require_POST(self.assign_me_view)), name="tickets_ticket_assign_me"),
            path("<int:pk>/messages/", view(require_POST(self.add_message_view)), name="tickets_ticket_add_message"),
            path("<int:pk>/new-link/", view(require_POST(self.new_link_view)), name="tickets_ticket_new_link"),
            path(
                "<int:pk>/suggest-reply/",
                view(require_POST(self.suggest_reply_view)),
                name="tickets_ticket_suggest_reply",
            ),
        ]

    def _ticket_to_change(self, request, pk) -> Ticket:
        ticket = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, ticket):
            raise PermissionDenied
        return ticket

    def assign_me_view(self, request, pk):
        ticket = self._ticket_to_change(request, pk)
        services.ticket_update(ticket=ticket, data={"assignee": request.user}, actor=request.user)
        self.message_user(request, f"{ticket} is now yours.", messages.SUCCESS)
        return back_to(request, reverse("admin:tickets_ticket_changelist"))

    def new_link_view(self, request, pk):
        """The submitter's tracking link leaked: a new one, emailed to them; the old one opens nothing from now."""
        ticket = self._ticket_to_change(request, pk)
        self._new_links(request, [ticket])
        return back_to(request, reverse("admin:tickets_ticket_change", args=[ticket.pk]))

    def _new_links(self, request, tickets) -> None:
        emailed = sum(bool(t.submitter_email) for t in tickets)
        for ticket in tickets:
            services.tracking_reissue(ticket=ticket, actor=request.user)
        self.message_user(
            request,
            f"{len(tickets)} ticket(s) have a new tracking link; the old links no longer open them. "
            f"{emailed} new link(s) will be emailed to the submitter (tickets without an address get none).",
            messages.SUCCESS,
        )

    def add_message_view(self, request, pk):
        ticket = self._ticket_to_change(request, pk)
        kind = posted_kind(request)
        view = view_of(request)
        change_page = ticket_url(ticket.pk, view)
        if kind not in (MessageKind.REPLY, MessageKind.NOTE):
            self.message_user(request, "Choose a reply or a note.", messages.ERROR)
            return HttpResponseRedirect(change_page)
        if others := reply_collision(request, ticket):
            # Someone answered while this agent was writing: nothing is sent; the draft waits in the box.
            request.session[f"reply-draft-{ticket.pk}"] = request.POST.get("body", "")[:10000]
            said = "; ".join(
                f"{m.author.get_username()} replied at {timezone.localtime(m.created_at):%H:%M}: "
                f"\u201c{m.body[:300]}\u201d"
                for m in others
            )
            self.message_user(
                request,
                f"Not sent: {said}. Your reply is still in the box; send it again if it still applies.",
                messages.WARNING,
            )
            return HttpResponseRedirect(change_page + "#reply")
        try:
            files = services.uploads_read(request.FILES.getlist("attachments"))
            services.message_add(
                ticket=ticket, kind=kind, body=request.POST.get("body", ""), author=request.user, files=files
            )
        except ValidationError as error:
            texts = [m for ms in getattr(error, "message_dict", {"body": error.messages}).values() for m in ms]
            self.message_user(request, "Nothing was added: " + " ".join(texts), messages.ERROR)
            return HttpResponseRedirect(change_page)
        then = request.POST.get("set_status", "")
        if kind == MessageKind.REPLY and then == WAITING:  # a question asked: the SLA waits for the answer
            services.ticket_update(ticket=ticket, data={WAITING: True}, actor=request.user)
        elif kind == MessageKind.REPLY and then in Status.values and then != ticket.status:
            services.ticket_change_status(ticket=ticket, status=then, actor=request.user)  # the canned reply's move
        sent = " It will be emailed to the submitter." if kind == MessageKind.REPLY and ticket.submitter_email else ""
        noun = "Reply" if kind == MessageKind.REPLY else "Internal note"
        moved = (
            f" {ticket} is now {Status(then).label.lower()}." if then in Status.values and then != ticket.status else ""
        )
        if kind == MessageKind.REPLY and then == WAITING:
            moved = f" {ticket} waits on the customer: its SLA is paused until they answer."
        self.message_user(request, f"{noun} added.{sent}{moved}", messages.SUCCESS)
        if request.POST.get("and_next"):
            return self.redirect_to_next(request, ticket, view)
        return HttpResponseRedirect(change_page + "#reply")

    def suggest_reply_view(self, request, pk):
        """JSON for the reply box: the AI's draft, else the closest canned response, else nothing. Never sends."""
        ticket = self._ticket_to_change(request, pk)
        suggestion = selectors.reply_suggest(ticket=ticket, agent=request.user)
        title = suggestion.canned.title if suggestion.canned else ""
        return JsonResponse(
            {**suggestion.as_dict(), "message": SUGGESTION_MESSAGES[suggestion.source].format(title=title)}
        )

    def thread_context(self, request, object_id) -> dict:
        ticket = self.get_queryset(request).filter(pk=object_id).first() if object_id and object_id.isdigit() else None
        if ticket is None:
            return {}
        page = request.GET.get("thread_page", "1")
        thread = selectors.ticket_thread_page(ticket, public=False, page=int(page) if page.isdigit() else 1)
        return {
            **self.desk_context(request, ticket),
            "request_files": selectors.request_files(ticket),
            "upload_limits": {
                "count": settings.ATTACHMENTS_MAX,
                "megabytes": settings.ATTACHMENT_MAX_BYTES // 1_048_576,
            },
            "thread": thread.messages,
            # The newest message the page shows: a reply sent over a later one by someone else asks first.
            "newest_message_id": thread.messages[-1].pk
            if thread.page == 1 and thread.messages
            else ticket.messages.order_by("-id").values_list("pk", flat=True).first(),
            "thread_page": thread,
            "thread_ticket": ticket,
            "can_write": self.has_change_permission(request, ticket),
            "canned": selectors.canned_for(ticket, agent=request.user),
            # Looked up only if the page is rendered: a save that redirects never pays for it.
            "similar": SimpleLazyObject(lambda: selectors.similar_tickets(ticket, user=request.user)),
        }

    # --- bulk actions ----------------------------------------------------------------------------

    @action(description="Send a new tracking link (the old one stops working)", permissions=["change"])
    def new_tracking_links(self, request, queryset):
        self._new_links(request, list(queryset[:TRACKING_REISSUE_MAX]))

    @action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._assign(request, queryset, request.user)

    @action(description="Assign to…", permissions=["change"])
    def assign_to(self, request, queryset):
        """A page to choose the agent, then back here with the choice (Django's intermediate-page pattern)."""
        if "assignee" in request.POST:
            choice = request.POST["assignee"]
            agent = selectors.active_staff().filter(pk=choice).first() if choice.isdigit() else None
            if choice != "none" and agent is None:
                self.message_user(request, "Choose an active staff member.", messages.ERROR)
                return None
            self._assign(request, queryset, agent)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Assign tickets",
            "tickets": queryset[:200],
            "count": queryset.count(),
            "agents": selectors.active_staff(),
            "selected": request.POST.getlist("_selected_action"),
            "select_across": request.POST.get("select_across", "0"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "tickets/admin/assign_to.html", context)

    def _assign(self, request, queryset, agent):
        changed, refused = 0, []
        for ticket in queryset.exclude(assignee=agent) if agent else queryset.exclude(assignee=None):
            try:
                services.ticket_update(ticket=ticket, data={"assignee": agent}, actor=request.user)
            except ValidationError as error:
                refused.append(f"#{ticket.pk}: {' '.join(error.messages)}")
                continue
            changed += 1
        who = agent.get_username() if agent else "nobody"
        self.message_user(request, f"{changed} ticket(s) assigned to {who}.", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not assigned: " + "; ".join(refused[:5]), messages.ERROR)
