from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from tickets.api.attachments import AttachmentView, TrackedAttachmentView
from tickets.api.inbound import mailgun_inbound
from tickets.api.meta import MetaView
from tickets.api.portal import (
    CustomerAttachmentView,
    CustomerMessageView,
    CustomerSessionView,
    CustomerTicketListView,
    CustomerTicketView,
    SignInRequestView,
)
from tickets.api.satisfaction import RatingView
from tickets.api.staff import AgentListView, CannedResponseListView
from tickets.api.track import TrackedMessageView, TrackedTicketView
from tickets.api.views import TicketViewSet

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")

# A tracking token is 43 URL-safe characters; anything else reaches the view too, which answers 404 alike.
TRACK = "track/<str:token>/"

urlpatterns = [
    *router.urls,
    path("agents/", AgentListView.as_view(), name="agents"),
    path("meta/", MetaView.as_view(), name="meta"),
    path("canned-responses/", CannedResponseListView.as_view(), name="canned-responses"),
    path(TRACK, TrackedTicketView.as_view(), name="track"),
    path(f"{TRACK}messages/", TrackedMessageView.as_view(), name="track-messages"),
    path(f"{TRACK}attachments/<int:pk>/", TrackedAttachmentView.as_view(), name="track-attachment"),
    path("attachments/<int:pk>/", AttachmentView.as_view(), name="attachment"),
    path("ratings/<str:token>/", RatingView.as_view(), name="rating"),
    # The customer's "My tickets" (tickets/api/portal.py).
    path("portal/sign-in/", SignInRequestView.as_view(), name="portal-sign-in"),
    path("portal/session/", CustomerSessionView.as_view(), name="portal-session"),
    path("portal/tickets/", CustomerTicketListView.as_view(), name="portal-tickets"),
    path("portal/tickets/<int:pk>/", CustomerTicketView.as_view(), name="portal-ticket"),
    path("portal/tickets/<int:pk>/messages/", CustomerMessageView.as_view(), name="portal-messages"),
    path(
        "portal/tickets/<int:pk>/attachments/<int:attachment>/",
        CustomerAttachmentView.as_view(),
        name="portal-attachment",
    ),
    # Mailgun's route "forward()" to .../inbound/ (parsed) or .../inbound_mime/ (raw MIME, preferred).
    re_path(r"^email/mailgun/inbound(_mime)?/$", mailgun_inbound, name="email-inbound-mailgun"),
]
