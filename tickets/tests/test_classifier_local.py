"""The local model and the commands that train and measure it."""

import csv
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tickets import services
from tickets.classifier import classify, local
from tickets.tasks import classify_tickets
from tickets.tests.factories import TicketFactory

# Tickets written for these tests, not in the training data: plain cases a support agent would label the same.
UNSEEN = [
    ("Refund for double payment", "Your shop took the money twice for order 5521, I want one payment back.", "billing"),
    ("Cannot sign in", "After the password change I am unable to sign in to my profile.", "account"),
    ("Checkout broken", "The checkout page throws an exception and the server logs show a stack trace.", "technical"),
    ("Compliment", "Just wanted to share some positive feedback about your friendly staff.", "general"),
]


@pytest.mark.parametrize(("title", "description", "category"), UNSEEN)
def test_local_model_labels_plain_unseen_tickets(title, description, category):
    result = classify(title, description, backend="local")
    assert result.category == category
    assert result.source == "local"
    assert 0 < result.confidence <= 1


def test_priority_follows_urgency_signals():
    outage = classify("Everything is down", "Production is offline for all users, we are losing orders right now.")
    question = classify("Question", "When you have a moment, could you tell me where to find the user guide?")
    order = ["low", "medium", "high", "critical"]
    assert order.index(outage.priority) >= order.index("high")
    assert order.index(question.priority) <= order.index("medium")


# One phrase a ticket might really contain per urgency signal group (local.SIGNALS).
SIGNAL_PHRASES = {
    "outage": "the portal has been down since 9:00",
    "everyone": "the whole team is affected",
    "data_loss": "all records from March were deleted",
    "security": "we found unauthorized logins",
    "money": "we were charged twice this month",
    "urgent": "please handle this asap",
    "production": "our payroll run is due tomorrow",
    "blocked": "I am unable to export the report",
    "question": "how do I change the logo?",
    "polite_low": "no rush, just a suggestion",
}


@pytest.mark.parametrize("name", list(local.SIGNALS))
def test_each_urgency_signal_fires_on_its_phrase_only(name):
    columns = local.UrgencySignals().transform([SIGNAL_PHRASES[name], "Hello, I have a ticket for you."]).toarray()
    fired = [signal for signal, value in zip(local.SIGNALS, columns[0], strict=True) if value]
    assert fired == [name]
    assert not columns[1].any()


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Login broken", "Nobody can log in since this morning, the whole team is blocked."),
        ("Data gone", "After the update all customer records were deleted, we lost our data."),
        ("Breach", "We see unauthorized access to customer accounts, a possible breach."),
        ("Charged twice", "You charged us twice, $2,400 taken from our account, refund immediately."),
        ("Outage", "The service is down for all users and our checkout is offline."),
    ],
)
def test_urgent_tickets_are_never_called_low_or_medium(title, description):
    assert classify(title, description, backend="local").priority in ("high", "critical")


def test_an_email_is_read_for_its_own_message():
    """Quoted history and the signature are dropped before the features: a reply is about its new message."""
    email = (
        "Dear Customer Support Team,\n\nI cannot reset my password: the reset link says it expired.\n\n"
        "Best regards,\nAnna Berg\nInvoice team, ACME\n"
        "\nOn Mon, 3 Mar 2025 at 10:02, Billing <billing@example.com> wrote:\n> Your invoice INV-88 was refunded.\n"
        "> The refund of $120 reaches your card in 5 days.\n> Invoice INV-88, payment, charge, billing, refund.\n"
    )
    message = local.message_only(email)
    assert message == "Dear Customer Support Team,\n\nI cannot reset my password: the reset link says it expired."
    assert local.message_only("Thanks!") == "Thanks!"  # nothing but a sign-off: kept as written
    # Read whole, the quoted billing thread won (billing, confidence 1.0); its own message is about the account.
    assert classify("Re: your request", email, backend="local").category == "account"


def test_calibrated_confidence_is_scikit_learns():
    """The model computes its probabilities and priorities itself (faster); they are scikit-learn's."""
    import numpy as np

    model = local.get_model()
    texts = [local.ticket_text(t, d) for t, d, _ in UNSEEN] + ["", "zzz qqq", "refund " * 200]
    matrix = model.transform(texts)
    columns = local._text_columns(matrix)
    ours = local.calibrated_proba(model.category_clf, columns)
    assert np.allclose(ours, model.category_clf.predict_proba(columns), atol=1e-9)
    assert np.allclose(ours.sum(axis=1), 1)


