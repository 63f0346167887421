"""The managers' dashboard: the admin index page and a stats page, both from tickets.selectors."""

import json

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from tickets import selectors
from tickets.models import Category, Priority
from tickets.roles import DASHBOARD_PERMISSION

PERIODS = (30, 90)


def can_view_dashboard(request) -> bool:
    return request.user.has_perm(DASHBOARD_PERMISSION)


def dashboard_context(user, *, days: int) -> dict:
    figures = selectors.ticket_dashboard(user, days=days)
    total = figures["total_tickets"] or 1
    per_day = figures["per_day"]
    return {
        "figures": figures,
        "days": days,
        "periods": PERIODS,
        "priority_rows": [
            (Priority(p).label, n, round(100 * n / total, 1)) for p, n in figures["priority_breakdown"].items()
        ],
        "category_rows": [
            (Category(c).label, n, round(100 * n / total, 1)) for c, n in figures["category_breakdown"].items()
        ],
        "team_rows": [
            (row["team"], row["open"], row["breached"], _human_duration(row["median_first_response"]))
            for row in figures["teams"]
        ],
        **_satisfaction_rows(figures["satisfaction"]),
        "tag_rows": [(name, colour, n, round(100 * n / total, 1)) for name, colour, n in figures["top_tags"]],
        "agreement_rows": [(Category(c).label, row) for c, row in figures["ai_agreement"].items()],
        "unsure_rows": [
            (f"AI unsure (confidence under {settings.AI_UNSURE_BELOW:.0%})", figures["ai_unsure_changes"]["unsure"]),
            ("AI sure", figures["ai_unsure_changes"]["sure"]),
        ],
        "median_resolution": _human_duration(figures["median_resolution_time"]),
        "median_first_response": _human_duration(figures["median_first_response"]),
        "days_label": f"{days} days",
        "sla_rows": [
            (
                Priority(p).label,
                row,
                round(100 * row["met"] / (row["met"] + row["breached"]), 1) if row["met"] + row["breached"] else None,
            )
            for p, row in figures["sla_compliance"].items()
        ],
        "median_title": f"Median time to resolve ({days} days)",
        "per_day_chart": json.dumps(
            {
                "labels": [day.isoformat() for day, _ in per_day],
                "datasets": [{"label": "New tickets", "data": [n for _, n in per_day]}],
            }
        ),
        "per_day_total": sum(n for _, n in per_day),
    }


def dashboard_callback(request, context):
    """unfold's DASHBOARD_CALLBACK: the admin index shows the figures to those allowed to see them."""
    if can_view_dashboard(request):
        context.update(dashboard_context(request.user, days=PERIODS[0]))
        context["show_dashboard"] = True
    return context


def stats_view(request):
    if not can_view_dashboard(request):
        raise PermissionDenied
    try:
        days = int(request.GET.get("days", PERIODS[0]))
    except ValueError:
        days = PERIODS[0]
    if days not in PERIODS:
        days = PERIODS[0]
    context = {**admin.site.each_context(request), "title": "Stats", **dashboard_context(request.user, days=days)}
    return TemplateResponse(request, "dashboards/stats.html", context)


def _human_duration(value) -> str:
    if value is None:
        return "-"
    hours = value.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


def _csat_cell(figure: dict) -> str:
    if not figure["total"]:
        return "-"
    answers = "1 answer" if figure["total"] == 1 else f"{figure['total']} answers"
    return f"{figure['rate']:.0%} of {answers}"


def _satisfaction_rows(csat: dict) -> dict:
    """The CSAT card: overall, then per team, agent and category, a cell per period ("83% of 12 answers")."""
    periods = csat["periods"]
    rows = [("Overall", "All answers", [_csat_cell(csat["overall"][d]) for d in periods])]
    for group, pairs in (("Team", csat["by_team"]), ("Agent", csat["by_agent"]), ("Category", csat["by_category"])):
        rows += [(group, name, [_csat_cell(figures[d]) for d in periods]) for name, figures in pairs]
    return {"csat_periods": periods, "csat_rows": rows, "csat_bad": csat["bad_comments"]}
