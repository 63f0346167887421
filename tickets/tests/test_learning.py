"""The local model learns the team's own labels: staff labels retrain it in the worker (the real database backend
and ``db_worker``), each version is judged against the model in use on the newest confirmed tickets and promoted
only when not worse, staff roll back in one click, every process follows within CLASSIFIER_RELOAD_S, a stored
model that does not load is never used, and one user's burst of changes counts only up to the cap."""

import json
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from project.tests.gunicorn_server import gunicorn, request
from tickets import services
from tickets.classifier import classify, curve, local
from tickets.classifier.data.team_habits import team_tickets
from tickets.models import ClassifierVersion, ModelState, RetrainTrigger

# The team files data-protection incidents under billing; the shipped examples (and so the shipped model) do not.
DATA_PROTECTION = ("Patient data sent to the wrong person", "We emailed a patient's letter with their diagnosis to "
                   "another patient by mistake. What must we do now?")  # fmt: skip


@pytest.fixture
def learning(settings):
    """Processes look up the promoted version at every prediction; a small team's numbers."""
    settings.CLASSIFIER_RELOAD_S = 0
    settings.CLASSIFIER_RETRAIN_AFTER_LABELS = 100
    settings.CLASSIFIER_MIN_HELD_BACK = 20
    settings.CLASSIFIER_LABELS_PER_USER = 100
    local.set_model(None)
    yield settings
    local.set_model(None)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def agents(make_staff):
    from tickets.roles import AGENT

    return [make_staff(name, AGENT) for name in ("amal", "bea", "chidi")]


def confirm(rows, agents, *, relabel=None):
    """Customers submit ``rows``; an agent (taking turns) corrects the AI's labels to the team's and resolves it."""
    for i, row in enumerate(rows):
        ticket = services.ticket_create(title=row.title, description=row.description, classify_ticket=True)
        category, priority = relabel(row) if relabel else (row.category, row.priority)
        agent = agents[i % len(agents)]
        services.ticket_update(ticket=ticket, data={"category": category, "priority": priority}, actor=agent)
        services.ticket_change_status(ticket=ticket, status="resolved", actor=agent)


def worker_results() -> list:
    """What the worker's jobs ended as (for a failure's message)."""
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.values_list("status", "return_value", "exception_class_path", "traceback"))


def active() -> ClassifierVersion | None:
    return ClassifierVersion.objects.filter(state=ModelState.ACTIVE).first()


@pytest.mark.django_db(transaction=True)
def test_the_worker_learns_the_teams_labels_and_every_prediction_follows(learning, database_tasks, agents, capsys):
    assert classify(*DATA_PROTECTION, backend="local").category != "billing"  # the shipped model's view

    confirm(team_tickets(150), agents)
    call_command("schedule_retraining")
    assert "Retraining queued (" in capsys.readouterr().out
    assert not ClassifierVersion.objects.exists()  # queued for the worker, not trained here
    call_command("db_worker", batch=True, verbosity=0)

    version = active()
    assert version is not None and version.trigger == RetrainTrigger.LABELS, worker_results()
    assert version.decision.startswith("promoted: not worse on either field")
    assert version.trained_on + version.held_back == 150 and version.held_back == 30
    candidate, in_use = version.figures["candidate"], version.figures["in_use"]
    assert candidate["category_accuracy"] >= in_use["category_accuracy"]
    assert candidate["priority_macro_f1"] >= in_use["priority_macro_f1"]
    assert candidate["category_accuracy"] > in_use["category_accuracy"]
    assert {name: row["used"] for name, row in version.teachers.items()} == {"amal": 50, "bea": 50, "chidi": 50}

    learned = classify(*DATA_PROTECTION, backend="local")
    assert (learned.category, learned.model) == ("billing", version.version)

    # Nothing new since: neither the scheduler nor the worker retrains.
    call_command("schedule_retraining")
    assert "No retraining due (0 new labels" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_version_worse_than_the_model_in_use_is_kept_as_a_candidate(learning, agents):
    """Most of what staff labelled calls every ticket "general"; the newest labels are the ordinary ones the model
    in use gets right. The retrained model is worse on them: recorded with its figures, not used."""
    ordinary = [row for row in team_tickets(400) if row.kind == "ordinary"]
    confirm(ordinary[:100], agents, relabel=lambda row: ("general", "low"))
    confirm(ordinary[100:130], agents)
    in_use = local.get_model().version

    result = services.classifier_retrain(trigger=RetrainTrigger.MANUAL)

    version = result.version
    assert version.state == ModelState.CANDIDATE and active() is None
    assert version.decision.startswith("kept as a candidate: worse than the model in use on category accuracy")
    assert version.figures["in_use_version"] == f"{in_use} (shipped)"
    assert local.get_model().version == in_use
    assert classify("Invoice shows the wrong amount", "We are charged for 12 seats, we have 9.").category == "billing"


@pytest.mark.django_db
def test_too_few_held_back_tickets_promote_nothing(learning, agents):
    confirm(team_tickets(40), agents)
    version = services.classifier_retrain().version
    assert version.state == ModelState.CANDIDATE and version.held_back == 8
    assert "fewer than the 20 needed" in version.decision
    again = services.classifier_retrain()  # the same labels: known before training, nothing recorded
    assert again.version is None and again.message.startswith(f"nothing new to learn: {version.version}")