def test_one_ticket_is_labelled_as_scikit_learn_labels_it():
    """A creation classifies one text from the model's own numbers (``OneText``); its scores, probabilities and
    labels are those of scikit-learn's path, on every shipped example and on texts at the edges."""
    import numpy as np

    from tickets.classifier.local.one_text import OneText

    model = local.get_model()
    pairs = [(e.title, e.description) for e in local.shipped_examples()]
    pairs += [("", ""), ("Ünïcödé café", "naïve façade, ça va? 💥 SERVER DOWN!!"), ("x", "refund " * 500)]
    pairs += [("zzz qqq", "\u200b\t\n"), ("the and of", "a an"), ("$100 charged twice", "urgent " * 3)]
    texts = [local.ticket_text(t, d) for t, d in pairs]
    matrix = model.transform(texts)
    scorer = OneText.of(model)
    member_scores, step_scores = zip(*(scorer.scores(text) for text in texts), strict=True)
    ours = local.calibrated_from_scores(
        model.category_clf, [np.vstack(column) for column in zip(*member_scores, strict=True)]
    )
    assert np.allclose(ours, local.calibrated_proba(model.category_clf, local._text_columns(matrix)), atol=1e-9)
    assert np.allclose(
        model.priority_clf.proba_from_scores(np.vstack(step_scores)), model.priority_clf.proba(matrix), atol=1e-9
    )
    assert [model.predict(t, d) for t, d in pairs] == model.predict_many(texts)


def test_priority_is_read_on_an_ordered_scale():
    """Each level's probability comes from the steps up the scale; they form a distribution, and a ticket is
    called critical only when it is at least as likely to be high as critical (steps never cross)."""
    import numpy as np

    model = local.get_model()
    texts = [
        "Everything is down for all users, production outage, urgent",
        "When you have a moment, a small suggestion about the colour of a button",
        "",
    ]
    matrix = model.transform(texts)
    proba = model.priority_clf.proba(matrix)
    assert proba.shape == (3, 4) and np.all(proba >= 0) and np.allclose(proba.sum(axis=1), 1)
    assert list(model.priority_clf.predict(matrix)) == list(local.LEVELS[proba.argmax(axis=1)])
    outage, suggestion = proba[0], proba[1]
    assert outage[2:].sum() > 0.5 > suggestion[2:].sum()  # urgent or not, as a queue would see it


def test_a_scale_step_without_examples_on_one_side_is_never_taken():
    """Retraining on data without a single critical ticket (or without low ones) still trains, and never
    predicts the level it has not seen."""
    from scipy import sparse

    rows = [[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]
    labels = ["low", "low", "medium", "medium", "high", "high"]
    model = local.OrdinalPriority().fit(sparse.csr_matrix(rows), labels)
    assert list(model.predict(sparse.csr_matrix(rows))) == labels
    assert "critical" not in model.predict(sparse.csr_matrix([[0, 0, 5], [0, 0, 0]]))


def test_a_model_retrained_by_the_previous_release_still_predicts(tmp_path):
    """A model file train_classifier wrote before priority became ordinal holds one multinomial priority model:
    it keeps serving until it is retrained."""
    from sklearn.linear_model import LogisticRegression

    from tickets.models import Category, Priority

    examples = [e for e in local.shipped_examples() if e.priority][:120]
    model = local.train(examples)
    texts = [e.text for e in examples]
    matrix = model.transform(texts)
    model.priority_clf = LogisticRegression(max_iter=500).fit(matrix, [e.priority for e in examples])
    path = local.save_model(model, tmp_path / "old.joblib")
    old = local._load(path)
    category, priority, confidence = old.predict("Site down", "Our whole website is down for every customer")
    assert category in Category.values and priority in Priority.values and 0 < confidence <= 1


def test_model_is_loaded_once_per_process():
    assert local.get_model() is local.get_model()


def test_the_model_file_is_built_once_and_never_trained_in_a_process(tmp_path, settings):
    settings.CLASSIFIER_BASE_MODEL_PATH = tmp_path / "base.joblib"
    local.set_model(None)
    local._base_model.cache_clear()
    try:
        with pytest.raises(local.ModelMissing, match="python manage.py build_classifier"):
            local.get_model()  # no file: an error naming the command, not a model trained on the spot
        built, fresh = local.build_base_model()
        assert fresh and settings.CLASSIFIER_BASE_MODEL_PATH.exists()
        again, rebuilt = local.build_base_model()
        assert (again.version, rebuilt) == (built.version, False)  # up to date: left alone
        assert local.get_model().version == built.version
    finally:
        local.set_model(None)
        local._base_model.cache_clear()


def test_a_stored_model_round_trips_and_bad_bytes_load_as_nothing():
    model = local.train(local.shipped_examples()[:200])
    assert local.loads(local.dumps(model)).version == model.version
    assert local.loads(b"not a model") is None


def test_evaluate_classifier_prints_metrics_and_predictions(tmp_path, capsys):
    data = tmp_path / "eval.csv"
    with data.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "description", "category", "priority"])
        writer.writerow([*UNSEEN[0], "high"])
        writer.writerow([*UNSEEN[1], ""])
        writer.writerow([*UNSEEN[2], "critical"])
    out = tmp_path / "pred.csv"
    call_command("evaluate_classifier", str(data), "--backend", "local", "--predictions", str(out))
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["n"] == 3
    assert 0 <= summary["category_accuracy"] <= 1
    assert summary["priority_accuracy"] is not None
    assert summary["sources"] == {"local": 3}
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 and {r["source"] for r in rows} == {"local"}
    assert set(rows[0]) == {"predicted_category", "predicted_priority", "confidence", "source"}


