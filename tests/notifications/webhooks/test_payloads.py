"""The webhook payload builders and visibility predicates (notifications.webhooks.payloads):
every event's ``data`` validates against its JSON Schema (formats checked), addresses are
absolute on ``SITE_URL``, times are UTC with ``Z``, and who may receive an event is who the API
shows the record to."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from challenges.models import Call, Challenge, DecisionBatch, ImpactEntry, Proposal, ProposalPartner
from challenges.selectors.surveys import Reader, challenges_visible_to
from members.models import Organization
from notifications.services.webhooks import message_payload
from notifications.webhooks import events as catalogue
from notifications.webhooks import payloads
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.challenges.factories import (
    CallFactory,
    ChallengeFactory,
    ImpactEntryFactory,
    MiningCompanyFactory,
    ProjectFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.members.factories import OrganizationFactory
from tests.missions.factories import MissionFactory

pytestmark = pytest.mark.django_db

SITE = "https://portal.cmsp.test"

# --- Schema validation with format checking ------------------------------------------------------

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE
)
#: jsonschema checks ``date-time`` and ``uri`` only with optional packages this project does not
#: install (rfc3339-validator, rfc3987): the two checks are added here, strictly.
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        raise ValueError(f"not an RFC 3339 date-time: {value!r}")
    datetime.datetime.fromisoformat(value)
    return True


@FORMATS.checks("uri", raises=ValueError)
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError(f"not an absolute URI: {value!r}")
    return True


def schema_errors(message: dict[str, Any]) -> list[str]:
    """Every error of ``message`` (a whole webhook body) against its event's schema."""
    schema = catalogue.get_event(message["type"]).schema()
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=FORMATS)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(message)]
    try:  # a second, independent validator when installed (schemathesis brings it)
        import jsonschema_rs
    except ImportError:  # pragma: no cover
        return errors
    rust = jsonschema_rs.validator_for(schema, validate_formats=True)
    return errors + [f"rs: {e}" for e in rust.iter_errors(message)]


def assert_valid(event: str, data: dict[str, Any]) -> dict[str, Any]:
    message = message_payload(event_type=event, data=data)
    assert schema_errors(message) == []
    return message


@pytest.fixture(autouse=True)
def _site(settings) -> None:
    settings.SITE_URL = SITE + "/"


def test_the_format_checks_bite() -> None:
    """The added checks refuse what they must (so a passing payload means something)."""
    bad = message_payload(
        event_type="call.closed",
        data={
            "id": 1,
            "title": "x",
            "closed_at": "31/01/2027 04:59",
            "api_url": "/api/v1/calls/1/",
            "portal_url": "https://portal.cmsp.test/challenges/calls/x/",
        },
    )
    errors = schema_errors(bad)
    assert any("closed_at" in e for e in errors)
    assert any("api_url" in e for e in errors)


def test_every_catalogue_example_validates() -> None:
    for event in catalogue.all_events():
        assert_valid(event.code, event.example)


# --- The builders --------------------------------------------------------------------------------

LIMA = datetime.timezone(datetime.timedelta(hours=-5))


def test_call_published_and_closed() -> None:
    call = CallFactory(
        code="agua-acida",
        title="Aguas ácidas",
        opens_at=datetime.datetime(2026, 12, 1, 9, 0, 0, 123456, tzinfo=LIMA),
        closes_at=datetime.datetime(2027, 1, 30, 23, 59, tzinfo=LIMA),
    )
    published = payloads.call_published_data(call)
    assert published == {
        "id": call.pk,
        "title": "Aguas ácidas",
        "opens_at": "2026-12-01T14:00:00Z",
        "closes_at": "2027-01-31T04:59:00Z",
        "api_url": f"{SITE}/api/v1/calls/{call.pk}/",
        "portal_url": f"{SITE}/challenges/calls/agua-acida/",
    }
    assert_valid("call.published", published)
    closed = payloads.call_closed_data(call)
    assert closed["closed_at"] == "2027-01-31T04:59:00Z"
    assert_valid("call.closed", closed)
    assert payloads.call_published_visible(call) is None
    assert payloads.call_closed_visible(call) is None


def test_call_published_without_opening_time_leaves_it_out() -> None:
    call = CallFactory(opens_at=None)
    data = payloads.call_published_data(call)
    assert "opens_at" not in data
    assert_valid("call.published", data)


def test_results_published() -> None:
    call = CallFactory(code="relaves", title="Relaves", status=Call.Status.DECIDED)
    batch = DecisionBatch.objects.create(
        call=call,
        ranking={},
        rationale="r",
        published_at=datetime.datetime(2027, 3, 15, 10, 0, tzinfo=LIMA),
        sha256="0" * 64,
    )
    data = payloads.results_published_data(batch)
    assert data == {
        "call_id": call.pk,
        "call_title": "Relaves",
        "published_at": "2027-03-15T15:00:00Z",
        "api_url": f"{SITE}/api/v1/proposals/?call={call.pk}",
        "portal_url": f"{SITE}/challenges/calls/relaves/",
    }
    assert_valid("results.published", data)


