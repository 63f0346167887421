"""Cootrack's benchmark: seed (or reuse) a PostgreSQL database, start gunicorn as production does, measure over HTTP.

Every loop is bounded in requests and time; the server listens on 127.0.0.1 only. Results go to docs/benchmarks.md.
"""

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PEER_HARNESS = ROOT.parent / "shared" / "peers" / "django-helpdesk"
sys.path.insert(0, str(ROOT))
from mail_in import measure_mail_in  # noqa: E402  (bench/mail_in.py)
from report import budget_ratio, medians_by_name, write_report  # noqa: E402  (bench/report.py, beside this script)
from throughput import CREATED_PREFIX, measure_create, measure_export, summary  # noqa: E402  (bench/throughput.py)

from project.tests.gunicorn_server import free_port, production_env, wait_until_ready  # noqa: E402

# A trivial request through the same client, gunicorn and middleware, without the database: what any page
# costs at least on this machine today.
FLOOR = "floor: a trivial request (GET /healthz)"
LIST = "list, first page"  # the API list: the admin's changelist pages are held to 3x it
PASSWORD = "bench-pass-123"  # noqa: S105 (a throwaway user in a throwaway database)
# Tickets the create and load tests make start with this; each run deletes those of earlier runs first.


class Ratio(NamedTuple):
    """A budget: the case's median at most ``times`` the median of case ``of`` (the floor unless named),
    both measured in the same run, so that a slower or busier machine moves both sides alike."""

    times: float
    of: str = FLOOR

    def __str__(self) -> str:
        return f"{self.times:g}x {'floor' if self.of == FLOOR else self.of}"


