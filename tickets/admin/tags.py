"""Tags in the staff workspace: the filter, the bulk "Tag or untag" action, and the tags' colours (managers)."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from unfold.admin import ModelAdmin
from unfold.decorators import action

from tickets import services
from tickets.filters import filter_tags
from tickets.models import Tag

TAGS_IN_FILTER = 100  # the filter lists the first hundred by name; any tag can still be typed into ?tag=


@admin.register(Tag)
class TagAdmin(ModelAdmin):
    list_display = ["name", "colour", "created_at"]
    list_editable = ["colour"]
    search_fields = ["name"]
    fields = ["name", "colour"]
    readonly_fields = ["name"]  # a tag is named where it is used; renaming here would rewrite every history

    def has_add_permission(self, request):
        return False  # agents coin tags on tickets


class TagFilter(admin.SimpleListFilter):
    """Any of the chosen tag (the API's ``tag=``)."""

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return [(name, name) for name in Tag.objects.values_list("name", flat=True)[:TAGS_IN_FILTER]]

    def queryset(self, request, queryset):
        return filter_tags(queryset, self.value(), every=False) if self.value() else queryset


class TicketTagsMixin:
    """Mixed into TicketAdmin: add and remove tags on the selected tickets, through the services."""

    @action(description="Tag or untag…", permissions=["change"])
    def tag_tickets(self, request, queryset):
        """A page to type the tags to add and to remove, then back here (Django's intermediate-page pattern)."""
        if "tags_add" in request.POST:
            split = lambda field: [n for n in request.POST.get(field, "").split(",") if n.strip()]  # noqa: E731
            changed = services.ticket_tags_change(
                ticket_ids=queryset.values_list("pk", flat=True),
                add=split("tags_add"),
                remove=split("tags_remove"),
                actor=request.user,
            )
            self.message_user(request, f"{changed} ticket(s) changed.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Tag or untag tickets",
            "tickets": queryset[:200],
            "count": queryset.count(),
            "tags": Tag.objects.all()[:TAGS_IN_FILTER],
            "selected": request.POST.getlist("_selected_action"),
            "select_across": request.POST.get("select_across", "0"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "tickets/admin/tag_tickets.html", context)
