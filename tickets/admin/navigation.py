"""Where a one-click admin action returns: the page it was clicked on, if that page is ours."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def back_to(request, default: str) -> HttpResponseRedirect:
    """The posted ``next`` or the Referer when it is on this host (never an open redirect), else ``default``."""
    back = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = default
    return HttpResponseRedirect(back)