@pytest.mark.parametrize("change", payloads.PROJECT_CHANGES)
def test_project_updated(change: str) -> None:
    project = ProjectFactory(title="Piloto")
    data = payloads.project_updated_data(project, changes=[change, change])
    assert data == {
        "id": project.pk,
        "title": "Piloto",
        "changes": [change],
        "api_url": f"{SITE}/api/v1/projects/{project.pk}/",
        "portal_url": f"{SITE}/challenges/projects/{project.pk}/",
    }
    assert_valid("project.updated", data)
    assert payloads.project_updated_visible(project) is None


def test_the_project_changes_are_the_schemas() -> None:
    items = catalogue.get_event("project.updated").data_properties["changes"]["items"]["enum"]
    assert set(items) == set(payloads.PROJECT_CHANGES)


@pytest.mark.parametrize("changes", [[], ["budget"], ["status", "everything"]])
def test_project_updated_refuses_unknown_changes(changes: list[str]) -> None:
    with pytest.raises(ValueError, match=r"project\.updated"):
        payloads.project_updated_data(ProjectFactory(), changes=changes)


def test_impact_entry_verified() -> None:
    entry = ImpactEntryFactory(
        status=ImpactEntry.Status.VERIFIED,
        kind=ImpactEntry.Kind.CONTRACT,
        verified_at=datetime.datetime(2027, 5, 2, 11, 20, tzinfo=LIMA),
    )
    data = payloads.impact_entry_verified_data(entry)
    assert data == {
        "id": entry.pk,
        "project_id": entry.project_id,
        "kind": "contract",
        "verified_at": "2027-05-02T16:20:00Z",
        "api_url": f"{SITE}/api/v1/projects/{entry.project_id}/",
        "portal_url": f"{SITE}/challenges/projects/{entry.project_id}/",
    }
    assert_valid("impact.entry.verified", data)


def test_mission_published() -> None:
    mission = MissionFactory(
        slug="perth",
        title="Misión a Perth",
        country="AU",
        starts_on=datetime.date(2027, 3, 8),
        ends_on=datetime.date(2027, 3, 16),
        applications_close_at=datetime.datetime(2027, 1, 14, 23, 59, tzinfo=LIMA),
    )
    data = payloads.mission_published_data(mission)
    assert data == {
        "id": mission.pk,
        "title": "Misión a Perth",
        "country": "AU",
        "starts_on": "2027-03-08",
        "ends_on": "2027-03-16",
        "applications_close_at": "2027-01-15T04:59:00Z",
        "api_url": f"{SITE}/api/v1/missions/{mission.pk}/",
        "portal_url": f"{SITE}/missions/perth/",
    }
    assert_valid("mission.published", data)
    assert payloads.mission_published_visible(mission) is None


def test_challenge_created_names_a_restricted_challenge_by_its_public_version() -> None:
    public = ChallengeFactory(confidentiality=Challenge.Confidentiality.PUBLIC, title="Polvo")
    restricted = ChallengeFactory(
        confidentiality=Challenge.Confidentiality.RESTRICTED,
        title="Filtración en el tajo Norte de Minera X",
        public_title="  Filtraciones en tajo abierto ",
        public_summary="Resumen público.",
    )
    data = payloads.challenge_created_data(public)
    assert data == {
        "id": public.pk,
        "title": "Polvo",
        "api_url": f"{SITE}/api/v1/challenges/{public.pk}/",
        "portal_url": f"{SITE}/challenges/{public.pk}/",
    }
    assert_valid("challenge.created", data)
    data = payloads.challenge_created_data(restricted)
    assert data["title"] == "Filtraciones en tajo abierto"
    assert "Minera X" not in str(data)
    assert_valid("challenge.created", data)


def test_datetimes_are_utc_whole_seconds() -> None:
    when = datetime.datetime(2027, 1, 1, 0, 0, 0, 999999, tzinfo=LIMA)
    assert payloads.utc_iso(when) == "2027-01-01T05:00:00Z"


# --- Who may receive what ------------------------------------------------------------------------

Confidentiality = Challenge.Confidentiality
Status = Challenge.Status


def _organizations() -> dict[str, Organization]:
    return {
        "member": OrganizationFactory(),
        "non_member": OrganizationFactory(
            membership_status=Organization.MembershipStatus.APPLICANT
        ),
    }


CHALLENGE_CASES = [
    (confidentiality, public_title, status)
    for confidentiality in Confidentiality.values
    for public_title in ("", "Versión pública")
    for status in (Status.ACCEPTED, Status.SUBMITTED)
    if public_title == "" or confidentiality == Confidentiality.RESTRICTED
]


