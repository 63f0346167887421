"""Shared fixtures. The suite runs on PostgreSQL only (DATABASE_URL); it stops with a clear message without it."""

from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tickets.roles import AGENT, MANAGER


def pytest_configure(config):
    import psycopg

    db = settings.DATABASES["default"]
    if db["ENGINE"] not in ("django.db.backends.postgresql", "project.database"):
        raise pytest.UsageError("The test suite runs on PostgreSQL only: set DATABASE_URL=postgres://...")
    try:
        psycopg.connect(
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError as exc:
        raise pytest.UsageError(
            f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']} as {db['USER']!r} ({exc}). "
            "Start it, or point DATABASE_URL at one."
        ) from exc

    # Processes only load the classifier's model; `make install` builds it, and so does a bare `pytest`.
    from tickets.classifier import local

    local.build_base_model()


@pytest.fixture(autouse=True)
def _isolated_classifier_state(settings):
    """Each test starts with closed circuit breakers and an empty cache (login lockouts)."""
    from django.core.cache import cache

    from tickets.classifier import client, drafts
    from tickets.classifier.service import breaker

    breaker.reset()
    drafts.breaker.reset()
    client._schema_refused.clear()
    cache.clear()
    yield
    breaker.reset()
    drafts.breaker.reset()


@pytest.fixture
def make_staff(django_user_model):
    """make_staff("name", role) -> a staff user in one of the roles the migrations create."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from tickets.roles import ensure_roles

    def make(username: str, role: str, password: str = "pass-123-word"):
        ensure_roles(apps)  # a transactional test before this one may have flushed them
        user = django_user_model.objects.create_user(username, f"{username}@example.com", password, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def staff_user(make_staff):
    """A staff member with the Manager role: every staff endpoint and page is open to it."""
    return make_staff("staff", MANAGER, password="staff-pass-123")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def staff_client(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


@pytest.fixture
def agent(make_staff):
    """A member of the "Support agent" role created by the migrations."""
    return make_staff("agent", AGENT)


@pytest.fixture
def manager(make_staff):
    """A member of the "Manager" role created by the migrations."""
    return make_staff("manager", MANAGER)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TEST_OUTPUT = Path(__file__).resolve().parent / "test-output"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser is ever downloaded)."""
    import os

    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise pytest.UsageError(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def another_page(browser):
    """another_page() -> a page in a browser context of its own (a second agent, a customer), closed with the test;
    another_page(width=390, height=844) for a phone's screen (touch, as phones have); ``bypass_csp`` lets a test
    inject a checker (axe-core) into our pages, whose CSP refuses inline script."""
    contexts = []

    def make(width: int = 1400, height: int = 1000, *, bypass_csp: bool = False):
        phone = width < 600
        context = browser.new_context(
            viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone, bypass_csp=bypass_csp
        )
        contexts.append(context)
        made = context.new_page()
        made.set_default_timeout(15_000)
        return made

    yield make
    for context in contexts:
        _close_quietly(context)


@pytest.fixture
def page(another_page):
    return another_page()


def _close_quietly(context) -> None:
    """Close a browser context without a request reaching the server afterwards: an open ticket page polls it
    (and says goodbye on leaving), and a write landing while the next test empties the tables can deadlock
    with it. Its requests are refused first, then it leaves, then a moment lets any request in flight end."""
    context.route("**/*", lambda route: route.abort())
    for open_page in context.pages:
        open_page.goto("about:blank")
    if context.pages:
        context.pages[0].wait_for_timeout(300)
    context.close()


@pytest.fixture
def screenshot(page, request):
    """screenshot("name") saves the page under test-output/screenshots/<test name>/."""
    folder = TEST_OUTPUT / "screenshots" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
