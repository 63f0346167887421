"""The LLM behind any OpenAI-compatible endpoint. Built once per process from settings."""

import threading
import time
from dataclasses import dataclass

import openai
from django.conf import settings

from tickets.classifier.parsing import parse_answer
from tickets.classifier.prompts import JSON_MODE, RESPONSE_FORMAT, SYSTEM_PROMPT, user_message
from tickets.models import Category, Priority


class LLMUnavailable(Exception):
    """The LLM gave no usable answer: not configured, unreachable, slow, failing or wrong-shaped."""


@dataclass(frozen=True)
class _Config:
    api_key: str
    base_url: str | None
    model: str
    timeout: float


_lock = threading.Lock()
_client: openai.OpenAI | None = None
_client_config: _Config | None = None


def _config() -> _Config:
    return _Config(
        api_key=settings.OPENAI_API_KEY,
        base_url=settings.OPENAI_BASE_URL,
        model=settings.OPENAI_MODEL,
        timeout=float(settings.CLASSIFIER_TIMEOUT_S),
    )


def llm_configured() -> bool:
    return bool(settings.OPENAI_API_KEY)


def get_client() -> tuple[openai.OpenAI, _Config]:
    """The process's one client; rebuilt only if the settings it was built from change."""
    global _client, _client_config
    config = _config()
    with _lock:
        if _client is None or _client_config != config:
            _client = openai.OpenAI(
                api_key=config.api_key,
                base_url=config.base_url,
                timeout=config.timeout,
                # The timeout is the whole budget of one classification: no retries inside it.
                max_retries=0,
            )
            _client_config = config
        return _client, config


# Servers that refuse JSON-schema output (HTTP 400 naming response_format) get plain JSON mode instead,
# remembered per process and per endpoint so the refusal costs one round trip once.
_schema_refused: set[tuple[str | None, str]] = set()


def complete(title: str, description: str) -> tuple[Category, Priority, float, str]:
    """Ask the LLM; returns (category, priority, confidence, model) or raises ``LLMUnavailable``."""
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": user_message(title, description)},
    ]
    content, model = chat(messages, RESPONSE_FORMAT)
    try:
        category, priority, confidence = parse_answer(content)
    except ValueError as exc:
        raise LLMUnavailable(f"invalid answer: {exc}") from exc
    return category, priority, confidence, model


def chat(messages: list[dict], response_format: dict, *, timeout: float | None = None) -> tuple[str, str]:
    """One chat completion asking for JSON, within ``timeout`` seconds (default: the classifier's) in all, no retry
    past it; returns (the assistant's text, the model's name) or raises ``LLMUnavailable``. The text is untrusted:
    callers parse and check it."""
    if not llm_configured():
        raise LLMUnavailable("no API key")
    client, config = get_client()
    budget = config.timeout if timeout is None else timeout
    endpoint = (config.base_url, config.model)
    started = time.monotonic()
    if endpoint in _schema_refused:
        response_format = JSON_MODE
    try:
        try:
            response = _create(client, config, messages, response_format, budget)
        except openai.BadRequestError as exc:
            remaining = budget - (time.monotonic() - started)
            if response_format is JSON_MODE or "response_format" not in str(exc) or remaining <= 0.2:
                raise
            _schema_refused.add(endpoint)
            response = _create(client, config, messages, JSON_MODE, remaining)
    except Exception as exc:  # noqa: BLE001  any SDK, network or decoding failure means "no LLM answer"
        raise LLMUnavailable(type(exc).__name__) from exc
    if time.monotonic() - started > budget:
        raise LLMUnavailable("answer arrived after the time budget")
    try:
        content = response.choices[0].message.content
    except (AttributeError, IndexError, TypeError) as exc:
        raise LLMUnavailable("response has no message") from exc
    if not isinstance(content, str):
        raise LLMUnavailable("response has no text")
    return content, response.model or config.model


def _create(client: openai.OpenAI, config: _Config, messages, response_format, timeout: float):
    return client.chat.completions.create(
        model=config.model,
        messages=messages,
        response_format=response_format,
        temperature=0,
        timeout=timeout,
    )
