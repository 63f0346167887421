"""An agent outside a private team against a manager, in-process, on a bench database (after `bench/run`): the API
list, a category filter, a common search and the stats, 30 requests each, with the bench's Billing team (one
ticket in ten) made private for the run and public again after it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cootrack_bench_1000000 \\
        .venv/bin/python manage.py shell < bench/private_teams.py
"""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from tickets.models import Team
from tickets.roles import AGENT

REQUESTS, WARMUP = 30, 5
LISTS = ("/api/tickets/", "/api/tickets/?category=billing", "/api/tickets/?search=invoice")


def agent(username: str, *extra: str):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=AGENT))
    user.user_permissions.add(*Permission.objects.filter(codename__in=extra))
    return user


def timed(user, path: str) -> tuple[float, dict]:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(pk=user.pk))  # permissions read afresh
    for _ in range(WARMUP):
        client.get(path)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:  # noqa: PLR2004
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    return statistics.median(times), response.json()


def private(team: Team, value: bool) -> None:
    team.private = value
    team.save(update_fields=["private"])


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    billing = Team.objects.get(name="Billing")
    manager = get_user_model().objects.get(username="bench")
    outsider, lead = agent("bench-outsider"), agent("bench-lead", "view_dashboard")
    rows = []
    try:
        for path, reader, figure in [
            *((p, outsider, "count") for p in LISTS),
            ("/api/tickets/stats/", lead, "total_tickets"),
        ]:
            private(billing, False)
            seen, seen_body = timed(manager, path)
            private(billing, True)
            hidden, hidden_body = timed(reader, path)
            rows.append((path, seen, seen_body[figure], hidden, hidden_body[figure]))
    finally:
        private(billing, False)
    for path, seen, seen_count, hidden, hidden_count in rows:
        print(
            f"{path}: manager {seen:.1f} ms ({seen_count:,}), agent outside the private team {hidden:.1f} ms "
            f"({hidden_count:,}): {hidden / seen:.2f}x"
        )


main()
