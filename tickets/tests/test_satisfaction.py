"""Customer satisfaction: the resolution email asks "How did we do?" with a signed link per answer; one answer per
resolution, changeable while the link is open; a bad answer with a comment flags the ticket for its team; the
dashboard and the CSV export show the answers."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tickets import selectors, services
from tickets.models import SatisfactionRating, Team, Ticket
from tickets.rules.satisfaction import rating_token

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://support\.example\.com/rate/(\S+)\?rating=(good|bad)")


def resolved(agent, *, title="Printer jams", team=None, category="technical", capture=None) -> Ticket:
    ticket = services.ticket_create(
        title=title, description="It jams.", category=category, priority="medium", submitter_email="ann@example.com",
        classify_ticket=False, tracking=True,
    )  # fmt: skip
    ticket = services.ticket_update(ticket=ticket, data={"assignee": agent, **({"team": team} if team else {})})
    return services.ticket_change_status(ticket=ticket, status="resolved", actor=agent)


def rate(token: str, rating: str, comment: str = "", client=None):
    return (client or APIClient()).post(f"/api/ratings/{token}/", {"rating": rating, "comment": comment}, format="json")


def test_the_resolution_email_links_rate_it_in_one_click_and_the_answer_can_change(
    smtp, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = resolved(agent)
    notice = smtp.received[-1]
    links = {answer: token for token, answer in LINK.findall(notice.get_content())}
    assert set(links) == {"good", "bad"} and links["good"] == links["bad"]  # one link, the answer in the query
    token = links["good"]

    opened = APIClient().get(f"/api/ratings/{token}/").json()
    assert opened["ticket"] == {"id": ticket.pk, "title": "Printer jams"} and opened["rating"] == ""
    assert rate(token, "good").json()["rating"] == "good"
    changed = rate(token, "bad", "The printer jams again.").json()
    assert (changed["rating"], changed["comment"]) == ("bad", "The printer jams again.")
    answer = SatisfactionRating.objects.get()  # changed, not added: one answer per resolution
    assert (answer.rating, answer.agent, answer.category) == ("bad", agent, "technical")
    # The bad answer with a comment flags the ticket: tagged, and in every agent's "Bad ratings" view.
    assert list(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True)) == ["bad-rating"]
    view = services.saved_view_defaults() or next(v for v in selectors.views_for(agent) if v.name == "Bad ratings")
    assert list(selectors.view_tickets(view, user=agent)) == [Ticket.objects.get(pk=ticket.pk)]


def test_a_new_resolution_is_a_new_question_and_old_links_keep_their_own(agent, time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False)
    ticket = resolved(agent)
    first = selectors.rating_token_open(ticket)
    rate(first, "bad", "Still broken")
    services.ticket_change_status(ticket=ticket, status="open", actor=agent)
    assert selectors.rating_token_open(Ticket.objects.get(pk=ticket.pk)) is None  # open: nothing to rate
    time_machine.move_to(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False)
    ticket = services.ticket_change_status(ticket=Ticket.objects.get(pk=ticket.pk), status="resolved", actor=agent)
    second = selectors.rating_token_open(ticket)
    assert second != first
    rate(second, "good")
    assert sorted(SatisfactionRating.objects.values_list("rating", flat=True)) == ["bad", "good"]


def test_a_link_opens_nothing_once_expired_forged_or_mangled(agent, settings, time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False)
    ticket = resolved(agent)
    token = selectors.rating_token_open(ticket)
    assert APIClient().get(f"/api/ratings/{token}/").status_code == 200
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    other = rating_token(ticket.pk + 1, ticket.resolved_at)  # genuine form, but a ticket that does not exist
    for bad in (forged, other, "x" * 300, "not-a-token", token.replace(":", "")):
        assert APIClient().get(f"/api/ratings/{bad}/").status_code == 404, bad
        assert rate(bad, "good").status_code == 404
    time_machine.move_to(datetime(2026, 12, 1, 9, tzinfo=UTC) + timedelta(days=settings.SATISFACTION_DAYS, seconds=1))
    assert APIClient().get(f"/api/ratings/{token}/").status_code == 404
    assert rate(token, "good").status_code == 404
    assert selectors.rating_token_open(Ticket.objects.get(pk=ticket.pk)) is None
    assert not SatisfactionRating.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": "meh"}, "rating"),
        ({}, "rating"),
        ({"rating": ["good"]}, "rating"),
        ({"rating": "good", "comment": "a\x00b"}, "comment"),
        ({"rating": "good", "comment": "x" * 2001}, "comment"),
        ({"rating": "good", "comment": {"a": 1}}, "comment"),
    ],
)
def test_a_bad_answer_is_a_400_that_names_the_field_and_stores_nothing(agent, body, field):
    token = selectors.rating_token_open(resolved(agent))
    response = APIClient().post(f"/api/ratings/{token}/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not SatisfactionRating.objects.exists()


def test_the_tracking_page_asks_once_the_ticket_is_resolved(agent):
    ticket = services.ticket_create(title="VPN", description="Down.", submitter_email="ann@example.com", tracking=True)
    token = ticket.tracking_token
    assert APIClient().get(f"/api/track/{token}/").json()["rating_token"] is None
    services.ticket_change_status(ticket=ticket, status="resolved", actor=agent)
    rating = APIClient().get(f"/api/track/{token}/").json()["rating_token"]
    assert rate(rating, "good").status_code == 200


def test_the_dashboard_gives_csat_per_team_agent_and_category_over_30_and_90_days(
    client, manager, make_staff, time_machine
):
    from tickets.roles import AGENT

    ana, bo = make_staff("ana", AGENT), make_staff("bo", AGENT)
    billing = Team.objects.create(name="Billing")
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    # 60 days ago: ana's billing ticket rated bad (only in the 90-day figures).
    time_machine.move_to(now - timedelta(days=60), tick=False)
    rate(selectors.rating_token_open(resolved(ana, team=billing, category="billing")), "bad", "Took weeks.")
    time_machine.move_to(now - timedelta(days=1), tick=False)
    for agent, answer in ((ana, "good"), (ana, "good"), (bo, "bad")):
        rate(selectors.rating_token_open(resolved(agent, team=billing, category="billing")), answer)
    time_machine.move_to(now, tick=False)

    client.force_login(manager)
    page = client.get(reverse("dashboards:stats")).content.decode()

    def cells(key):
        row = page[page.index(f'data-csat="{key}"') :].split("</tr>")[0]
        return re.findall(r'data-period="\d">([^<]*)<', row)

    assert cells("Overall:All answers") == ["67% of 3 answers", "50% of 4 answers"]
    assert cells("Team:Billing") == ["67% of 3 answers", "50% of 4 answers"]
    assert cells("Agent:ana") == ["100% of 2 answers", "67% of 3 answers"]
    assert cells("Agent:bo") == ["0% of 1 answer", "0% of 1 answer"]
    assert cells("Category:Billing") == ["67% of 3 answers", "50% of 4 answers"]
    assert "Took weeks." in page  # a bad answer's comment


def test_the_csv_export_carries_the_answer(client, manager, agent):
    rate(selectors.rating_token_open(resolved(agent, title="Rated")), "good")
    resolved(agent, title="Unrated")
    client.force_login(manager)
    body = b"".join(client.get(reverse("admin:tickets_ticket_export")).streaming_content).decode("utf-8-sig")
    rows = {row["title"]: row["satisfaction"] for row in csv.DictReader(io.StringIO(body))}
    assert rows == {"Rated": "good", "Unrated": ""}
