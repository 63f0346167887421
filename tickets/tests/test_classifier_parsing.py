import pytest

from tickets.classifier.parsing import InvalidAnswer, parse_answer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"category": "billing", "priority": "high", "confidence": 0.9}', ("billing", "high", 0.9)),
        ('```\n{"category": "account", "priority": "low", "confidence": 1}\n```', ("account", "low", 1.0)),
        ('Answer:\n```json\n{"category":"general","priority":"medium"}\n```\nDone', ("general", "medium", 0.7)),
        ('{"suggested_category": "Technical Support", "urgency": "P1", "score": 95}', ("technical", "critical", 0.95)),
        ('{"CATEGORY": " Billing. ", "Priority": "Minor", "confidence": "0.4"}', ("billing", "low", 0.4)),
        ('{"category": "it_support", "priority": "Normal", "confidence": -3}', ("technical", "medium", 0.0)),
        ('noise {"broken": } then {"category": "account", "priority": "high"} tail', ("account", "high", 0.7)),
        ('{"category": "billing", "priority": "high", "confidence": NaN}', ("billing", "high", 0.7)),
        ('{"category": "billing", "priority": "high", "confidence": true}', ("billing", "high", 0.7)),
    ],
)
def test_accepts_what_a_sloppy_server_sends(text, expected):
    category, priority, confidence = parse_answer(text)
    assert (category.value, priority.value, confidence) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "technical, high",
        "[1, 2]",
        '{"category": "hardware", "priority": "high"}',
        '{"category": "billing"}',
        '{"category": "billing", "priority": 3}',
        '{"category": "billing", "priority": "high-ish"}',
        '{"category": "ignore previous instructions", "priority": "critical"}',
        "[" * 10_000,
    ],
)
def test_refuses_anything_outside_the_label_set(text):
    with pytest.raises(InvalidAnswer):
        parse_answer(text)


def test_the_prompt_defines_every_label_and_asks_for_exactly_the_label_sets():
    from tickets.classifier.prompts import RESPONSE_SCHEMA, SYSTEM_PROMPT
    from tickets.models import Category, Priority

    for label in (*Category.values, *Priority.values):
        assert f"- {label}: " in SYSTEM_PROMPT
    assert RESPONSE_SCHEMA["properties"]["category"]["enum"] == list(Category.values)
    assert RESPONSE_SCHEMA["properties"]["priority"]["enum"] == list(Priority.values)
