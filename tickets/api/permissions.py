"""Who may use the staff endpoints: the same model permissions the admin checks, never ``is_staff`` alone.

A staff account with no role can log in but reads and changes nothing until a group or permission grants it.
"""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions, IsAdminUser

from tickets.roles import DASHBOARD_PERMISSION


class StaffModelPermissions(DjangoModelPermissions):
    """Staff only; GET needs the model's view permission (DRF's own map asks for nothing on reads)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        return IsAdminUser().has_permission(request, view) and super().has_permission(request, view)


class CanViewDashboard(IsAdminUser):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.has_perm(DASHBOARD_PERMISSION)


class CanWorkTickets(IsAdminUser):
    """A ticket's thread: reading needs view_ticket, writing a reply or note change_ticket."""

    def has_permission(self, request, view):
        needed = "tickets.view_ticket" if request.method in SAFE_METHODS else "tickets.change_ticket"
        return super().has_permission(request, view) and request.user.has_perm(needed)


class CanSeeStaff(IsAdminUser):
    """The list of staff to assign tickets to: anyone who may view tickets."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.has_perm("tickets.view_ticket")
