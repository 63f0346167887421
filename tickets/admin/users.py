"""Staff accounts, roles and login lockouts in the staff workspace (unfold-themed)."""

from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from unfold.admin import ModelAdmin
from unfold.decorators import action, display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

admin.site.unregister(User)
admin.site.unregister(Group)


def locked_out_usernames() -> QuerySet:
    """Usernames whose failed logins within the cool-off reached the limit (django-axes counts per account)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        AccessAttempt.objects.filter(attempt_time__gte=since, username__isnull=False)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .values("username")
    )


class LockedOutFilter(admin.SimpleListFilter):
    title = "login"
    parameter_name = "locked_out"

    def lookups(self, request, model_admin):
        return [("yes", "Locked out"), ("no", "Not locked out")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(locked_out=True)
        if self.value() == "no":
            return queryset.filter(locked_out=False)
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = [*BaseUserAdmin.list_display, "login_locked"]
    list_filter = [*BaseUserAdmin.list_filter, LockedOutFilter]
    actions = ["unlock_login"]

    def get_queryset(self, request):
        locked = locked_out_usernames().filter(username=OuterRef("username"))
        return super().get_queryset(request).annotate(locked_out=Exists(locked))

    @display(description="Login", label={"Locked out": "danger", "OK": "success"}, ordering="locked_out")
    def login_locked(self, obj):
        return "Locked out" if obj.locked_out else "OK"

    @action(description="Unlock login (clear failed attempts)", permissions=["change"])
    def unlock_login(self, request, queryset):
        cleared = sum(reset(username=name) for name in queryset.values_list("username", flat=True))
        self.message_user(request, f"Cleared {cleared} failed-login record(s).", messages.SUCCESS)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, ModelAdmin):
    pass


@admin.register(AccessAttempt)
class AccessAttemptAdmin(BaseAccessAttemptAdmin, ModelAdmin):
    """Failed logins by account and address; deleting a row (or "Unlock") lifts its lockout at once."""

    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    @action(description="Unlock (delete these failed attempts)", permissions=["delete"])
    def unlock(self, request, queryset):
        accounts = Q(username__in=queryset.exclude(username=None).values("username"))
        count, _ = AccessAttempt.objects.filter(accounts | Q(pk__in=queryset.values("pk"))).delete()
        self.message_user(request, f"Unlocked: {count} failed-attempt record(s) deleted.", messages.SUCCESS)
