import pytest

from project.tests.gunicorn_server import free_port
from tickets.tests import llm_server, smtp_server


@pytest.fixture
def llm(settings):
    """A live OpenAI-compatible server; the classifier and reply drafts use it with a 1 s budget."""
    fake = llm_server.FakeLLM()
    server = llm_server.start(fake)
    settings.OPENAI_API_KEY = "test-key"
    settings.OPENAI_BASE_URL = fake.base_url
    settings.OPENAI_MODEL = "fake-model"
    settings.CLASSIFIER_TIMEOUT_S = settings.DRAFT_TIMEOUT_S = 1.0
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port_llm(settings):
    """The classifier is configured for an LLM at a port where nothing listens."""
    settings.OPENAI_API_KEY = "test-key"
    settings.OPENAI_BASE_URL = f"http://127.0.0.1:{free_port()}/v1"
    settings.CLASSIFIER_TIMEOUT_S = settings.DRAFT_TIMEOUT_S = 1.0


@pytest.fixture
def smtp(settings):
    """A live SMTP server on 127.0.0.1; Django sends through it (the worker's sends run at once in tests)."""
    mailbox = smtp_server.Mailbox()
    controller = smtp_server.start(mailbox)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "https://support.example.com"
    mailbox.port = controller.port
    yield mailbox
    controller.stop()
