import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.production")

application = get_wsgi_application()

# The local classifier's model is loaded now, not by the first request; a missing file stops the start here,
# saying which command builds it.
from tickets.classifier.local import load_at_start  # noqa: E402 (needs the application set up)

load_at_start()