# (name, method, path, budget, who). The floor comes first: every other case is compared with it.
CASES = [
    (FLOOR, "GET", "/healthz", None, None),
    (LIST, "GET", "/api/tickets/", Ratio(10), "token"),
    ("list, page 200", "GET", "/api/tickets/?page=200", Ratio(20), "token"),
    ("filter category", "GET", "/api/tickets/?category=billing", Ratio(10), "token"),
    ("filter priority", "GET", "/api/tickets/?priority=critical", Ratio(10), "token"),
    ("filter status", "GET", "/api/tickets/?status=open", Ratio(10), "token"),
    ("filter status + priority", "GET", "/api/tickets/?status=open&priority=high", Ratio(10), "token"),
    ("filter all three", "GET", "/api/tickets/?status=closed&priority=low&category=account", Ratio(10), "token"),
    ("search, rare word", "GET", "/api/tickets/?search=kaleidoscope", Ratio(20), "token"),
    ("search, no match", "GET", "/api/tickets/?search=xylophonist", Ratio(20), "token"),
    ("search, common word", "GET", "/api/tickets/?search=invoice", Ratio(2, "search, rare word"), "token"),
    ("search, common word + filters", "GET", "/api/tickets/?search=error&status=open&priority=high",
     Ratio(2, "search, rare word"), "token"),
    ("filter assignee=me", "GET", "/api/tickets/?assignee=me", Ratio(10), "token"),
    ("filter tag (one ticket in ten)", "GET", "/api/tickets/?tag=vip", Ratio(10), "token"),
    ("filter team (one ticket in ten)", "GET", "/api/tickets/?team={team}", Ratio(10), "token"),
    ("filter unassigned + open", "GET", "/api/tickets/?assignee=none&status=open", Ratio(10), "token"),
    ("ticket thread (messages)", "GET", "/api/tickets/{ticket}/messages/", Ratio(10), "token"),
    ("filter sla=breached, most urgent first", "GET", "/api/tickets/?sla=breached&ordering=due", Ratio(20), "token"),
    ("similar tickets", "GET", "/api/tickets/{ticket}/similar/", Ratio(17), "token"),
    ("similar tickets, title like no other", "GET", "/api/tickets/{lone}/similar/", Ratio(17), "token"),
    ("canned responses for a ticket", "GET", "/api/canned-responses/?ticket={ticket}", Ratio(10), "token"),
    ("suggest a reply (no LLM: best canned)", "POST", "/api/tickets/{ticket}/suggest-reply/", Ratio(17), "token"),
    ("stats", "GET", "/api/tickets/stats/", Ratio(5), "token"),
    ("classify (local model)", "POST", "/api/tickets/classify/", Ratio(7), None),
    ("admin changelist", "GET", "/admin/tickets/ticket/", Ratio(3, LIST), "session"),
    ("admin changelist, filtered", "GET", "/admin/tickets/ticket/?status__exact=open&priority__exact=high",
     Ratio(3, LIST), "session"),
    ("admin changelist, searched", "GET", "/admin/tickets/ticket/?q=invoice", Ratio(3, LIST), "session"),
    ("admin changelist, mine", "GET", "/admin/tickets/ticket/?assignee=me", Ratio(3, LIST), "session"),
    ("admin changelist, SLA breached", "GET", "/admin/tickets/ticket/?sla=breached", Ratio(3, LIST), "session"),
    ("admin change page (thread)", "GET", "/admin/tickets/ticket/{ticket}/change/", Ratio(50), "session"),
    ("admin changelist, tag", "GET", "/admin/tickets/ticket/?tag=vip", Ratio(3, LIST), "session"),
    ("admin changelist, my teams", "GET", "/admin/tickets/ticket/?team=mine", Ratio(3, LIST), "session"),
    ("admin saved-view sidebar counts (fresh)", "GET", "/admin/tickets/ticket/view-counts/", Ratio(3, LIST),
     "session"),
    ("admin ticket page presence poll", "POST", "/admin/tickets/ticket/{ticket}/presence/", Ratio(1, LIST), "session"),
    ("attachment download (100 KB)", "GET", "/api/attachments/{attachment}/", Ratio(10), "token"),
    ("admin Excel export, a rare word's tickets", "GET", "/admin/tickets/ticket/export-xlsx/?q=kaleidoscope",
     Ratio(80), "session"),
    ("admin: your background jobs", "GET", "/admin/tickets/ticket/jobs/", Ratio(50), "session"),
    ("admin dashboard (home)", "GET", "/admin/", Ratio(50), "session"),
    ("admin stats page, 90 days", "GET", "/admin/stats/?days=90", Ratio(50), "session"),
    # The customer's side: "My tickets" for an address with 1,000 tickets (signed in on the same session).
    ("my tickets (a customer with 1,000)", "GET", "/api/portal/tickets/", Ratio(1, LIST), "session"),
    ("my tickets, page 50 (the oldest)", "GET", "/api/portal/tickets/?page=50", Ratio(1, LIST), "session"),
    ("my ticket (its thread)", "GET", "/api/portal/tickets/{customer_ticket}/", Ratio(1, LIST), "session"),
    ("ask for a My tickets link", "POST", "/api/portal/sign-in/", Ratio(1, LIST), "session"),
    ("who is signed in to My tickets", "GET", "/api/portal/session/", Ratio(5), "session"),
    ("answers offered while typing", "POST", "/api/tickets/suggest-answers/", Ratio(17), None),
    ("a rating link (How did we do?)", "GET", "/api/ratings/{rating}/", Ratio(5), None),
]  # fmt: skip
# One ticket in a thousand from one address (1,000 at 1M), which the bench signs in to "My tickets" as.
CUSTOMER = "many@example.com"
CUSTOMER_SEED = (
    f"Ticket.objects.filter(submitter_email={CUSTOMER!r}).exists() or connection.cursor().execute("  # noqa: S608
    f"'UPDATE tickets_ticket SET submitter_email = %s WHERE id %% 1000 = 7', [{CUSTOMER!r}]);"
    f"customer_ticket = Ticket.objects.filter(submitter_email={CUSTOMER!r}).order_by('-created_at').first();"
)
# One ticket in ten tagged "vip", in one statement (a Python line run by `manage.py shell`; its SQL is bound).
TAG_SEED = (
    "from django.db import connection; from tickets.models import Tag, TicketTag;"
    "vip = Tag.objects.get_or_create(name='vip')[0];"
    "TicketTag.objects.exists() or connection.cursor().execute("
    "'INSERT INTO tickets_tickettag (ticket_id, tag_id, created_at) SELECT id, %s, now() FROM tickets_ticket "  # noqa: S608
    "WHERE id %% 10 = 0', [vip.pk]);"
)
# One ticket in ten in the "Billing" team, the bench user and the seven agents its members, in one statement; and
# the routing of new tickets: three rules, the last of which sends the routed create test's tickets ("Bench ticket
# routed ...") to Billing, which hands each to the agent with the fewest open tickets (each holding tens of
# thousands); the plain create test's tickets match no rule, so the two creates in one run give the routing's cost.
TEAM_SEED = (
    "from django.contrib.auth import get_user_model; from tickets.models import RoutingRule, Team;"
    "team = Team.objects.get_or_create(name='Billing')[0];"
    "team.members.add(*get_user_model().objects.filter(username__regex=r'^(bench|agent-[0-9])$'));"
    "team.assignment = 'fewest_open'; team.save();"
    "[RoutingRule.objects.update_or_create(name=name, defaults={'team': team, 'position': position, **match})"
    " for name, position, match in (('Urgent billing', 10, {'category': 'billing', 'priority': 'critical'}),"
    " ('Invoices', 20, {'title_word': 'invoice'}), ('Bench tickets', 30, {'title_word': 'routed'}))];"
    "Ticket.objects.filter(team=team).exists() or connection.cursor().execute("
    "'UPDATE tickets_ticket SET team_id = %s WHERE id %% 10 = 3', [team.pk]);"
)
# A title sharing few trigrams with any seeded one: the similar-tickets index must search far for it.
LONE_TITLE = "Zebra quokka xylophone hums"
# What a POST case sends: the classifier's request, or (by case name) the ticket page's poll.
BODIES = {
    "admin ticket page presence poll": {"state": "viewing", "after": "0"},
    "ask for a My tickets link": {"email": "many@example.com"},  # CUSTOMER: past 3 an hour, no more mail is sent
}
CLASSIFY_BODY = {"title": "Charged twice", "description": "My card was charged twice for invoice 4411, please refund."}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000, help="tickets in the database (10000, 100000, 1000000)")
    parser.add_argument("--database", help="database name (default cootrack_bench_<size>)")
    parser.add_argument("--dsn", default="postgres://postgres@127.0.0.1:5432", help="server, without database")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=15, help="untimed requests per case, one at a time")
    parser.add_argument("--creates", type=int, default=800, help="tickets created in the throughput test")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients in the throughput test")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--compare",
        action="store_true",
        help="then run django-helpdesk's harness (../shared/peers/django-helpdesk) at the same size and add the ratios",
    )
    parser.add_argument("--peer", default=str(PEER_HARNESS), help="the django-helpdesk harness directory")
    parser.add_argument(
        "--only",
        help="measure only the cases whose name matches this regular expression (and those their budgets refer to); "
        "skips the create and export tests and writes no report",
    )
    args = parser.parse_args()

    if args.compare and not (Path(args.peer) / "run.sh").is_file():
        parser.error(f"--compare: no django-helpdesk harness at {args.peer} (give its directory with --peer)")
    database = args.database or f"cootrack_bench_{args.size}"
    url = f"{args.dsn}/{database}"
    env = bench_env(url)
    prepare_database(args.dsn, database, args.size, env)
    token = prepare_users(env)
    cases = with_ticket(selected(CASES, args.only), prepare_work(env))

    port = free_port()
    server_env = {**env, "HOST": "127.0.0.1", "PORT": str(port), "DJANGO_MIGRATE_ON_START": "0"}
    log = open(ROOT / "bench" / "gunicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen([str(ROOT / "bin" / "start-web")], cwd=ROOT, env=server_env, stdout=log, stderr=log)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server)
        client = Client(base, token, env)
        client.login()
        warm_every_worker(client, cases)
        results = [measure(client, case, args.warmup, args.requests) for case in cases]
        if args.only:
            print_results(results)
            return
        results.append(measure_create(base, args.creates, args.clients, url, server.pid))
        results.append(measure_create(base, args.creates, args.clients, url, server.pid, routed=True))
        results.append(measure_export(client, server.pid, url))
        results.append(measure_mail_in(manage, env))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    queries = count_queries(env, token, cases)
    peer = None
    if args.compare:
        try:
            peer = run_peer(Path(args.peer), args.size)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, ValueError) as error:
            # Cootrack's figures stand without the peer's: written, and the run still fails.
            write_report(args, database, results, queries, workers=gunicorn_workers())
            sys.exit(f"django-helpdesk's harness failed ({error}); Cootrack's figures were written without it")
    write_report(args, database, results, queries, workers=gunicorn_workers(), peer=peer)


