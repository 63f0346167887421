"""Who may use the staff endpoints: the same model permissions the admin checks, never ``is_staff`` alone.

A staff account with no role can log in but reads and changes nothing until a group or permission grants it.
"""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions, IsAdminUser

from tickets.roles import CHANGE_TICKET, DASHBOARD_PERMISSION, VIEW_CANNED, VIEW_TICKET


class StaffModelPermissions(DjangoModelPermissions):
    """Staff only; GET needs the model's view permission (DRF's own map asks for nothing on reads)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        return IsAdminUser().has_permission(request, view) and super().has_permission(request, view)


class StaffWith(IsAdminUser):
    """Staff holding ``permission`` (for writes, ``write_permission`` when one is set)."""

    permission: str
    write_permission: str | None = None

    def has_permission(self, request, view):
        writes = request.method not in SAFE_METHODS and self.write_permission
        needed = self.write_permission if writes else self.permission
        return super().has_permission(request, view) and request.user.has_perm(needed)


class CanViewDashboard(StaffWith):
    permission = DASHBOARD_PERMISSION


class CanWorkTickets(StaffWith):
    """A ticket's thread: reading needs view_ticket, writing a reply or note change_ticket."""

    permission = VIEW_TICKET
    write_permission = CHANGE_TICKET


class CanSeeStaff(StaffWith):
    """The list of staff to assign tickets to: anyone who may view tickets."""

    permission = VIEW_TICKET


class CanSeeCanned(StaffWith):
    permission = VIEW_CANNED
