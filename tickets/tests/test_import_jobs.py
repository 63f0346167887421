"""Large imports go to the background worker: every row checked with progress and line numbers, nothing written
until a valid file is confirmed, then written all or nothing. (Tasks run at once in tests.)"""

import io

import pytest
from django.urls import reverse

from tickets.models import AuditEntry, ImportJob, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "title,description,category,priority,status\n"


def upload(client, content: str, name="big.csv"):
    file = io.BytesIO(content.encode())
    file.name = name
    return client.post(reverse("admin:tickets_ticket_import"), {"format": "0", "import_file": file})


@pytest.fixture
def manager_client(client, manager, settings):
    settings.IMPORT_INLINE_ROWS = 5
    client.force_login(manager)
    return client


def test_a_large_valid_file_is_checked_then_written_after_confirmation(manager_client, manager):
    rows = "".join(f"Printer {i},Jams on page {i},technical,low,open\n" for i in range(12))
    response = upload(manager_client, HEADER + rows)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:tickets_importjob_change", args=[job.pk]
    )
    assert (job.state, job.rows_total, job.rows_done, job.errors) == ("ready", 12, 12, [])
    assert len(job.preview) == 10 and job.preview[0]["title"] == "Printer 0"
    assert not Ticket.objects.exists()  # checked, not written

    page = manager_client.get(response["Location"]).content.decode()
    assert "Import 12 rows" in page and "Printer 0" in page and "Traceback" not in page
    manager_client.post(reverse("admin:tickets_importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.created, job.rows_done, job.content) == ("done", 12, 12, "")
    assert Ticket.objects.count() == 12
    audit = AuditEntry.objects.get()
    assert (audit.action, audit.actor, audit.rows, audit.detail["background"]) == ("import", manager, 12, True)
    # Confirming twice writes nothing more.
    manager_client.post(reverse("admin:tickets_importjob_confirm", args=[job.pk]))
    assert Ticket.objects.count() == 12


def test_every_error_is_listed_with_its_line_and_nothing_is_written(manager_client, settings):
    lines = [f"Row {i},Fine text {i},billing,low,open\n" for i in range(700)]
    lines[2] = ",Missing title,billing,low,open\n"  # file line 4 (header is line 1)
    lines[650] = "Bad,desc,hardware,low,open\n"  # line 652: past the first chunk of 500
    settings.IMPORT_INLINE_ROWS = 100
    upload(manager_client, HEADER + "".join(lines))
    job = ImportJob.objects.get()
    assert job.state == "invalid" and job.rows_done == 700
    assert [(e["line"], e["field"]) for e in job.errors] == [(4, "title"), (652, "category")]
    page = manager_client.get(reverse("admin:tickets_importjob_change", args=[job.pk])).content.decode()
    assert "2 error(s): nothing was written" in page and "652" in page
    manager_client.post(reverse("admin:tickets_importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "invalid" and not Ticket.objects.exists()


def test_small_files_are_still_previewed_in_the_request(manager_client):
    response = upload(manager_client, HEADER + "One,Desc,billing,low,open\n")
    assert response.status_code == 200 and "result" in response.context
    assert not ImportJob.objects.exists()


def test_agents_see_no_import_jobs(client, agent, manager, settings):
    settings.IMPORT_INLINE_ROWS = 1
    client.force_login(manager)
    upload(client, HEADER + "A,B,billing,low,open\nC,D,billing,low,open\n")
    job = ImportJob.objects.get()
    client.force_login(agent)
    assert client.get(reverse("admin:tickets_importjob_change", args=[job.pk])).status_code == 403
    assert client.post(reverse("admin:tickets_importjob_confirm", args=[job.pk])).status_code in (403, 404)
