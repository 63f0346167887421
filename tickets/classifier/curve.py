"""The learning curve: how the local model's accuracy on a team's next tickets grows with the tickets staff
confirmed, for a team whose labels differ from the shipped examples in stated ways (data/team_habits.py). Each
point trains as a retraining does (the newest share of the confirmed tickets held back, the rest weighted
CLASSIFIER_TEAM_WEIGHT) and is measured on the next tickets of the same team, on wordings no confirmed ticket
used, and on a register the shipped model already handles (any labelled rows given)."""

from collections.abc import Sequence

from sklearn.metrics import accuracy_score

from tickets.classifier import evaluation, local
from tickets.classifier.data.team_habits import TeamTicket, team_tickets
from tickets.models import Priority

NEXT = 400  # the team's next tickets each point is measured on


def figures(model: local.LocalModel, rows: Sequence[TeamTicket | local.Example]) -> dict:
    """Category accuracy (overall, on the team's habits, on its ordinary tickets) and priority macro-F1."""
    predictions = model.predict_many([local.ticket_text(r.title, r.description) for r in rows])
    categories = [p[0].value for p in predictions]
    out = {
        "category": round(accuracy_score([r.category for r in rows], categories), 3),
        "priority_f1": evaluation.macro_f1(
            [r.priority for r in rows], [p[1].value for p in predictions], Priority.values
        ),
    }
    for name, keep in (("habits", lambda r: r.kind != "ordinary"), ("ordinary", lambda r: r.kind == "ordinary")):
        chosen = [i for i, r in enumerate(rows) if isinstance(r, TeamTicket) and keep(r)]
        if chosen:
            out[name] = round(accuracy_score([rows[i].category for i in chosen], [categories[i] for i in chosen]), 3)
    return out


def learning_curve(
    sizes: Sequence[int], *, team_weight: float, held_back: float, other: Sequence[local.Example] = ()
) -> list[dict]:
    """One row per N of ``sizes``: the model after N confirmed tickets, measured on the next NEXT tickets, on NEXT
    tickets in new wordings, and on ``other`` (labelled rows of a register the shipped model handles)."""
    stream = team_tickets(max(sizes) + NEXT)
    new_wording = team_tickets(NEXT, seed=8, new_wording=True)
    shipped = local.shipped_examples()
    rows = []
    for n in sizes:
        learn = stream[: n - round(n * held_back)]
        team = [local.Example(r.title, r.description, r.category, r.priority) for r in learn]
        model = local.train(shipped, team=team, team_weight=team_weight) if n else local._base_model()
        row = {"n": n, "learned_from": len(learn), "next": figures(model, stream[n : n + NEXT])}
        row["new_wording"] = figures(model, new_wording)
        if other:
            row["other"] = figures(model, other)
        rows.append(row)
    return rows