@pytest.mark.django_db
def test_managers_roll_back_in_one_click_and_promote_any_version(learning, agents, manager, client):
    confirm(team_tickets(120), agents)
    first = services.classifier_retrain().version
    assert first.state == ModelState.ACTIVE
    confirm(team_tickets(60, seed=8), agents)
    second = services.classifier_retrain().version
    assert second.state == ModelState.ACTIVE and ClassifierVersion.objects.get(pk=first.pk).state == "retired"
    assert classify(*DATA_PROTECTION).model == second.version

    client.force_login(manager)
    page = client.get(reverse("admin:tickets_classifierversion_changelist")).content.decode()
    assert f"In use: <strong>{second.version}</strong>" in page and 'id="rollback-model"' in page

    response = client.post(reverse("admin:tickets_classifierversion_rollback"), follow=True)
    assert f"Rolled back: {first.version} is in use" in response.content.decode()
    assert active() == first and classify(*DATA_PROTECTION).model == first.version

    response = client.post(reverse("admin:tickets_classifierversion_rollback"), follow=True)
    assert "Rolled back: the shipped model is in use" in response.content.decode()
    assert active() is None and classify(*DATA_PROTECTION).model == local._base_model().version

    response = client.post(reverse("admin:tickets_classifierversion_promote", args=[second.pk]), follow=True)
    assert f"{second.version} is in use" in response.content.decode()
    second.refresh_from_db()
    assert (second.state, second.promoted_by) == (ModelState.ACTIVE, manager)

    detail = client.get(reverse("admin:tickets_classifierversion_change", args=[second.pk])).content.decode()
    assert 'id="model-teachers"' in detail and "<td>amal</td>" in detail and "Category accuracy" in detail
    assert 'id="promote-model"' not in detail  # already in use


@pytest.mark.django_db
def test_a_stored_model_that_does_not_load_is_never_used(learning, agents, manager, client, caplog):
    confirm(team_tickets(120), agents)
    good = services.classifier_retrain().version
    assert classify(*DATA_PROTECTION).model == good.version

    # The promoted row's bytes go bad (a failed disk, a hand edit): processes keep the model they have.
    ClassifierVersion.objects.filter(pk=good.pk).update(data=b"not a model")
    local.set_model(local.load_version(good.pk) or local.get_model())  # a process that loaded it before
    assert classify(*DATA_PROTECTION).category in ("billing", "account", "technical", "general")
    fresh = local.set_model(None) or classify(*DATA_PROTECTION)  # a process starting now: the shipped model
    assert fresh.model == local._base_model().version
    assert "could not be loaded" in caplog.text

    # Nobody can put a broken version in use.
    ClassifierVersion.objects.filter(pk=good.pk).update(state=ModelState.RETIRED)
    client.force_login(manager)
    response = client.post(reverse("admin:tickets_classifierversion_promote", args=[good.pk]), follow=True)
    assert "cannot be loaded; it stays out of use" in response.content.decode()
    assert active() is None


@pytest.mark.django_db
def test_one_users_burst_of_changes_counts_only_up_to_the_cap(learning, agents):
    """Mallory relabels 150 ordinary tickets as general in one go; only 100 of them ever count, and the version
    says whose labels were left out."""
    mallory = agents[0]
    rows = team_tickets(400)
    confirm(rows[:150], [mallory], relabel=lambda row: ("general", "low"))
    confirm(rows[150:210], agents[1:])

    version = services.classifier_retrain().version

    assert version.teachers["amal"] == {"used": 100, "left_out": 50}
    assert version.teachers["bea"] == {"used": 30, "left_out": 0}
    assert version.trained_on + version.held_back == 160

    # The 50 left out never count later: the next retraining's window starts after this one.
    confirm(rows[210:240], agents[1:])
    later = services.classifier_retrain().version
    assert later.teachers["amal"] == {"used": 100, "left_out": 50}
    assert later.trained_on + later.held_back == 190


@pytest.mark.django_db
def test_only_staff_labels_teach(learning, agents):
    for row in team_tickets(30):
        services.ticket_create(title=row.title, description=row.description, category="general", priority="low")
    assert services.classifier_retrain().message == "no staff-confirmed tickets to learn from yet"


@pytest.mark.django_db
def test_the_schedule_retrains_when_labels_are_few_but_old_enough(learning, agents, capsys):
    learning.CLASSIFIER_RETRAIN_AFTER_LABELS = 1000
    confirm(team_tickets(10), agents)
    call_command("schedule_retraining")  # nothing trained yet: a few labels are enough
    assert "Retraining queued (" in capsys.readouterr().out
    version = ClassifierVersion.objects.get()
    assert version.trigger == RetrainTrigger.SCHEDULE

    confirm(team_tickets(10, seed=3), agents)
    call_command("schedule_retraining")
    assert "No retraining due (20 new labels: not yet)" in capsys.readouterr().out  # trained an hour ago at most
    learning.CLASSIFIER_RETRAIN_EVERY_H = 0
    call_command("schedule_retraining")
    assert "Retraining queued (20 new labels and the schedule)" in capsys.readouterr().out
    assert ClassifierVersion.objects.count() == 2