# The labelled dev set lives beside the checkout, not in it (its licence is the source's; ../shared/data/README.md):
# the project's machines and CI have it; a clone elsewhere needs a copy at this path.
DEV_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "tickets-dev.csv"


@pytest.fixture
def dev_data() -> Path:
    if not DEV_DATA.is_file():
        pytest.fail(
            f"{DEV_DATA} is missing. This test measures the model on the shared labelled dev set, which sits beside "
            "the checkout (../shared/data/) on the project's machines and in CI; put a copy there to run it."
        )
    return DEV_DATA


def test_accuracy_on_email_tickets_the_model_never_trained_on(tmp_path, capsys, dev_data):
    """A fixed slice of the dev data's email-style rows (a source no training row comes from): the figure the
    README reports, held to a floor so a change that hurts real tickets fails here."""
    with dev_data.open(newline="") as handle:
        email_rows = [row for row in csv.DictReader(handle) if row["source"].startswith("tobi-bueck/")][:120]
    data = tmp_path / "email-slice.csv"
    with data.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["title", "description", "category", "priority"])
        writer.writeheader()
        writer.writerows({k: row[k] for k in writer.fieldnames} for row in email_rows)
    call_command("evaluate_classifier", str(data), "--backend", "local")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["n"] == 120
    assert summary["category_accuracy"] >= 0.80


def test_evaluate_without_priorities_reports_null(tmp_path, capsys):
    data = tmp_path / "eval.csv"
    data.write_text("title,description,category,priority\n,my card was charged twice,billing,\n")
    call_command("evaluate_classifier", str(data), "--backend", "local")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["priority_accuracy"] is None and summary["priority_macro_f1"] is None


def test_evaluate_rejects_a_file_without_labels(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("foo,bar\n1,2\n")
    with pytest.raises(CommandError):
        call_command("evaluate_classifier", str(data))


@pytest.mark.django_db
def test_train_classifier_refuses_too_few_tickets():
    with pytest.raises(CommandError, match="staff-confirmed"):
        call_command("train_classifier")


@pytest.mark.django_db
def test_background_job_classifies_tickets_and_writes_history():
    tickets = TicketFactory.create_batch(3, title="Card charged twice", description="Refund please", category="general")
    result = classify_tickets.enqueue([t.id for t in tickets])
    assert result.return_value == 3
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.category == ticket.ai_category == "billing"
        assert ticket.events.filter(field="category", old_value="general", new_value="billing").exists()


def test_evaluate_reports_sources_labels_confusion_errors_and_calibration(tmp_path, capsys):
    data = tmp_path / "eval.csv"
    with data.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "description", "category", "priority", "source"])
        writer.writerow(["Site down", "Our whole website is down for every customer", "technical", "high", "a|x"])
        writer.writerow(["Refund", "I was charged twice, please refund", "billing", "low", "a|y"])
        writer.writerow(["", "how do i change my email address", "account", "", "b"])
        writer.writerow(["Invoice", "Please send me a copy of my last invoice", "billing", "", "mail/one|q"])
        writer.writerow(["Password", "I forgot my password and cannot log in", "account", "", "mail/two|q"])
    call_command("evaluate_classifier", str(data), "--backend", "local")
    lines = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(lines[-1])
    # Each source, and a family of sources as a whole.
    assert set(summary["by_source"]) == {"a", "b", "mail/one", "mail/two", "mail/*"}
    assert summary["by_source"]["a"]["priority_n"] == 2 and summary["by_source"]["b"]["priority_n"] == 0
    assert summary["by_source"]["a"]["urgent_as_low"] in (0.0, 1.0)
    assert summary["by_source"]["mail/*"]["n"] == 2
    assert sum(row["n"] for row in summary["by_source"]["mail/*"]["calibration"]) == 2
    assert sum(sum(row.values()) for row in summary["category_confusion"].values()) == 5
    assert sum(row["n"] for row in summary["calibration"]) == 5
    assert set(summary["category_per_label"]) >= {"technical", "billing", "account"}
    assert any(line.startswith("calibration of the category confidence") for line in lines)


