"""The registry of notification categories and events.

A *category* is what a person chooses a frequency for on the preferences page (immediate, daily
digest, weekly digest, off). An *event* is one kind of message (``membership.decided``,
``call.deadline_reminder`` …); it belongs to a category and owns its templates:

- in-app title and body: the ``title`` / ``body`` strings below, formatted with the context
  (``str.format`` placeholders, e.g. ``"{call.title} closes in {days} days"``);
- email: ``templates/notifications/email/<code>_subject.txt``, ``<code>.txt`` and ``<code>.html``
  (extending ``notifications/email/base.txt|html``, which add the preferences/unsubscribe footer).

Apps register their events in ``<app>/notification_events.py``; the notifications app imports
every such module at start-up (``NotificationsConfig.ready``), so ``notify(event="…")`` with an
unknown code fails loudly in tests instead of silently sending nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Off (in-app only)")


@dataclass(frozen=True)
class Category:
    code: str
    label: StrOrPromise
    description: StrOrPromise = ""
    #: Account and security messages cannot be switched off or delayed.
    configurable: bool = True
    default_frequency: str = Frequency.IMMEDIATE


@dataclass(frozen=True)
class Event:
    code: str
    category: str
    title: StrOrPromise
    body: StrOrPromise = ""
    #: False for in-app-only events (no outbox row, no email templates needed).
    email: bool = True

    @property
    def subject_template(self) -> str:
        return f"notifications/email/{self.code}_subject.txt"

    @property
    def text_template(self) -> str:
        return f"notifications/email/{self.code}.txt"

    @property
    def html_template(self) -> str:
        return f"notifications/email/{self.code}.html"


class UnknownEventError(LookupError):
    pass


_CATEGORIES: dict[str, Category] = {}
_EVENTS: dict[str, Event] = {}


def register_category(category: Category) -> Category:
    existing = _CATEGORIES.get(category.code)
    if existing is not None and existing != category:
        raise ValueError(f"Notification category {category.code!r} is already registered")
    _CATEGORIES[category.code] = category
    return category


def register_event(event: Event) -> Event:
    """Add an event to the registry (idempotent for an identical definition)."""
    if event.category not in _CATEGORIES:
        raise ValueError(f"Event {event.code!r} uses unknown category {event.category!r}")
    existing = _EVENTS.get(event.code)
    if existing is not None and existing != event:
        raise ValueError(f"Notification event {event.code!r} is already registered")
    _EVENTS[event.code] = event
    return event


def get_event(code: str) -> Event:
    try:
        return _EVENTS[code]
    except KeyError:
        raise UnknownEventError(f"Unknown notification event {code!r}") from None


def get_category(code: str) -> Category:
    return _CATEGORIES[code]


def all_events() -> list[Event]:
    return list(_EVENTS.values())


def all_categories() -> list[Category]:
    return list(_CATEGORIES.values())


def configurable_categories() -> list[Category]:
    return [c for c in _CATEGORIES.values() if c.configurable]


def category_choices() -> list[tuple[str, StrOrPromise]]:
    return [(c.code, c.label) for c in _CATEGORIES.values()]


class _Missing(dict[str, Any]):
    """Leaves an unknown placeholder visible instead of raising in the middle of a request."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_text(template: StrOrPromise, context: Mapping[str, Any]) -> str:
    """Format an in-app title/body in the *active* language.

    Only attribute and index lookups on what the caller passed are possible (never calls), and
    templates are written by developers, not users.
    """
    text = str(template)
    if not any(field for _lit, field, _spec, _conv in Formatter().parse(text)):
        return text
    return text.format_map(_Missing(context))


class _Strict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        raise KeyError(key)


def storable_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a notification context that is plain JSON (strings, numbers, lists …):
    what a ``Notification`` keeps so that its text can be written again in another language.
    Objects (a user, a call) are left out."""
    kept: dict[str, Any] = {}
    for key, value in context.items():
        if isinstance(value, Promise):
            continue  # a lazy translation: its text depends on the language of the moment
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            continue
        kept[key] = value
    return kept


def render_event_texts(code: str, context: Mapping[str, Any]) -> tuple[str, str] | None:
    """Title and body of event ``code`` in the *active* language, or None when the event is
    no longer registered or a placeholder is missing from ``context`` (the caller then shows
    the text stored when the notification was created)."""
    spec = _EVENTS.get(code)
    if spec is None:
        return None
    try:
        title = _format_strict(spec.title, context)
        body = _format_strict(spec.body, context)
    except (KeyError, AttributeError, IndexError, TypeError, ValueError):
        return None
    return title[:255], body


def _format_strict(template: StrOrPromise, context: Mapping[str, Any]) -> str:
    text = str(template)
    if not any(field for _lit, field, _spec, _conv in Formatter().parse(text)):
        return text
    return text.format_map(_Strict(context))


# --- Categories of the portal ----------------------------------------------------------------
# Defined here (not by each app) so that the preferences page is stable and complete.
ACCOUNT = register_category(
    Category(
        "account",
        _("Account and security"),
        _("Welcome, sign-in and security messages. Always sent."),
        configurable=False,
    )
)
MEMBERSHIP = register_category(
    Category(
        "membership",
        _("Membership and organization"),
        _("Membership decisions, invitations and changes in your organization."),
    )
)
CALLS = register_category(
    Category(
        "calls",
        _("Calls and deadlines"),
        _("New calls that match your organization and reminders before a call closes."),
    )
)
PROPOSALS = register_category(
    Category(
        "proposals",
        _("Proposals and results"),
        _("Submission receipts, requests for information and results of your proposals."),
    )
)
EVALUATION = register_category(
    Category(
        "evaluation",
        _("Evaluation"),
        _("Evaluator assignments and review reminders."),
    )
)
PROJECTS = register_category(
    Category(
        "projects",
        _("Projects and impact"),
        _(
            "Your projects: milestones' evidence and acceptance, progress updates and their "
            "reminders, comments and impact claims."
        ),
    )
)
MISSIONS = register_category(
    Category(
        "missions",
        _("International missions"),
        _("Mission decisions, waitlist promotions and delegation news."),
    )
)
KNOWLEDGE = register_category(
    Category(
        "knowledge",
        _("Knowledge base"),
        _(
            "Your articles' review and publication, and news of the regulatory barriers your "
            "organization endorses."
        ),
    )
)
REPORTS = register_category(
    Category(
        "reports",
        _("Reports"),
        _("Finished exports and the monthly KPI report."),
    )
)
INTEGRATIONS = register_category(
    Category(
        "integrations",
        _("Partner integrations"),
        _("Webhook endpoints of your organization disabled after failures. Always sent."),
        configurable=False,
    )
)

# --- Events owned by the notifications app ---------------------------------------------------
ACCOUNT_WELCOME = register_event(
    Event(
        code="account.welcome",
        category=ACCOUNT.code,
        title=_("Welcome to the CMSP portal"),
        body=_(
            "Your email address {email} is confirmed. Complete your profile and join your "
            "organization to take part in calls and missions."
        ),
    )
)
