"""Saved views in the staff workspace: "Save this view" on the ticket list, the views in the sidebar with their open
counts, and the views' own page (agents edit their own; managers every shared one)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin
from unfold.decorators import display

from tickets import selectors, services
from tickets.filters import view_query
from tickets.models import SavedView
from tickets.roles import VIEW_TICKET

CHANGE_ANY_VIEW = "tickets.change_savedview"
DELETE_ANY_VIEW = "tickets.delete_savedview"


def views_group(request) -> list[dict]:
    """The sidebar's "Views" group for unfold's navigation: each view the agent sees, with its open count."""
    user = request.user
    if not user.is_active or not user.is_staff or not user.has_perm(VIEW_TICKET):
        return []
    views = list(selectors.views_for(user))
    counts = selectors.view_counts(views, user=user)
    changelist = reverse("admin:tickets_ticket_changelist")
    here = request.path == changelist and _kept_query(request.GET.urlencode())
    fresh = reverse("admin:tickets_ticket_view_counts")
    items = [
        {
            # unfold draws the title as HTML: the name escaped, then the count the sidebar's script refreshes.
            "title": format_html(
                '<span class="ticket-view-name">{}</span><span class="ticket-view-count" data-view-badge="{}" '
                'data-view-counts="{}" title="Open tickets in this view">{}</span>',
                view.name,
                view.pk,
                fresh,
                counts[view.pk],
            ),
            "icon": "person" if view.owner_id else "inbox",
            "link": f"{changelist}?{view.query}" if view.query else changelist,
            "active": here is not None and here == view.query,
        }
        for view in views
    ]
    items.append({"title": "Manage views", "icon": "tune", "link": reverse("admin:tickets_savedview_changelist")})
    return [{"title": "Views", "items": items}]


def _kept_query(text: str) -> str | None:
    try:
        return view_query(text).urlencode()
    except ValidationError:
        return None


class SavedViewForm(forms.ModelForm):
    class Meta:
        model = SavedView
        fields = ["name", "query", "shared", "position"]
        help_texts = {"query": "The ticket list's filters, search and ordering, as in its address after the ?."}

    def clean_query(self):
        try:
            return view_query(self.cleaned_data.get("query") or "").urlencode()
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


@admin.register(SavedView)
class SavedViewAdmin(ModelAdmin):
    form = SavedViewForm
    list_display = ["name", "open_link", "owner", "shared", "position"]
    list_editable = []
    ordering = ["position", "name"]

    @display(description="Tickets")
    def open_link(self, obj):
        url = reverse("admin:tickets_ticket_changelist") + (f"?{obj.query}" if obj.query else "")
        return format_html('<a href="{}">{}</a>', url, obj.query or "(all tickets)")

    def get_queryset(self, request):
        views = super().get_queryset(request).select_related("owner")
        return (
            views
            if request.user.has_perm(CHANGE_ANY_VIEW)
            else views.filter(owner=request.user.pk) | views.filter(shared=True)
        )

    def get_fields(self, request, obj=None):
        fields = ["name", "query", "shared"]
        return [*fields, "position"] if request.user.has_perm(CHANGE_ANY_VIEW) else fields

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("tickets.add_savedview") or request.user.has_perm(CHANGE_ANY_VIEW)
        return obj.owner_id == request.user.pk or (obj.shared and request.user.has_perm(CHANGE_ANY_VIEW))

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("tickets.add_savedview") or request.user.has_perm(DELETE_ANY_VIEW)
        return obj.owner_id == request.user.pk or (obj.shared and request.user.has_perm(DELETE_ANY_VIEW))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.saved_view_save(
            owner=obj.owner if change else request.user,
            name=data["name"],
            query=data["query"],
            shared=data.get("shared", False),
            view=obj if change else None,
        )
        if "position" in data and data["position"] != saved.position:
            services.saved_view_move(view=saved, position=data["position"])
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.saved_view_delete(view=obj)

    def delete_queryset(self, request, queryset):
        for view in queryset:
            if self.has_delete_permission(request, view):
                services.saved_view_delete(view=view)


class TicketViewsMixin:
    """Mixed into TicketAdmin: save the list as it is shown, and the sidebar's fresh counts."""

    list_before_template = "tickets/admin/save_view.html"

    def views_urls(self):
        view = self.admin_site.admin_view
        return [
            path("save-view/", view(require_POST(self.save_view_view)), name="tickets_ticket_save_view"),
            path("view-counts/", view(self.view_counts_view), name="tickets_ticket_view_counts"),
        ]

    def save_view_view(self, request):
        changelist = reverse("admin:tickets_ticket_changelist")
        query = request.POST.get("query", "")
        if not (self.has_view_permission(request) and request.user.has_perm("tickets.add_savedview")):
            raise PermissionDenied
        try:
            saved = services.saved_view_save(
                owner=request.user, name=request.POST.get("name", ""), query=query, shared="shared" in request.POST
            )
        except ValidationError as error:
            texts = [m for ms in error.message_dict.values() for m in ms]
            self.message_user(request, "The view was not saved: " + " ".join(texts), messages.ERROR)
            return HttpResponseRedirect(changelist + (f"?{_kept_query(query)}" if _kept_query(query) else ""))
        self.message_user(request, f"Saved \u201c{saved.name}\u201d: it is in the sidebar.", messages.SUCCESS)
        return HttpResponseRedirect(changelist + (f"?{saved.query}" if saved.query else ""))

    def view_counts_view(self, request):
        """Every view's open count, counted now (the sidebar's script asks once a minute)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        views = list(selectors.views_for(request.user))
        counts = selectors.view_counts(views, user=request.user, fresh=True)
        return JsonResponse({"counts": {str(pk): count for pk, count in counts.items()}})
