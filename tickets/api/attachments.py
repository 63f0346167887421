"""Files on tickets, downloaded only through a view that checks who asks: staff who may view tickets (any file), or
the tracking link's holder (the files on their own ticket's request and on its public messages, never on an
internal note). Always served as a download with ``nosniff`` and a sandboxing CSP, so an uploaded HTML or SVG
file cannot run script on our origin; only images whose type the bytes showed may be previewed inline."""

from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework.views import APIView

from tickets.api.permissions import CanWorkTickets
from tickets.api.track import NOT_FOUND, _TrackView
from tickets.filters import hidden_team_ids
from tickets.models import PUBLIC_KINDS, Attachment

# Types checked from the bytes when stored (services/mail.attachments_add); anything else is only ever a download.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
INLINE = OpenApiParameter("inline", bool, required=False, description="Preview an image in the browser.")
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The file, as a download (images inline on request).")


def file_response(attachment: Attachment, *, inline: bool) -> FileResponse:
    inline = inline and attachment.content_type in INLINE_TYPES
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


def _inline(request) -> bool:
    return request.query_params.get("inline") in ("1", "true")


class AttachmentView(APIView):
    permission_classes = [CanWorkTickets]

    @extend_schema(parameters=[INLINE], responses={200: FILE, 404: NOT_FOUND})
    def get(self, request, pk: int):
        hidden = hidden_team_ids(request.user)
        attachment = get_object_or_404(Attachment.objects.exclude(ticket__team__in=hidden), pk=pk)
        return file_response(attachment, inline=_inline(request))


def public_file_response(request, ticket, pk: int) -> FileResponse:
    """A file of ``ticket``'s request or of one of its public messages, as its submitter may download it (the
    tracking link's way in, and "My tickets'"); a note's file, or another ticket's, is a 404."""
    public = Q(message__isnull=True) | Q(message__kind__in=PUBLIC_KINDS)
    attachment = Attachment.objects.filter(public, pk=pk, ticket=ticket).first()
    if attachment is None:
        raise Http404
    return file_response(attachment, inline=_inline(request))


class TrackedAttachmentView(_TrackView):
    @extend_schema(parameters=[INLINE], responses={200: FILE, 404: NOT_FOUND})
    def get(self, request, token: str, pk: int):
        return public_file_response(request, self.ticket(token), pk)
