"""The provider's door for email in: Mailgun's inbound route (forward to this URL), through django-anymail's
normalized inbound handling, which checks Mailgun's signature (HMAC of timestamp and token with the webhook
signing key) before anything is read. The raw MIME goes to the same service as the IMAP and pipe doors."""

from anymail.signals import inbound
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt

from tickets import services
from tickets.models import Transport


@csrf_exempt
def mailgun_inbound(request, *args, **kwargs):
    """404 unless MAILGUN_WEBHOOK_SIGNING_KEY is set; then anymail's view: 400 for a bad signature, 200 once the
    message is stored (or deliberately ignored), a 5xx that Mailgun retries when the database is down."""
    if not settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
        raise Http404
    return MailgunInboundWebhookView.as_view()(request, *args, **kwargs)


def store_inbound(sender, event, esp_name, **kwargs):
    request = event.esp_event
    raw_mime = request.POST.get("body-mime") if hasattr(request, "POST") else None
    raw = raw_mime.encode("utf-8") if raw_mime else event.message.as_bytes()
    services.mail_receive(raw=raw, transport=Transport.WEBHOOK)


inbound.connect(store_inbound, dispatch_uid="cootrack-mail-in")
