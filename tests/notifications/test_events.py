"""The event registry: every registered email event has its templates; bad registrations fail."""

from __future__ import annotations

import pytest
from django.template.loader import get_template

from notifications.events import (
    Event,
    all_events,
    configurable_categories,
    format_text,
    get_category,
    register_event,
)


@pytest.mark.usefixtures("ping_templates")
@pytest.mark.parametrize("event", all_events(), ids=lambda e: e.code)
def test_every_email_event_has_its_three_templates(event: Event) -> None:
    get_category(event.category)
    if event.email:
        for name in (event.subject_template, event.text_template, event.html_template):
            get_template(name)


def test_account_category_is_not_configurable() -> None:
    assert "account" not in {c.code for c in configurable_categories()}


def test_event_with_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown category"):
        register_event(Event(code="tests.bad", category="nope", title="x"))


def test_conflicting_redefinition_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_event(Event(code="account.welcome", category="account", title="Other"))


def test_format_text_keeps_unknown_placeholders_visible() -> None:
    assert format_text("Call {call} closes in {days} days", {"days": 7}) == (
        "Call {call} closes in 7 days"
    )
