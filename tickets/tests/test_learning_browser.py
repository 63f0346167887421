"""The AI's model versions in headless Chromium: a manager finds a retrained version that was kept as a candidate,
reads its figures and who taught it, puts it in use with one click, and a customer typing about a data-protection
incident in the React app is at once suggested the team's own category; one click rolls it back."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tickets.classifier import evaluation, local
from tickets.classifier.data.team_habits import team_tickets
from tickets.models import ClassifierVersion

pytestmark = pytest.mark.django_db(transaction=True)

INCIDENT = "We emailed one patient's discharge letter with their diagnosis to another patient by mistake."


def suggested_category(page, base: str) -> str:
    """What the form suggests once the whole description is typed (the answer to its last, debounced, ask)."""
    page.goto(base + "/")
    page.get_by_label("Title").fill("Letter sent to the wrong patient")
    page.get_by_label("Description").press_sequentially(INCIDENT[:-1])

    def whole(response):
        return "/classify/" in response.url and (response.request.post_data_json or {}).get("description") == INCIDENT

    with page.expect_response(whole) as answer:
        page.get_by_label("Description").press_sequentially(INCIDENT[-1])
    category = answer.value.json()["suggested_category"]
    expect(page.get_by_label("Category")).to_have_value(category)
    return category


def test_a_manager_puts_a_version_in_use_and_rolls_it_back(
    live_server, page, another_page, screenshot, manager, settings
):
    settings.CLASSIFIER_RELOAD_S = 0
    local.set_model(None)
    team = [local.Example(r.title, r.description, r.category, r.priority) for r in team_tickets(208)]
    model, held = local.train(local.shipped_examples(), team=team[:200], team_weight=3), team[200:]
    shipped = local._base_model()
    ClassifierVersion.objects.create(
        version=model.version,
        trigger="manual",
        labels_until=timezone.now(),
        trained_on=160,
        held_back=8,
        decision="kept as a candidate: judged on 8 held-back tickets, fewer than the 30 needed",
        figures={
            "candidate": evaluation.model_figures(model, held),
            "in_use": evaluation.model_figures(shipped, held),
            "in_use_version": f"{shipped.version} (shipped)",
        },
        teachers={"amal": {"used": 100, "left_out": 20}, "bea": {"used": 60, "left_out": 0}},
        data=local.dumps(model),
    )
    customer = another_page()
    assert suggested_category(customer, live_server.url) != "billing"

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("pass-123-word")
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    page.get_by_role("link", name="AI model versions").click()
    expect(page.locator("#model-in-use")).to_contain_text("In use: the shipped model")
    page.get_by_role("link", name=model.version).click()
    expect(page.locator("#model-version")).to_contain_text("fewer than the 30 needed")
    expect(page.locator("#model-teachers")).to_contain_text("amal")
    expect(page.locator("#model-version")).to_contain_text("Category accuracy")
    screenshot("1-candidate")
    page.get_by_role("button", name="Use this version").click()
    expect(page.get_by_text(f"{model.version} is in use")).to_be_visible()
    screenshot("2-in-use")

    assert suggested_category(customer, live_server.url) == "billing"

    page.get_by_role("link", name="AI model versions").click()
    page.get_by_role("button", name="Roll back to the model used before").click()
    expect(page.get_by_text("Rolled back: the shipped model is in use")).to_be_visible()
    assert suggested_category(customer, live_server.url) != "billing"
    local.set_model(None)