@pytest.mark.parametrize(("confidentiality", "public_title", "status"), CHALLENGE_CASES)
def test_challenge_visibility_is_the_selectors(confidentiality, public_title, status) -> None:
    """The predicate agrees with ``challenges_visible_to(Reader.for_partner(...))`` — the API's
    queryset — for the company itself, an active member and an organization that is not one."""
    company = MiningCompanyFactory()
    challenge = ChallengeFactory(
        organization=company,
        confidentiality=confidentiality,
        public_title=public_title,
        public_summary="Resumen." if public_title else "",
        status=status,
    )
    for organization in [company, *_organizations().values()]:
        reader = Reader.for_partner(organization, ["challenges:read"])
        expected = challenges_visible_to(reader).filter(pk=challenge.pk).exists()
        assert (
            payloads.partner_sees_challenge(organization, challenge, "challenges:read") is expected
        ), (organization, confidentiality, public_title, status)
        assert payloads.challenge_created_visible(challenge)(organization) is expected


def test_challenge_visibility_matches_the_api_for_a_token() -> None:
    """End to end: the organizations the predicate admits are those whose token reads the
    challenge at ``GET /api/v1/challenges/{id}/``."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    organizations = _organizations()
    tokens = {}
    for name, organization in organizations.items():
        partner = PartnerClientFactory(
            organization=organization, allowed_scopes=["challenges:read"]
        )
        response = request_token(client, partner, "challenges:read")
        assert response.status_code == 200, response.content
        tokens[name] = response.json()["access_token"]
    cases = [
        ChallengeFactory(confidentiality=Confidentiality.PUBLIC),
        ChallengeFactory(confidentiality=Confidentiality.MEMBERS),
        ChallengeFactory(confidentiality=Confidentiality.RESTRICTED),
        ChallengeFactory(
            confidentiality=Confidentiality.RESTRICTED,
            public_title="Pública",
            public_summary="Resumen.",
        ),
    ]
    for challenge in cases:
        visible = payloads.challenge_created_visible(challenge)
        for name, organization in organizations.items():
            response = client.get(f"/api/v1/challenges/{challenge.pk}/", **bearer(tokens[name]))
            assert response.status_code in (200, 404)
            assert visible(organization) is (response.status_code == 200), (
                name,
                challenge.confidentiality,
            )
            if response.status_code == 200 and challenge.is_restricted:
                assert response.json()["title"] == payloads.challenge_title_for_partners(challenge)


def test_results_go_to_the_organizations_with_a_decided_proposal() -> None:
    call = CallFactory(status=Call.Status.DECIDED)
    lead, partner, invited, declined, withdrawn_lead, stranger = (
        OrganizationFactory() for _ in range(6)
    )
    awarded = ProposalFactory(call=call, lead_organization=lead, status=Proposal.Status.AWARDED)
    ProposalPartnerFactory(
        proposal=awarded, organization=partner, status=ProposalPartner.Status.CONFIRMED
    )
    ProposalPartnerFactory(
        proposal=awarded, organization=invited, status=ProposalPartner.Status.INVITED
    )
    ProposalPartnerFactory(
        proposal=awarded, organization=declined, status=ProposalPartner.Status.DECLINED
    )
    ProposalFactory(call=call, lead_organization=withdrawn_lead, status=Proposal.Status.WITHDRAWN)
    ProposalFactory(lead_organization=stranger, status=Proposal.Status.AWARDED)  # another call
    batch = DecisionBatch.objects.create(
        call=call, ranking={}, rationale="r", published_at=timezone.now(), sha256="0" * 64
    )
    visible = payloads.results_published_visible(batch)
    assert visible is not None
    with CaptureQueriesContext(connection) as queries:
        seen = {
            org.pk
            for org in (lead, partner, invited, declined, withdrawn_lead, stranger)
            if visible(org)
        }
    assert seen == {lead.pk, partner.pk, invited.pk}
    assert len(queries) == 2  # loaded once, whatever the number of endpoints


def _visible_or_everyone(visible: Callable[[Organization], bool] | None, org: Organization) -> bool:
    return visible is None or visible(org)


def test_public_records_go_to_every_subscriber() -> None:
    anyone = OrganizationFactory(membership_status=Organization.MembershipStatus.APPLICANT)
    call = CallFactory()
    for visible in (
        payloads.call_published_visible(call),
        payloads.call_closed_visible(call),
        payloads.mission_published_visible(MissionFactory()),
        payloads.project_updated_visible(ProjectFactory()),
        payloads.impact_entry_verified_visible(ImpactEntryFactory()),
    ):
        assert _visible_or_everyone(visible, anyone)