def selected(cases: list, pattern: str | None) -> list:
    """The cases named by ``--only``, with the floor and any case their budgets are measured against."""
    if not pattern:
        return cases
    names = {name for name, *_ in cases if re.search(pattern, name)}
    names |= {budget.of for name, _, _, budget, _ in cases if name in names and budget} | {FLOOR}
    return [case for case in cases if case[0] in names]


def print_results(results: list[dict]) -> None:
    medians = medians_by_name(results)
    for r in results:
        budget = r["budget"]
        ratio = f"{budget_ratio(r, medians):.2f}x {budget.of}" if budget else ""
        print(f"{r['name']:<50} {r['median']:8.1f} ms  cpu {r['cpu_ms']:6.1f}  sql {r['sql_ms']:6.1f}  {ratio}")


def run_peer(harness: Path, size: int) -> dict:
    """django-helpdesk's own harness at the same size, right after Cootrack's cases on the same machine (its
    PostgreSQL cluster and gunicorn on 127.0.0.1, stopped when it ends); returns its results and run time."""
    label = {100_000: "100k", 1_000_000: "1M"}.get(size, str(size))
    results = Path(tempfile.gettempdir()) / "cootrack-peer" / f"results-{label}"
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        ["bash", str(harness / "run.sh")],  # noqa: S607
        env={**os.environ, "SMALL": str(size), "SKIP_1M": "1", "RESULTS": str(results)},
        check=True,
        timeout=3 * 3600,
    )
    data = json.loads((results / f"{label}.json").read_text())
    return {**data, "label": label, "minutes": (time.monotonic() - started) / 60}


