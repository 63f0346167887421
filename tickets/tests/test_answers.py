"""Answers offered while a customer writes: canned responses that fit and replies staff published ("faq"), never
another customer's conversation otherwise; each form counted once, and whether it was submitted anyway."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tickets import services
from tickets.models import AnswerSuggestion, CannedResponse, MessageKind, Team

pytestmark = pytest.mark.django_db
URL = "/api/tickets/suggest-answers/"
PASSWORD = {"title": "Forgot my password", "description": "I forgot my password and cannot sign in any more."}


def answered(title: str, reply: str, agent, *, tags=(), status="resolved", team=None):
    ticket = services.ticket_create(title=title, description="Help.", category="account", priority="low")
    services.message_add(ticket=ticket, kind=MessageKind.REPLY, body=reply, author=agent)
    data = {"status": status, "tags": list(tags), **({"team": team} if team else {})}
    return services.ticket_update(ticket=ticket, data=data, actor=agent)


def test_a_fitting_canned_response_is_offered_as_the_team_wrote_it_for_anyone():
    CannedResponse.objects.create(
        title="Resetting your password",
        body="Use 'Forgot password' on the sign-in page, {agent_name}. Your {ticket_title} request is noted.",
        category="account",
    )
    CannedResponse.objects.create(title="Refunds", body="Refunds take five days.", category="billing")
    body = APIClient().post(URL, PASSWORD, format="json").json()
    assert [a["title"] for a in body["answers"]] == ["Resetting your password"]
    assert body["answers"][0]["body"] == (
        "Use 'Forgot password' on the sign-in page, The support team. Your Forgot my password request is noted."
    )


def test_only_replies_staff_published_as_faq_are_offered(agent):
    answered("Forgot my password again", "Press 'Forgot password' and follow the email.", agent, tags=["faq"])
    answered("Forgot my password today", "Ann, I reset it to Summer2026 for you.", agent)  # a private answer
    answered("Forgot my password, still open", "Looking into it.", agent, tags=["faq"], status="open")
    hr = Team.objects.create(name="HR", private=True)
    answered("Forgot my password for payroll", "Payroll passwords: ask HR.", agent, tags=["faq"], team=hr)
    answers = APIClient().post(URL, PASSWORD, format="json").json()["answers"]
    assert [(a["title"], a["source"]) for a in answers] == [("Forgot my password again", "faq")]
    assert "Summer2026" not in str(answers)


def test_each_form_is_counted_once_and_the_dashboard_says_how_many_still_submitted(client, manager, agent):
    answered("Forgot my password again", "Press 'Forgot password'.", agent, tags=["faq"])
    api = APIClient()
    first = api.post(URL, PASSWORD, format="json").json()
    again = api.post(URL, {**PASSWORD, "key": first["key"]}, format="json").json()
    assert again["key"] == first["key"] and AnswerSuggestion.objects.count() == 1
    other = api.post(URL, PASSWORD, format="json").json()  # another form
    created = api.post("/api/tickets/", {**PASSWORD, "answers_key": other["key"]}, format="json")
    assert created.status_code == 201
    assert AnswerSuggestion.objects.get(key=other["key"]).ticket_id == created.json()["id"]
    nothing = api.post(URL, {"title": "Zebra", "description": "Quokka xylophone hums loudly."}, format="json").json()
    assert nothing == {"key": "", "answers": []} and AnswerSuggestion.objects.count() == 2  # no answers: not counted

    client.force_login(manager)
    page = client.get(reverse("dashboards:stats")).content.decode()
    assert 'data-shown="2" data-submitted="1"' in page and "<strong>50%</strong> did not" in page


@pytest.mark.parametrize(
    "body",
    [{"title": "x"}, {"description": ["a"]}, {"description": "ok enough", "key": "../../etc"}, {"description": "\x00"}],
)
def test_bad_input_is_a_400(body):
    assert APIClient().post(URL, body, format="json").status_code == 400


def test_a_malformed_answers_key_on_a_ticket_is_a_400_and_stores_nothing():
    response = APIClient().post("/api/tickets/", {**PASSWORD, "answers_key": "nope"}, format="json")
    assert response.status_code == 400 and "answers_key" in response.json()