@pytest.mark.django_db
def test_train_classifier_records_a_version_and_dry_run_records_nothing(learning, agents, capsys):
    confirm(team_tickets(120), agents)
    call_command("train_classifier", "--dry-run")
    assert "dry run, nothing recorded" in capsys.readouterr().out and not ClassifierVersion.objects.exists()
    call_command("train_classifier")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["state"] == "active" and summary["candidate"]["n"] == 24


@pytest.mark.django_db
def test_evaluate_classifier_judges_a_version_on_a_file_or_on_confirmed_tickets(learning, agents, capsys, tmp_path):
    from django.core.management.base import CommandError

    from tickets.models import Team, Ticket

    confirm(team_tickets(120), agents)
    version = services.classifier_retrain().version
    data = tmp_path / "next.csv"
    data.write_text(
        "title,description,category,priority\n"
        + "".join(f'"{r.title}","{r.description}",{r.category},{r.priority}\n' for r in team_tickets(50, seed=5))
    )
    call_command("evaluate_classifier", str(data), "--model", version.version)
    learned = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    call_command("evaluate_classifier", str(data), "--model", "shipped")
    shipped = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert learned["model"] == version.version and shipped["model"] == local._base_model().version
    assert learned["n"] == shipped["n"] == 50 and learned["category_accuracy"] > shipped["category_accuracy"]

    call_command("evaluate_classifier", "--confirmed", "--model", version.version)
    confirmed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert confirmed["n"] == 120

    team = Team.objects.create(name="Clinic desk")
    Ticket.objects.filter(pk__in=Ticket.objects.order_by("pk").values("pk")[:20]).update(team=team)
    call_command("evaluate_classifier", "--confirmed", "--team", "Clinic desk")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["n"] == 20
    with pytest.raises(CommandError, match="No team is named"):
        call_command("evaluate_classifier", "--confirmed", "--team", "Nobody")
    with pytest.raises(CommandError, match="No model version"):
        call_command("evaluate_classifier", str(data), "--model", "tfidf-lr-0000000000")


@pytest.mark.django_db
def test_after_200_confirmed_tickets_the_model_knows_the_teams_labels(learning, agents):
    """The learning curve's target, through the product: a team whose labels differ from the shipped examples
    (tickets/classifier/data/team_habits.py) confirms 200 tickets; the version the retraining promotes labels the
    team's next 400 tickets its way, where the shipped model did not, and loses nothing on its ordinary ones."""
    stream = team_tickets(600)
    shipped = curve.figures(local._base_model(), stream[200:])
    assert shipped["category"] < 0.80

    confirm(stream[:200], agents)
    version = services.classifier_retrain().version
    assert version.state == ModelState.ACTIVE

    learned = curve.figures(local.get_model(), stream[200:])
    assert local.get_model().version == version.version
    assert learned["category"] >= 0.90
    assert learned["priority_f1"] >= 0.45
    assert learned["ordinary"] >= shipped["ordinary"]


@pytest.mark.django_db(transaction=True)
def test_every_web_process_follows_a_promotion_and_a_rollback_and_ignores_a_broken_model(learning):
    """Two gunicorn workers of a production process: a version promoted here is what they classify with within
    CLASSIFIER_RELOAD_S; a rollback too; a stored model gone bad fails no request."""
    team = [local.Example(r.title, r.description, r.category, r.priority) for r in team_tickets(200)]
    model = local.train(local.shipped_examples(), team=team, team_weight=3)
    version = ClassifierVersion.objects.create(
        version=model.version, trigger="manual", labels_until=timezone.now(), data=local.dumps(model)
    )
    body = {"title": DATA_PROTECTION[0], "description": DATA_PROTECTION[1]}

    def answers(base, count=6):
        replies = [request(f"{base}/api/tickets/classify/", "POST", body) for _ in range(count)]
        assert {status for status, _, _ in replies} == {200}
        return {payload["suggested_category"] for _, payload, _ in replies}

    def settles_on(base, category, within_s=10):
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            if answers(base) == {category}:
                return True
            time.sleep(0.3)
        return False

    with gunicorn({"CLASSIFIER_RELOAD_S": "1", "API_THROTTLE_CLASSIFY": "1000/min"}) as base:
        shipped = answers(base)
        assert len(shipped) == 1 and shipped != {"billing"}

        services.classifier_promote(version=version, actor=None)
        assert settles_on(base, "billing")

        # The stored model goes bad: a worker that has it keeps it, one that had not loaded it keeps the shipped
        # one; none fails a request (the in-process test shows which model each keeps).
        ClassifierVersion.objects.filter(pk=version.pk).update(data=b"\x00broken")
        time.sleep(1.5)  # past CLASSIFIER_RELOAD_S: the workers look again
        assert answers(base, 10) <= {"billing", *shipped}

        services.classifier_rollback(actor=None)
        assert settles_on(base, shipped.pop())
