"""Notification events of the open-innovation funnel (imported by ``NotificationsConfig.ready``).

Titles and bodies are ``str.format`` templates over the context the services pass; emails are in
``templates/notifications/email/<code>{_subject.txt,.txt,.html}``. Each sub-domain keeps its own
section below. Contexts hold plain text and ids only (broadcasts outlive the request), and never
the words of a restricted challenge.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.events import CALLS, Event, register_event

# --- Calls (challenges.services.calls) ------------------------------------------------------------
CALL_OPENED_MATCH = register_event(
    Event(
        code="challenges.call_opened_match",
        category=CALLS.code,
        title=_("A new call matches your organization: {call_title}"),
        body=_(
            "The call “{call_title}” is open until {closes_at} (Lima time). It asks for "
            "capabilities your organization offers. Read it and start a proposal."
        ),
    )
)
CALL_CLARIFICATION_ASKED = register_event(
    Event(
        code="challenges.call_clarification_asked",
        category=CALLS.code,
        title=_("New question about the call {call_title}"),
        body=_("{organization} asked a question. Answer it or publish it in the FAQ."),
    )
)
CALL_CLARIFICATION_PUBLISHED = register_event(
    Event(
        code="challenges.call_clarification_published",
        category=CALLS.code,
        title=_("New answer in the FAQ of {call_title}"),
        body=_("Question: {question}\nAnswer: {answer}"),
    )
)
CALL_CLARIFICATION_ANSWERED = register_event(
    Event(
        code="challenges.call_clarification_answered",
        category=CALLS.code,
        title=_("Your question about {call_title} was answered"),
        body=_("Answer: {answer}"),
    )
)
CALL_EXTENSION_GRANTED = register_event(
    Event(
        code="challenges.call_extension_granted",
        category=CALLS.code,
        title=_("Deadline extended for {organization} in {call_title}"),
        body=_(
            "The secretariat extended your organization's deadline to {closes_at} (Lima time). "
            "Reason: {reason}"
        ),
    )
)