def test_calibration_and_priority_errors_are_computed_as_defined():
    from tickets.classifier import evaluation

    table = evaluation.calibration([0.95, 0.91, 0.15, 0.12], [True, False, False, False])
    assert [(r["bin"], r["n"], r["accuracy"], r["gap"]) for r in table] == [
        ("0.1-0.2", 2, 0.0, -0.135),
        ("0.9-1.0", 2, 0.5, -0.43),
    ]
    # The interval a decile's accuracy is read against: wide on 12 rows, narrow on 500.
    assert evaluation.wilson_interval(10, 12) == [0.552, 0.953]
    low, high = evaluation.wilson_interval(485, 500)
    assert low < 0.97 < high and high - low < 0.035
    assert evaluation.wilson_interval(0, 3)[0] == 0.0 and evaluation.wilson_interval(3, 3)[1] == 1.0
    errors = evaluation.priority_errors(["high", "critical", "low", "low"], ["low", "high", "critical", "low"])
    assert errors == {"urgent_as_low": 0.5, "low_as_critical": 0.5}


def test_priority_is_scored_on_the_data_sets_own_scale():
    """tickets-dev.csv's most urgent level is "high" (no row says critical): there "critical" is the same call."""
    from tickets.classifier import evaluation

    true, predicted = ["high", "high", "low"], ["critical", "high", "critical"]
    folded = evaluation.scores([], [], true, predicted, [], ["low", "medium", "high", "critical"])
    assert folded["priority_accuracy"] == round(2 / 3, 4)
    assert folded["low_as_critical"] == 1.0  # the errors count what was predicted
    as_labelled = evaluation.scores([], [], [*true, "critical"], [*predicted, "high"], [], ["low", "high", "critical"])
    assert as_labelled["priority_accuracy"] == 0.25


@pytest.mark.django_db
def test_training_rows_hold_only_labels_staff_set_changed_or_confirmed(agent):
    from tickets.selectors import confirmed_training_rows

    def create(title, actor=None, **labels):
        return services.ticket_create(title=title, description="The card was charged twice.", actor=actor, **labels)

    # An anonymous submitter picks labels the AI disagrees with; staff resolve it without looking: not taught.
    poisoned = create("poisoned", category="technical", priority="critical")
    assert (poisoned.ai_category, poisoned.category) == ("billing", "technical")
    services.ticket_change_status(ticket=poisoned, status="resolved", actor=agent)
    # Resolved by nobody (an import or a script): not taught either.
    unconfirmed = create("unconfirmed")
    services.ticket_change_status(ticket=unconfirmed, status="closed")
    # The AI's own labels, confirmed by an agent resolving the ticket: taught.
    confirmed = create("confirmed")
    services.ticket_change_status(ticket=confirmed, status="resolved", actor=agent)
    # A submitter's label that an agent corrected: taught.
    corrected = create("corrected", category="account")
    services.ticket_update(ticket=corrected, data={"category": "billing"}, actor=agent)
    # A ticket staff created with their own labels: taught.
    create("staff-made", actor=agent, category="general", priority="low")

    assert sorted(row["title"] for row in confirmed_training_rows()) == ["confirmed", "corrected", "staff-made"]
