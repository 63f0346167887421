"""The state of background work a person started, in the admin: a bulk AI classification queued from the
changelist is "Waiting" on its page until the worker (the real database backend and `db_worker`) runs it,
then "Done" with how many tickets it classified; nobody sees another user's jobs."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tickets.models import Ticket
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_queued_classification_is_followed_to_the_end(client, agent, manager, database_tasks):
    tickets = TicketFactory.create_batch(30, title="Refund", description="I was charged twice", category="general")
    client.force_login(agent)
    response = client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "classify_with_ai", "_selected_action": [t.pk for t in tickets]},
        follow=True,
    )
    page = response.content.decode()
    assert "30 ticket(s) queued for AI classification" in page and reverse("admin:tickets_ticket_jobs") in page

    jobs = client.get(reverse("admin:tickets_ticket_jobs")).content.decode()
    assert '<tr data-state="READY">' in jobs and "<td>30</td>" in jobs and 'http-equiv="refresh"' in jobs
    assert set(Ticket.objects.values_list("category", flat=True)) == {"general"}  # not run yet

    call_command("db_worker", batch=True, verbosity=0)

    jobs = client.get(reverse("admin:tickets_ticket_jobs")).content.decode()
    assert '<tr data-state="SUCCESSFUL">' in jobs and "30 ticket(s) classified" in jobs
    assert 'http-equiv="refresh"' not in jobs
    assert set(Ticket.objects.values_list("category", flat=True)) == {"billing"}

    client.force_login(manager)
    assert "You have started no background job." in client.get(reverse("admin:tickets_ticket_jobs")).content.decode()
