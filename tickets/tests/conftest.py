import pytest

from project.tests.gunicorn_server import free_port
from tickets.tests import llm_server


@pytest.fixture
def llm(settings):
    """A live OpenAI-compatible server; the classifier is configured to use it with a 1 s budget."""
    fake = llm_server.FakeLLM()
    server = llm_server.start(fake)
    settings.OPENAI_API_KEY = "test-key"
    settings.OPENAI_BASE_URL = fake.base_url
    settings.OPENAI_MODEL = "fake-model"
    settings.CLASSIFIER_TIMEOUT_S = 1.0
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port_llm(settings):
    """The classifier is configured for an LLM at a port where nothing listens."""
    settings.OPENAI_API_KEY = "test-key"
    settings.OPENAI_BASE_URL = f"http://127.0.0.1:{free_port()}/v1"
    settings.CLASSIFIER_TIMEOUT_S = 1.0
