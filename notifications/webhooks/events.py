"""The catalogue of webhook events partners can subscribe to, each with its JSON Schema.

Payloads are thin (Standard Webhooks' envelope ``{"type", "timestamp", "data"}``): ``data``
names the record (ids, a title, the API and portal addresses) and the partner reads the rest
through the API with its own scopes, so a webhook never carries more than the partner could
read. The event catalogue page (``/webhooks/events/``) and the API documentation show these
schemas; the tests validate every payload the portal builds against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class WebhookEvent:
    code: str
    title: str | Promise
    description: str | Promise
    #: The API scope a partner needs to read the record the event names.
    scope: str
    #: JSON Schema (properties) of the event's ``data`` object.
    data_properties: dict[str, Any]
    required: tuple[str, ...]
    example: dict[str, Any] = field(default_factory=dict)

    def schema(self) -> dict[str, Any]:
        """The whole message's JSON Schema (envelope + data)."""
        return {
            "$schema": JSON_SCHEMA_DIALECT,
            # Where the portal serves it (the event catalogue's ``<code>.json``).
            "$id": settings.SITE_URL.rstrip("/")
            + reverse("webhooks:event_schema", kwargs={"code": self.code}),
            "title": self.code,
            "type": "object",
            "additionalProperties": False,
            "required": ["type", "timestamp", "data"],
            "properties": {
                "type": {"const": self.code},
                "timestamp": {"type": "string", "format": "date-time"},
                "data": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": list(self.required),
                    "properties": self.data_properties,
                },
            },
        }


_ID = {"type": "integer", "minimum": 1}
_TEXT = {"type": "string"}
_DATETIME = {"type": "string", "format": "date-time"}
_DATE = {"type": "string", "format": "date"}
_URL = {"type": "string", "format": "uri"}

_EVENTS: dict[str, WebhookEvent] = {}


def _register(event: WebhookEvent) -> WebhookEvent:
    if event.code in _EVENTS:
        raise ValueError(f"Webhook event {event.code!r} is registered twice")
    _EVENTS[event.code] = event
    return event


