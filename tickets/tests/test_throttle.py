"""The anonymous create/classify limit: a sliding window counted in the database, shared by every worker."""

import pytest
from rest_framework.test import APIClient

from tickets import services
from tickets.api.throttles import TicketCreateThrottle
from tickets.models import RateCounter, Ticket
from tickets.tests.concurrency import run_together

pytestmark = pytest.mark.django_db

URL = "/api/tickets/"
PAYLOAD = {"title": "Printer", "description": "The printer on floor two jams."}
WINDOW_START = 1_800_000_000  # a minute boundary, in seconds since the epoch


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, set by the test (seconds since the epoch)."""
    now = [WINDOW_START]
    monkeypatch.setattr(TicketCreateThrottle, "timer", lambda self: now[0])
    return now


def post(client, address="10.1.0.1"):
    return client.post(URL, PAYLOAD, REMOTE_ADDR=address)


def test_the_previous_window_fades_out_instead_of_resetting(api_client, settings, clock):
    settings.API_THROTTLE_CREATE = "4/min"
    clock[0] = WINDOW_START + 50
    assert [post(api_client).status_code for _ in range(4)] == [201] * 4
    # A fixed window would allow 4 more at the minute boundary; the sliding one still counts 90 % of the
    # last minute's 4 at 6 s into the next: 4 * 0.9 + 1 = 4.6 > 4.
    clock[0] = WINDOW_START + 66
    refused = post(api_client)
    assert refused.status_code == 429
    # One more fits once 4 * (1 - f) + 2 <= 4, half way through this minute: 24 s from now.
    assert refused["Retry-After"] == "24"
    clock[0] = WINDOW_START + 90
    assert post(api_client).status_code == 201
    assert Ticket.objects.count() == 5


def test_a_client_that_keeps_retrying_waits_longer(api_client, settings, clock):
    settings.API_THROTTLE_CREATE = "2/min"
    clock[0] = WINDOW_START + 10
    responses = [post(api_client) for _ in range(5)]
    assert [r.status_code for r in responses] == [201, 201, 429, 429, 429]
    # 5 hits this minute: the rest of it (50 s), then until 5 * (1 - f) + 1 <= 2 next minute (48 s).
    assert responses[-1]["Retry-After"] == "98"
    clock[0] = WINDOW_START + 108
    assert post(api_client).status_code == 201
    assert Ticket.objects.count() == 3


def test_each_address_and_endpoint_has_its_own_count(api_client, settings, clock):
    settings.API_THROTTLE_CREATE = "1/min"
    settings.API_THROTTLE_CLASSIFY = "1/min"
    assert post(api_client, "10.1.0.1").status_code == 201
    assert post(api_client, "10.1.0.2").status_code == 201
    assert api_client.post(f"{URL}classify/", PAYLOAD, REMOTE_ADDR="10.1.0.1").status_code == 200
    assert post(api_client, "10.1.0.1").status_code == 429
    assert set(RateCounter.objects.values_list("key", flat=True)) == {
        "throttle_ticket_create_10.1.0.1",
        "throttle_ticket_create_10.1.0.2",
        "throttle_ticket_classify_10.1.0.1",
    }


def test_counts_forget_windows_nobody_needs_and_prune_them(monkeypatch):
    assert services.rate_counter_hit(key="a", period=60, now=WINDOW_START + 1) == (1, 0)
    assert services.rate_counter_hit(key="a", period=60, now=WINDOW_START + 59) == (2, 0)
    assert services.rate_counter_hit(key="a", period=60, now=WINDOW_START + 61) == (1, 2)
    assert services.rate_counter_hit(key="a", period=60, now=WINDOW_START + 200) == (1, 0)
    services.rate_counter_hit(key="b", period=60, now=WINDOW_START + 200)
    monkeypatch.setattr(services.throttle, "RATE_COUNTER_PRUNE_CHANCE", 1.0)
    services.rate_counter_hit(key="c", period=60, now=WINDOW_START + 300)
    # "a" and "b" last counted in the window starting at +180, which no longer matters at +300.
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["c"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_from_many_connections_are_all_counted():
    threads, per_thread = 6, 25

    def work(_):
        for _ in range(per_thread):
            services.rate_counter_hit(key="shared", period=3600, now=WINDOW_START)

    run_together(work, threads)
    assert RateCounter.objects.get(key="shared").hits == threads * per_thread


def test_staff_are_not_counted(staff_user, settings):
    settings.API_THROTTLE_CREATE = "1/min"
    client = APIClient()
    client.force_authenticate(staff_user)
    assert [client.post(URL, PAYLOAD).status_code for _ in range(3)] == [201] * 3
    assert not RateCounter.objects.exists()


def test_a_forwarded_for_that_is_no_address_is_still_counted(api_client, settings):
    settings.API_THROTTLE_CREATE = "1/min"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.TRUSTED_PROXIES = ["10.1.0.9"]
    junk = "x" * 500 + "\t\u00e9"
    first = api_client.post(URL, PAYLOAD, REMOTE_ADDR="10.1.0.9", HTTP_X_FORWARDED_FOR=junk)
    again = api_client.post(URL, PAYLOAD, REMOTE_ADDR="10.1.0.9", HTTP_X_FORWARDED_FOR=junk)
    assert (first.status_code, again.status_code) == (201, 429)
    assert RateCounter.objects.get().key.startswith("throttle_ticket_create_sha256:")


def test_a_request_without_an_address_shares_one_count(api_client, settings):
    settings.API_THROTTLE_CREATE = "1/min"
    responses = [api_client.post(URL, PAYLOAD, REMOTE_ADDR=None) for _ in range(2)]
    assert [r.status_code for r in responses] == [201, 429]


def test_ipv6_clients_are_counted_by_their_64(api_client, settings):
    settings.API_THROTTLE_CREATE = "2/min"
    same_64 = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2:abcd:1:2:3"]
    statuses = [api_client.post(URL, PAYLOAD, REMOTE_ADDR=address).status_code for address in same_64]
    assert statuses == [201, 201, 429]
    assert api_client.post(URL, PAYLOAD, REMOTE_ADDR="2001:db8:1:3::1").status_code == 201  # another /64
    assert set(RateCounter.objects.values_list("key", flat=True)) == {
        "throttle_ticket_create_2001:db8:1:2::/64",
        "throttle_ticket_create_2001:db8:1:3::/64",
    }


# The client's address, as the throttle counts it (tickets/api/clientip.py).


def test_anonymous_create_is_throttled_per_address_with_retry_after(api_client, settings):
    settings.API_THROTTLE_CREATE = "2/min"
    payload = {"title": "t", "description": "d"}
    assert api_client.post(URL, payload, REMOTE_ADDR="10.0.0.1").status_code == 201
    assert api_client.post(URL, payload, REMOTE_ADDR="10.0.0.1").status_code == 201
    limited = api_client.post(URL, payload, REMOTE_ADDR="10.0.0.1")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert api_client.post(URL, payload, REMOTE_ADDR="10.0.0.2").status_code == 201
    assert Ticket.objects.count() == 3


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(api_client, settings):
    settings.API_THROTTLE_CREATE = "1/min"
    payload = {"title": "t", "description": "d"}
    first = api_client.post(URL, payload, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.1.1.1")
    spoofed = api_client.post(URL, payload, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert (first.status_code, spoofed.status_code) == (201, 429)


def test_trusted_proxy_count_makes_forwarded_for_the_client_address(api_client, settings):
    settings.API_THROTTLE_CREATE = "1/min"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.TRUSTED_PROXIES = ["10.0.0.9"]
    payload = {"title": "t", "description": "d"}
    a = api_client.post(URL, payload, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.1.1.1")
    b = api_client.post(URL, payload, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="2.2.2.2")
    a_again = api_client.post(URL, payload, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert (a.status_code, b.status_code, a_again.status_code) == (201, 201, 429)


def test_a_client_that_bypasses_the_proxy_cannot_choose_its_address(api_client, settings):
    settings.API_THROTTLE_CREATE = "1/min"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.TRUSTED_PROXIES = ["10.0.0.0/30"]
    payload = {"title": "t", "description": "d"}
    # 10.0.0.77 talks to gunicorn directly: its X-Forwarded-For is dropped, it is counted as itself.
    statuses = [
        api_client.post(URL, payload, REMOTE_ADDR="10.0.0.77", HTTP_X_FORWARDED_FOR=f"1.1.1.{i}").status_code
        for i in range(3)
    ]
    assert statuses == [201, 429, 429]


def test_sign_in_links_and_offered_answers_are_throttled_per_address_apart_from_classify(api_client, settings):
    settings.API_THROTTLE_SIGN_IN = "2/hour"
    settings.API_THROTTLE_CLASSIFY = "2/min"
    ask = {"email": "ann@example.com"}
    statuses = [api_client.post("/api/portal/sign-in/", ask, REMOTE_ADDR="10.0.0.5").status_code for _ in range(3)]
    assert statuses == [202, 202, 429]
    used = api_client.post("/api/portal/session/", {"token": "x" * 43}, REMOTE_ADDR="10.0.0.5")
    assert used.status_code == 429  # using a link counts against the same share: guessing costs too
    body = {"description": "My card was charged twice"}
    answers = [api_client.post("/api/tickets/suggest-answers/", body, REMOTE_ADDR="10.0.0.6") for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    classify = api_client.post("/api/tickets/classify/", body, REMOTE_ADDR="10.0.0.6")
    assert classify.status_code == 200  # its own count: the form asks both at each pause
