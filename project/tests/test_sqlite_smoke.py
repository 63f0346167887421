"""`make run`'s path on SQLite, which is what a newcomer runs first: migrate, demo data, then the API and the
admin pages answer. Runs manage.py in a subprocess with the local settings, as `make run` does."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from tickets.models import Ticket

anonymous = Client(HTTP_HOST="127.0.0.1")
created = anonymous.post("/api/tickets/", {"title": "Smoke", "description": "The VPN drops every hour."},
                         content_type="application/json")
staff = Client(HTTP_HOST="127.0.0.1")
staff.force_login(get_user_model().objects.get(username="demo"))
ticket = Ticket.objects.order_by("-id").first()
pages = {path: staff.get(path).status_code for path in (
    "/api/tickets/?search=vpn", "/api/tickets/stats/", "/admin/", "/admin/tickets/ticket/",
    "/admin/tickets/ticket/?q=invoice&status__exact=open", f"/admin/tickets/ticket/{ticket.pk}/change/",
    "/admin/stats/?days=90", "/admin/tickets/ticket/export/",
)}
print(json.dumps({"created": created.status_code, "category": created.json().get("category"),
                  "stats": staff.get("/api/tickets/stats/").json(), "pages": pages}))
"""


def manage(env, *args) -> subprocess.CompletedProcess:
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=True)  # noqa: S603


def test_make_run_path_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    migrated = manage(env, "migrate", "--no-input")
    assert "W040" not in migrated.stdout + migrated.stderr
    setup = manage(env, "demo_setup")
    assert "Demo staff login: demo /" in setup.stdout
    assert "demo tickets over the last 90 days" in setup.stdout

    result = json.loads(manage(env, "shell", "-c", PROBE).stdout.strip().splitlines()[-1])
    assert (result["created"], result["category"]) == (201, "technical")
    assert result["stats"]["total_tickets"] > 300
    assert 0 < result["stats"]["open_tickets"] < result["stats"]["total_tickets"]
    assert result["pages"] == dict.fromkeys(result["pages"], 200)