CALL_PUBLISHED = _register(
    WebhookEvent(
        code="call.published",
        title=_("Call published"),
        description=_("A call for proposals was published and takes proposals."),
        scope="challenges:read",
        data_properties={
            "id": _ID,
            "title": _TEXT,
            "opens_at": _DATETIME,
            "closes_at": _DATETIME,
            "api_url": _URL,
            "portal_url": _URL,
        },
        required=("id", "title", "closes_at", "api_url", "portal_url"),
        example={
            "id": 12,
            "title": "Tratamiento de aguas ácidas en relaveras",
            "opens_at": "2026-12-01T14:00:00Z",
            "closes_at": "2027-01-31T04:59:00Z",
            "api_url": "https://portal.cmsp.pe/api/v1/calls/12/",
            "portal_url": "https://portal.cmsp.pe/calls/12/",
        },
    )
)
CALL_CLOSED = _register(
    WebhookEvent(
        code="call.closed",
        title=_("Call closed"),
        description=_("A call stopped taking proposals (its deadline passed or it was closed)."),
        scope="challenges:read",
        data_properties={
            "id": _ID,
            "title": _TEXT,
            "closed_at": _DATETIME,
            "api_url": _URL,
            "portal_url": _URL,
        },
        required=("id", "title", "closed_at", "api_url", "portal_url"),
        example={
            "id": 12,
            "title": "Tratamiento de aguas ácidas en relaveras",
            "closed_at": "2027-01-31T04:59:00Z",
            "api_url": "https://portal.cmsp.pe/api/v1/calls/12/",
            "portal_url": "https://portal.cmsp.pe/calls/12/",
        },
    )
)
RESULTS_PUBLISHED = _register(
    WebhookEvent(
        code="results.published",
        title=_("Results published"),
        description=_(
            "The results of a call were published: each applicant can read its own proposals' "
            "decisions."
        ),
        scope="proposals:read",
        data_properties={
            "call_id": _ID,
            "call_title": _TEXT,
            "published_at": _DATETIME,
            "api_url": _URL,
            "portal_url": _URL,
        },
        required=("call_id", "call_title", "published_at", "api_url", "portal_url"),
        example={
            "call_id": 12,
            "call_title": "Tratamiento de aguas ácidas en relaveras",
            "published_at": "2027-03-15T15:00:00Z",
            "api_url": "https://portal.cmsp.pe/api/v1/proposals/?call=12",
            "portal_url": "https://portal.cmsp.pe/calls/12/",
        },
    )
)
PROJECT_UPDATED = _register(
    WebhookEvent(
        code="project.updated",
        title=_("Project updated"),
        description=_(
            "A portfolio project changed: its status, a milestone, a KPI measurement or a "
            "progress update."
        ),
        scope="portfolio:read",
        data_properties={
            "id": _ID,
            "title": _TEXT,
            "changes": {
                "type": "array",
                "items": {
                    "enum": ["status", "milestone", "indicator", "progress_update", "details"]
                },
                "uniqueItems": True,
            },
            "api_url": _URL,
            "portal_url": _URL,
        },
        required=("id", "title", "changes", "api_url", "portal_url"),
        example={
            "id": 4,
            "title": "Piloto de biorremediación en Moquegua",
            "changes": ["milestone"],
            "api_url": "https://portal.cmsp.pe/api/v1/projects/4/",
            "portal_url": "https://portal.cmsp.pe/projects/4/",
        },
    )
)
IMPACT_ENTRY_VERIFIED = _register(
    WebhookEvent(
        code="impact.entry.verified",
        title=_("Impact entry verified"),
        description=_("The secretariat verified an entry of a project's impact ledger."),
        scope="portfolio:read",
        data_properties={
            "id": _ID,
            "project_id": _ID,
            "kind": _TEXT,
            "verified_at": _DATETIME,
            "api_url": _URL,
            "portal_url": _URL,
        },
        required=("id", "project_id", "kind", "verified_at", "api_url", "portal_url"),
        example={
            "id": 31,
            "project_id": 4,
            "kind": "contract",
            "verified_at": "2027-05-02T16:20:00Z",
            "api_url": "https://portal.cmsp.pe/api/v1/projects/4/",
            "portal_url": "https://portal.cmsp.pe/projects/4/",
        },
    )
)
MISSION_PUBLISHED = _register(
    WebhookEvent(
        code="mission.published",
        title=_("Mission published"),
        description=_("An international mission was published and takes applications."),
        scope="missions:read",
        data_properties={
            "id": _ID,
            "title": _TEXT,
            "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "starts_on": _DATE,
            "ends_on": _DATE,
            "applications_close_at": _DATETIME,
            "api_url": _URL,
            "portal_url": _URL,
        },
        required=("id", "title", "country", "starts_on", "ends_on", "api_url", "portal_url"),
        example={
            "id": 3,
            "title": "Misión a Australia Occidental: IMARC y Perth",
            "country": "AU",
            "starts_on": "2027-03-08",
            "ends_on": "2027-03-16",
            "applications_close_at": "2027-01-15T04:59:00Z",
            "api_url": "https://portal.cmsp.pe/api/v1/missions/3/",
            "portal_url": "https://portal.cmsp.pe/missions/3/",
        },
    )
)
CHALLENGE_CREATED = _register(
    WebhookEvent(
        code="challenge.created",
        title=_("Challenge created"),
        description=_(
            "A company's challenge entered the public catalogue (only challenges the partner "
            "may read are announced)."
        ),
        scope="challenges:read",
        data_properties={
            "id": _ID,
            "title": _TEXT,
            "api_url": _URL,
            "portal_url": _URL,
        },
        required=("id", "title", "api_url", "portal_url"),
        example={
            "id": 57,
            "title": "Reducir el consumo de agua en la flotación",
            "api_url": "https://portal.cmsp.pe/api/v1/challenges/57/",
            "portal_url": "https://portal.cmsp.pe/challenges/57/",
        },
    )
)

#: Sent by the "send test event" button; not subscribable.
TEST_EVENT = WebhookEvent(
    code="webhook.test",
    title=_("Test event"),
    description=_("Sent when a partner presses “Send test event”; carries no record."),
    scope="",
    data_properties={"message": _TEXT, "endpoint_id": _ID},
    required=("message", "endpoint_id"),
    example={"message": "Test event from the CMSP portal", "endpoint_id": 1},
)


def all_events() -> list[WebhookEvent]:
    """The subscribable events, in catalogue order."""
    return list(_EVENTS.values())


def event_codes() -> list[str]:
    return list(_EVENTS)


def get_event(code: str) -> WebhookEvent:
    if code == TEST_EVENT.code:
        return TEST_EVENT
    return _EVENTS[code]


def event_choices() -> list[tuple[str, str | Promise]]:
    return [(event.code, event.title) for event in _EVENTS.values()]