# --- setup ----------------------------------------------------------------------------------------


def bench_env(url: str) -> dict[str, str]:
    """Production settings on plain HTTP, with throttles raised so the load itself is measured."""
    return production_env(
        url,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
        DJANGO_SESSION_COOKIE_SECURE="0",
        DJANGO_CSRF_COOKIE_SECURE="0",
        API_THROTTLE_CREATE="1000000/min",
        API_THROTTLE_CLASSIFY="1000000/min",
        API_THROTTLE_TRACK="1000000/min",  # the customer's pages ("My tickets" is timed like the API list)
        API_THROTTLE_SIGN_IN="1000000/min",
        OPENAI_API_KEY="",
        LOG_LEVEL="WARNING",
        SERVER_TIMING="1",  # each response's CPU and SQL time (project/middleware.py), reported beside latency
    )


def manage(env, *args, capture=False):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )


def prepare_database(dsn: str, database: str, size: int, env: dict) -> None:
    with psycopg.connect(f"{dsn}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(f'CREATE DATABASE "{database}"')
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable")
    manage(env, "seed_tickets", "--count", str(size))
    # Every run measures the seeded tickets alone: earlier runs' creates would pile up as the newest rows.
    script = (
        "from tickets import services; from tickets.models import Ticket;"
        f"ids = Ticket.objects.filter(title__startswith={CREATED_PREFIX!r}).values_list('id', flat=True);"
        "print(services.ticket_delete(ticket_ids=ids), 'tickets from earlier runs deleted')"
    )
    manage(env, "shell", "-c", script)
    # Measure a maintained database: rows left by earlier runs' create tests are vacuumed like autovacuum would.
    with psycopg.connect(f"{dsn}/{database}", autocommit=True) as conn:
        for table in ("tickets_ticket", "tickets_ticketevent", "tickets_ticketcount", "tickets_tickettag"):
            conn.execute(f"VACUUM (ANALYZE) {table}")


def prepare_users(env, username: str = "bench") -> str:
    """A manager's API token (``username``, created if missing)."""
    script = (
        "from django.contrib.auth import get_user_model;"
        "from rest_framework.authtoken.models import Token;"
        "from django.contrib.auth.models import Group;"
        "U = get_user_model();"
        f"u, _ = U.objects.get_or_create(username={username!r}, defaults={{'is_staff': True}});"
        f"u.is_staff = True; u.set_password('{PASSWORD}'); u.save();"
        "u.groups.add(Group.objects.get(name='Manager'));"
        "print(Token.objects.get_or_create(user=u)[0].key)"
    )
    return manage(env, "shell", "-c", script, capture=True).stdout.strip().splitlines()[-1]


def prepare_work(env) -> dict[str, int | str]:
    """Owners (the bench user among seven agents) and first replies for the seeded tickets; returns the ids of the
    newest ticket with a reply, whose thread the benchmark reads, and of a ticket whose title is like no other."""
    manage(env, "seed_work", "bench", *(f"agent-{i}" for i in range(1, 8)))
    # As autovacuum would after such an update: index-only scans need the visibility map.
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        for table in ("tickets_ticket", "tickets_ticketmessage"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
    script = (
        "from tickets import services; from tickets.models import Ticket, TicketMessage;"
        "services.canned_add_starters();"
        f"{TAG_SEED}"
        f"{TEAM_SEED}"
        f"{CUSTOMER_SEED}"
        "from tickets.mail.parse import ParsedAttachment; from tickets.models import Attachment;"
        "newest = TicketMessage.objects.order_by('-ticket_id').first();"
        "file = Attachment.objects.filter(ticket_id=newest.ticket_id).first() or services.attachments_add("
        "ticket=newest.ticket, message=newest, files=[ParsedAttachment('report.pdf', '', b'%PDF' + bytes(102396))]"
        ")[0][0];"
        f"lone = Ticket.objects.filter(title={LONE_TITLE!r}).first() or services.ticket_create("
        f"title={LONE_TITLE!r}, description='Since the update.', category='general', priority='low');"
        "from django.utils import timezone; from tickets.rules.satisfaction import rating_token;"
        "rating = rating_token(customer_ticket.pk, timezone.now());"
        "print(newest.ticket_id, lone.pk, file.pk, team.pk, customer_ticket.pk, rating)"
    )
    output = manage(env, "shell", "-c", script, capture=True).stdout.strip().splitlines()[-1].split()
    *numbers, rating = output
    ticket, lone, attachment, team, customer_ticket = (int(n) for n in numbers)
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        # The team's and the tags' rows were just written: a planner that still sees an empty tag table walks the
        # whole ticket index for a tag (400 ms at 1M on a fresh database, autovacuum being off on these machines).
        for table in ("tickets_ticket", "tickets_tickettag", "tickets_tag"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
    return {
        "{ticket}": ticket, "{lone}": lone, "{attachment}": attachment, "{team}": team,
        "{customer_ticket}": customer_ticket, "{rating}": rating,
    }  # fmt: skip


def with_ticket(cases, ids: dict[str, int | str]) -> list:
    def fill(path: str) -> str:
        for placeholder, ticket_id in ids.items():
            path = path.replace(placeholder, str(ticket_id))
        return path

    return [(name, method, fill(path), *rest) for name, method, path, *rest in cases]


def wait_ready(base: str, server) -> None:
    try:
        wait_until_ready(base, server, timeout=120)
    except RuntimeError as exc:
        raise SystemExit(f"gunicorn is not ready: {exc}; see bench/gunicorn.log") from exc


class Client:
    """urllib with a token for the API and a logged-in session (cookie jar) for the admin."""

    def __init__(self, base: str, token: str, env: dict):
        self.base, self.token, self.env = base, token, env
        self.timing: dict[str, float] = {}  # the last response's Server-Timing figures
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def login(self) -> None:
        page = self.opener.open(self.base + "/admin/login/", timeout=30).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf, "username": "bench", "password": PASSWORD, "next": "/admin/"}
        ).encode()
        request = urllib.request.Request(self.base + "/admin/login/", data=data, headers={"Referer": self.base})  # noqa: S310
        self.opener.open(request, timeout=30).read()
        if not any(c.name == "sessionid" for c in self.jar):
            raise SystemExit("could not log in to the admin")
        # The same session signs in to "My tickets" too, through a one-time link made for this run.
        token = secrets.token_urlsafe(32)
        script = (
            "import hashlib; from datetime import timedelta; from django.utils import timezone;"
            "from tickets.models import CustomerSignIn;"
            f"CustomerSignIn.objects.create(email={CUSTOMER!r}, token_hash=hashlib.sha256({token!r}.encode())"
            ".hexdigest(), expires_at=timezone.now() + timedelta(minutes=10))"
        )
        manage(self.env, "shell", "-c", script)
        status, _ = self.call("POST", "/api/portal/session/", "session", {"token": token})
        if not 200 <= status < 300:  # noqa: PLR2004
            raise SystemExit("could not sign in to My tickets")

    def call(self, method: str, path: str, who: str | None, body=None):
        headers = {"Accept": "application/json"} if path.startswith("/api/") else {}
        data = None
        if who == "session":
            headers["X-CSRFToken"] = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        if body is not None and who == "session" and not path.startswith("/api/"):
            # An admin form's post: form-encoded, with the session's CSRF token.
            data, headers["Content-Type"] = urllib.parse.urlencode(body).encode(), "application/x-www-form-urlencoded"
        elif body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if who == "token":
            headers["Authorization"] = f"Token {self.token}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)  # noqa: S310
        opener = self.opener if who == "session" else urllib.request.build_opener()
        with opener.open(request, timeout=60) as response:
            self.timing = server_timing(response.headers.get("Server-Timing", ""))
            return response.status, response.read()


# --- measurements -----------------------------------------------------------------------------------


def gunicorn_workers() -> int:
    """How many workers bin/start-web runs: WEB_CONCURRENCY, else project/gunicorn.conf.py's default."""
    return int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() * 2 + 1)


