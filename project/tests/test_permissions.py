"""Every endpoint and admin page x every role, with the status each must get."""

import functools
import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tickets import services
from tickets.classifier import local
from tickets.mail.parse import ParsedAttachment
from tickets.models import ClassifierVersion
from tickets.rules.satisfaction import rating_token

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cf50000000030001b1c4c5c00000000049454e44ae426082"
)

pytestmark = pytest.mark.django_db

# "no role": a staff account no group or permission was given (it may log in, and may read nothing).
# "canned only": staff who may read the canned responses and nothing else (not even a ticket).
ROLES = ("anonymous", "no role", "agent", "manager", "superuser", "canned only")
T = "{ticket}"
K = "{token}"
A = "{attachment}"
M = "{inbound}"  # a received email (M for mail)
R = "{rating}"  # a "How did we do?" link's token
V = "{version}"  # a retrained model version

# The ticket page's side panel, posted whole as its script does.
PROPERTIES = {"title": "Printer", "description": "It jams.", "status": "resolved", "priority": "", "category": ""}

# (method, path, body, status for each of ROLES)
TABLE = [
    ("GET", "/healthz", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/readyz", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/schema/", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/docs/", None, (200, 200, 200, 200, 200, 200)),
    ("POST", "/api/tickets/", {"title": "t", "description": "d"}, (201, 201, 201, 201, 201, 201)),
    ("POST", "/api/tickets/classify/", {"description": "d"}, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/tickets/", None, (401, 403, 200, 200, 200, 403)),
    ("GET", f"/api/tickets/{T}/", None, (401, 403, 200, 200, 200, 403)),
    ("PATCH", f"/api/tickets/{T}/", {"status": "closed"}, (401, 403, 200, 200, 200, 403)),
    ("DELETE", f"/api/tickets/{T}/", None, (401, 403, 403, 405, 405, 403)),
    ("GET", "/api/tickets/stats/", None, (401, 403, 403, 200, 200, 403)),
    ("GET", "/api/session/", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/agents/", None, (401, 403, 200, 200, 200, 403)),
    ("GET", "/api/meta/", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/canned-responses/", None, (401, 403, 200, 200, 200, 200)),
    ("GET", f"/api/canned-responses/?ticket={T}", None, (401, 403, 200, 200, 200, 403)),
    ("GET", f"/api/tickets/{T}/messages/", None, (401, 403, 200, 200, 200, 403)),
    ("POST", f"/api/tickets/{T}/messages/", {"kind": "note", "body": "x"}, (401, 403, 201, 201, 201, 403)),
    ("GET", f"/api/tickets/{T}/similar/", None, (401, 403, 200, 200, 200, 403)),
    ("POST", f"/api/tickets/{T}/suggest-reply/", {}, (401, 403, 200, 200, 200, 403)),
    ("POST", f"/api/tickets/{T}/merge/", {"into": 999999}, (401, 403, 400, 400, 400, 403)),
    # The tracking link's token is the credential: whoever holds it, logged in or not, and nobody else.
    ("GET", f"/api/track/{K}/", None, (200, 200, 200, 200, 200, 200)),
    ("POST", f"/api/track/{K}/messages/", {"body": "x"}, (201, 201, 201, 201, 201, 201)),
    ("GET", f"/api/track/{T}/", None, (404, 404, 404, 404, 404, 404)),
    ("GET", f"/api/track/{K}/attachments/{A}/", None, (200, 200, 200, 200, 200, 200)),
    ("GET", f"/api/track/{T}/attachments/{A}/", None, (404, 404, 404, 404, 404, 404)),
    ("GET", f"/api/attachments/{A}/", None, (401, 403, 200, 200, 200, 403)),
    # The rating link is signed: whoever holds it answers for that resolution; a forged one opens nothing.
    ("GET", f"/api/ratings/{R}/", None, (200, 200, 200, 200, 200, 200)),
    ("POST", f"/api/ratings/{R}/", {"rating": "good"}, (200, 200, 200, 200, 200, 200)),
    ("GET", f"/api/ratings/{T}/", None, (404, 404, 404, 404, 404, 404)),
    # "My tickets": a staff login is no customer sign-in; only the emailed link signs a customer in.
    ("POST", "/api/portal/sign-in/", {"email": "ann@example.com"}, (202, 202, 202, 202, 202, 202)),
    ("GET", "/api/portal/session/", None, (200, 200, 200, 200, 200, 200)),
    ("POST", "/api/portal/session/", {"token": "x" * 43}, (400, 400, 400, 400, 400, 400)),
    ("GET", "/api/portal/tickets/", None, (403, 403, 403, 403, 403, 403)),
    ("GET", f"/api/portal/tickets/{T}/", None, (403, 403, 403, 403, 403, 403)),
    ("POST", f"/api/portal/tickets/{T}/messages/", {"body": "x"}, (403, 403, 403, 403, 403, 403)),
    ("GET", f"/api/portal/tickets/{T}/attachments/{A}/", None, (403, 403, 403, 403, 403, 403)),
    # Mailgun's inbound webhook: no signing key is set in the tests, so there is no webhook for anyone.
    ("POST", "/api/email/mailgun/inbound_mime/", {}, (404, 404, 404, 404, 404, 404)),
    ("GET", "/admin/", None, (302, 200, 200, 200, 200, 200)),
    ("GET", "/admin/tickets/ticket/", None, (302, 403, 200, 200, 200, 403)),
    ("GET", "/admin/tickets/ticket/add/", None, (302, 403, 200, 200, 200, 403)),
    ("GET", f"/admin/tickets/ticket/{T}/change/", None, (302, 403, 200, 200, 200, 403)),
    ("GET", f"/admin/tickets/ticket/{T}/history/", None, (302, 403, 200, 200, 200, 403)),
    ("GET", f"/admin/tickets/ticket/{T}/delete/", None, (302, 403, 403, 200, 200, 403)),
    ("POST", f"/admin/tickets/ticket/{T}/set-status/", {"status": "resolved"}, (302, 403, 302, 302, 302, 403)),
    ("POST", f"/admin/tickets/ticket/{T}/assign-me/", {}, (302, 403, 302, 302, 302, 403)),
    ("POST", f"/admin/tickets/ticket/{T}/new-link/", {}, (302, 403, 302, 302, 302, 403)),
    ("POST", f"/admin/tickets/ticket/{T}/messages/", {"kind": "note", "body": "x"}, (302, 403, 302, 302, 302, 403)),
    ("POST", f"/admin/tickets/ticket/{T}/suggest-reply/", {}, (302, 403, 200, 200, 200, 403)),
    ("POST", f"/admin/tickets/ticket/{T}/properties/", PROPERTIES, (302, 403, 200, 200, 200, 403)),
    ("POST", f"/admin/tickets/ticket/{T}/presence/", {"state": "replying"}, (302, 403, 200, 200, 200, 403)),
    ("POST", f"/admin/tickets/ticket/{T}/merge/", {"into": "999999"}, (302, 403, 302, 302, 302, 403)),
    ("GET", f"/admin/tickets/ticket/{T}/next/", None, (302, 403, 302, 302, 302, 403)),
    ("POST", "/admin/tickets/ticket/save-view/", {"name": "My open", "query": "assignee=me"},
     (302, 403, 302, 302, 302, 403)),
    ("GET", "/admin/tickets/ticket/view-counts/", None, (302, 403, 200, 200, 200, 403)),
    ("GET", "/admin/tickets/savedview/", None, (302, 403, 200, 200, 200, 403)),
    ("POST", "/admin/tickets/ticket/away/", {"away": "1"}, (302, 403, 302, 302, 302, 403)),
    ("GET", "/admin/tickets/team/", None, (302, 403, 200, 200, 200, 403)),
    ("GET", "/admin/tickets/team/add/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", "/admin/tickets/routingrule/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", "/api/tickets/?team=mine", None, (401, 403, 200, 200, 200, 403)),
    ("GET", "/admin/tickets/ticket/export/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", "/admin/tickets/ticket/export-xlsx/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", "/admin/tickets/ticket/jobs/", None, (302, 403, 200, 200, 200, 403)),
    ("GET", "/admin/tickets/ticket/import/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", "/admin/stats/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", "/admin/tickets/inboundemail/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", f"/admin/tickets/inboundemail/{M}/change/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", f"/admin/tickets/inboundemail/{M}/raw/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", "/admin/tickets/auditentry/", None, (302, 403, 403, 200, 200, 403)),
    # The AI's model versions: managers read them, put one in use, roll back, and ask for a retraining.
    ("GET", "/admin/tickets/classifierversion/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", f"/admin/tickets/classifierversion/{V}/change/", None, (302, 403, 403, 200, 200, 403)),
    ("POST", f"/admin/tickets/classifierversion/{V}/promote/", {}, (302, 403, 403, 302, 302, 403)),
    ("POST", "/admin/tickets/classifierversion/rollback/", {}, (302, 403, 403, 302, 302, 403)),
    ("POST", "/admin/tickets/classifierversion/retrain/", {}, (302, 403, 403, 302, 302, 403)),
    ("GET", "/admin/tickets/classifierversion/rollback/", None, (302, 405, 405, 405, 405, 405)),
    ("GET", "/admin/tickets/importjob/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", "/admin/tickets/slapolicy/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", "/admin/tickets/businesscalendar/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", "/admin/tickets/businesscalendar/add/", None, (302, 403, 403, 200, 200, 403)),
    ("GET", "/admin/tickets/tag/", None, (302, 403, 200, 200, 200, 403)),
    ("GET", "/admin/tickets/cannedresponse/", None, (302, 403, 200, 200, 200, 200)),
    ("GET", "/admin/auth/user/", None, (302, 403, 403, 403, 200, 403)),
    ("GET", "/admin/axes/accessattempt/", None, (302, 403, 403, 403, 200, 403)),
    ("GET", "/admin/auth/group/", None, (302, 403, 403, 403, 200, 403)),
    ("GET", "/admin/django_tasks_database/dbtaskresult/", None, (302, 403, 403, 403, 200, 403)),
]  # fmt: skip


@pytest.fixture
def clients(agent, manager, django_user_model):
    from django.contrib.auth.models import Permission

    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "root-pass-123")
    no_role = django_user_model.objects.create_user("norole", "norole@example.com", "pass-123-word", is_staff=True)
    canned = django_user_model.objects.create_user("canned", "canned@example.com", "pass-123-word", is_staff=True)
    canned.user_permissions.add(Permission.objects.get(codename="view_cannedresponse"))
    made = {"anonymous": (Client(), APIClient())}
    users = (
        ("no role", no_role),
        ("agent", agent),
        ("manager", manager),
        ("superuser", superuser),
        ("canned only", canned),
    )
    for role, user in users:
        web, api = Client(), APIClient()
        web.force_login(user)
        api.force_authenticate(user)
        made[role] = (web, api)
    return made


@pytest.mark.parametrize(("method", "path", "body", "expected"), TABLE, ids=[f"{m} {p}" for m, p, _, _ in TABLE])
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(clients, role, method, path, body, expected):
    ticket = services.ticket_create(title="Printer", description="It jams.", tracking=True)
    (attachment,), _ = services.attachments_add(ticket=ticket, message=None, files=[ParsedAttachment("a.png", "", PNG)])
    inbound = services.mail_receive(raw=b"From: a@example.com\r\nSubject: Hi\r\n\r\nHello", transport="pipe")
    path = path.replace(T, str(ticket.pk)).replace(K, ticket.tracking_token)
    path = path.replace(A, str(attachment.pk)).replace(M, str(inbound.pk))
    path = path.replace(R, rating_token(ticket.pk, timezone.now()))
    if V in path:
        path = path.replace(V, str(a_model_version().pk))
    web, api = clients[role]
    if path.startswith("/api/") and path not in ("/api/schema/", "/api/docs/", "/api/session/"):
        response = getattr(api, method.lower())(path, body, format="json")
    elif method == "POST":
        response = web.post(path, body)
    else:
        response = web.generic(method, path)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end: the test client then closes the file
    assert response.status_code == expected[ROLES.index(role)], (role, method, path, response.status_code)


@functools.cache
def _stored_model() -> bytes:
    return local.dumps(local._base_model())


def a_model_version() -> ClassifierVersion:
    return ClassifierVersion.objects.create(
        version="tfidf-lr-table", trigger="manual", labels_until=timezone.now(), data=_stored_model()
    )


def test_a_users_permissions_are_read_in_one_query(django_user_model, django_assert_num_queries):
    """Own and group permissions both count, read together; inactive accounts hold none, superusers all."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Readers")
    group.permissions.add(Permission.objects.get(codename="view_ticket"))
    user = django_user_model.objects.create_user("reader", is_staff=True)
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="change_ticket"))

    user = django_user_model.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        assert user.has_perm("tickets.view_ticket") and user.has_perm("tickets.change_ticket")
        assert not user.has_perm("tickets.delete_ticket")
        assert user.get_all_permissions() == {"tickets.view_ticket", "tickets.change_ticket"}
    group.permissions.clear()
    assert django_user_model.objects.get(pk=user.pk).get_all_permissions() == {"tickets.change_ticket"}

    user.is_active = False
    assert not user.has_perm("tickets.change_ticket")
    boss = django_user_model.objects.create_superuser("boss", password="unused-secret-pass")
    assert boss.get_all_permissions() == {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")
    }


# --- a private team's ticket -----------------------------------------------------------------------------------

# An agent outside the private team, an agent in it, and a manager (who sees every team). To the outsider the
# ticket does not exist: 404 on every path that names it, exactly what a wrong id gets, never a 403 that confirms
# it. (Deleting needs a right no agent has: 403 for any id, so it tells nothing.)
TEAM_ROLES = ("outsider", "member", "manager")
P = "{public}"  # a ticket of no team, which everyone sees

PRIVATE_TABLE = [
    ("GET", f"/api/tickets/{T}/", None, (404, 200, 200)),
    ("PATCH", f"/api/tickets/{T}/", {"status": "in_progress"}, (404, 200, 200)),
    ("GET", f"/api/tickets/{T}/messages/", None, (404, 200, 200)),
    ("POST", f"/api/tickets/{T}/messages/", {"kind": "note", "body": "x"}, (404, 201, 201)),
    ("GET", f"/api/tickets/{T}/similar/", None, (404, 200, 200)),
    ("POST", f"/api/tickets/{T}/suggest-reply/", {}, (404, 200, 200)),
    ("POST", f"/api/tickets/{T}/merge/", {"into": P}, (404, 200, 200)),
    ("POST", f"/api/tickets/{P}/merge/", {"into": T}, (400, 200, 200)),
    ("GET", f"/api/canned-responses/?ticket={T}", None, (404, 200, 200)),
    ("GET", f"/api/attachments/{A}/", None, (404, 200, 200)),
    ("GET", f"/api/track/{K}/", None, (200, 200, 200)),  # the submitter's own link, whoever holds it
    ("GET", f"/admin/tickets/ticket/{T}/change/", None, (404, 200, 200)),
    ("GET", f"/admin/tickets/ticket/{T}/history/", None, (404, 200, 200)),
    ("GET", f"/admin/tickets/ticket/{T}/delete/", None, (403, 403, 200)),
    ("POST", f"/admin/tickets/ticket/{T}/set-status/", {"status": "resolved"}, (404, 302, 302)),
    ("POST", f"/admin/tickets/ticket/{T}/assign-me/", {}, (404, 302, 302)),
    ("POST", f"/admin/tickets/ticket/{T}/new-link/", {}, (404, 302, 302)),
    ("POST", f"/admin/tickets/ticket/{T}/messages/", {"kind": "note", "body": "x"}, (404, 302, 302)),
    ("POST", f"/admin/tickets/ticket/{T}/suggest-reply/", {}, (404, 200, 200)),
    ("POST", f"/admin/tickets/ticket/{T}/properties/", PROPERTIES, (404, 200, 200)),
    ("POST", f"/admin/tickets/ticket/{T}/presence/", {"state": "replying"}, (404, 200, 200)),
    ("POST", f"/admin/tickets/ticket/{T}/merge/", {"into": P}, (404, 302, 302)),
    ("GET", f"/admin/tickets/ticket/{T}/next/", None, (404, 302, 302)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), PRIVATE_TABLE, ids=[f"{m} {p}" for m, p, _, _ in PRIVATE_TABLE]
)
@pytest.mark.parametrize("role", TEAM_ROLES)
def test_private_team_table(make_staff, role, method, path, body, expected):
    from tickets.models import Team
    from tickets.roles import AGENT, MANAGER

    users = {"outsider": make_staff("out", AGENT), "member": make_staff("in", AGENT)}
    users["manager"] = make_staff("m", MANAGER)
    team = Team.objects.create(name="HR", private=True)
    team.members.add(users["member"])
    ticket = services.ticket_create(title="Payroll question", description="My salary.", tracking=True)
    token = ticket.tracking_token
    ticket = services.ticket_update(ticket=ticket, data={"team": team})
    public = services.ticket_create(title="Payroll question too", description="Mine as well.")
    (attachment,), _ = services.attachments_add(ticket=ticket, message=None, files=[ParsedAttachment("a.png", "", PNG)])
    path = path.replace(T, str(ticket.pk)).replace(K, token).replace(A, str(attachment.pk))
    body = {k: (int(v.replace(P, str(public.pk)).replace(T, str(ticket.pk))) if v in (P, T) else v)
            for k, v in (body or {}).items()}  # fmt: skip
    path = path.replace(P, str(public.pk))
    if path.startswith("/api/"):
        client = APIClient()
        client.force_authenticate(users[role])
        response = getattr(client, method.lower())(path, body, format="json")
    else:
        client = Client()
        client.force_login(users[role])
        response = client.post(path, body) if method == "POST" else client.get(path)
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code == expected[TEAM_ROLES.index(role)], (role, method, path, response.status_code)


# A customer signed in to "My tickets" (ann) against her own ticket and another customer's (bob's): his is a 404,
# exactly as a ticket that does not exist.
CUSTOMER_TABLE = [
    ("GET", "/api/portal/tickets/{id}/", None, (200, 404)),
    ("POST", "/api/portal/tickets/{id}/messages/", {"body": "x"}, (201, 404)),
    ("GET", "/api/portal/tickets/{id}/attachments/{file}/", None, (200, 404)),
    ("GET", "/api/tickets/{id}/", None, (401, 401)),  # and nothing of the staff API
    ("GET", "/api/attachments/{file}/", None, (401, 401)),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), CUSTOMER_TABLE, ids=[f"{m} {p}" for m, p, _, _ in CUSTOMER_TABLE]
)
@pytest.mark.parametrize("whose", ("own", "another's"))
def test_customer_table(whose, method, path, body, expected):
    from tickets.models import CustomerSignIn

    tickets = {
        owner: services.ticket_create(title="Printer", description="It jams.", submitter_email=f"{owner}@example.com")
        for owner in ("ann", "bob")
    }
    ticket = tickets["ann" if whose == "own" else "bob"]
    (attachment,), _ = services.attachments_add(ticket=ticket, message=None, files=[ParsedAttachment("a.png", "", PNG)])
    CustomerSignIn.objects.create(
        email="ann@example.com",
        token_hash=hashlib.sha256(b"t" * 43).hexdigest(),
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    client = Client()
    assert client.post("/api/portal/session/", {"token": "t" * 43}, "application/json").status_code == 200
    path = path.format(id=ticket.pk, file=attachment.pk)
    response = client.post(path, body, "application/json") if method == "POST" else client.get(path)
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code == expected[("own", "another's").index(whose)], (whose, method, path)