def warm_every_worker(client: Client, cases, rounds: int = 6) -> None:
    """Every case a few times from as many clients as there are workers, so that each worker has opened its
    database connection and compiled its templates before any request is timed."""

    def call(case):
        name, method, path, _, who = case
        client.call(method, path, who, case_body(name, method))

    with ThreadPoolExecutor(max_workers=gunicorn_workers()) as pool:
        list(pool.map(call, cases * rounds))


def case_body(name: str, method: str):
    return BODIES.get(name, CLASSIFY_BODY) if method == "POST" else None


def measure(client: Client, case, warmup: int, requests: int) -> dict:
    name, method, path, budget, who = case
    body = case_body(name, method)
    for _ in range(warmup):
        client.call(method, path, who, body)
    times, cpu, sql, deadline = [], [], [], time.monotonic() + 120
    for _ in range(requests):
        started = time.perf_counter()
        status, _ = client.call(method, path, who, body)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append(client.timing.get("cpu", 0.0))
        sql.append(client.timing.get("sql", 0.0))
        if not 200 <= status < 300:  # noqa: PLR2004
            raise SystemExit(f"{name}: HTTP {status}")
        if time.monotonic() > deadline:
            break
    return summary(name, times, budget, path=path, cpu_ms=statistics.median(cpu), sql_ms=statistics.median(sql))


def server_timing(header: str) -> dict[str, float]:
    """{"cpu": ms, "sql": ms} from a Server-Timing header (project/middleware.py)."""
    found = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        match = re.search(r"dur=([0-9.]+)", rest)
        if name and match:
            found[name] = float(match.group(1))
    return found


def count_queries(env: dict, token: str, cases) -> dict[str, int]:
    """SQL queries per request for each case, counted in-process with Django's test client."""
    script = f"""
import json
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.contrib.auth import get_user_model
cases = {[(n, m, p, w, case_body(n, m)) for n, m, p, _, w in cases]!r}
user = get_user_model().objects.get(username="bench")
client = Client()
client.force_login(user)
session = client.session  # signed in to "My tickets" too, as the timed client is
session["customer_email"], session["customer_until"] = {CUSTOMER!r}, 4e9
session.save()
out = {{}}
for name, method, path, who, body in cases:
    extra = {{"HTTP_AUTHORIZATION": "Token {token}"}} if who == "token" else {{}}
    with CaptureQueriesContext(connection) as ctx:
        if method == "POST" and path.startswith("/api/"):
            client.post(path, body, content_type="application/json", **extra)
        elif method == "POST":
            client.post(path, body)
        else:
            client.get(path, **extra)
    out[name] = len(ctx.captured_queries)
print(json.dumps(out))
"""
    output = manage({**env, "DEBUG": "0"}, "shell", "-c", script, capture=True).stdout.strip().splitlines()[-1]
    return json.loads(output)


if __name__ == "__main__":
    main()
