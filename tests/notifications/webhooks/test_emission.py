"""The seven webhook events, emitted by the domain services (issue 14): performing the domain
action writes one message and one delivery per endpoint that may receive it, in the action's
transaction, and queues the deliveries after commit; nothing for endpoints not subscribed,
inactive, without the scope or not allowed to see the record; nothing when the action rolls
back; and the action's query count grows by a constant with the number of endpoints.

The delivery itself (``notifications.webhooks.delivery.delivery_run``) is replaced by a
recorder: these tests are about emission, and none of them touches the network.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from djmoney.money import Money

from challenges.models import (
    Call,
    Challenge,
    ImpactEntry,
    Milestone,
    Project,
    ProjectFunding,
    Proposal,
    ProposalPartner,
)
from challenges.services import calls as call_services
from challenges.services import decisions as decision_services
from challenges.services import impact as impact_services
from challenges.services import portfolio as portfolio_services
from challenges.services import surveys as survey_services
from cluster_portal.core import roles
from cluster_portal.core.workflows import run_time_transitions
from members.models import Organization
from missions.models import Mission
from missions.services import missions as mission_services
from notifications.models import WebhookDelivery, WebhookEndpoint, WebhookMessage
from notifications.webhooks import events as catalogue
from tests.challenges.factories import (
    CallFactory,
    ChallengeFactory,
    MilestoneFactory,
    MiningCompanyFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.challenges.portfolio.impact_world import impact_world
from tests.files.samples import PDF_BYTES
from tests.members.factories import OrganizationFactory, UserFactory
from tests.missions.factories import MissionFactory

from .factories import WebhookEndpointFactory, partner_for
from .test_payloads import schema_errors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def delivered(monkeypatch) -> list[int]:
    """The delivery ids the (eager) delivery task was asked to post, instead of posting."""
    posted: list[int] = []

    def record(*, delivery_id: int) -> str:
        posted.append(delivery_id)
        return "recorded"

    monkeypatch.setattr("notifications.webhooks.delivery.delivery_run", record)
    return posted


def staff(role: str):
    return UserFactory(is_staff=True, totp=True, roles=[role])


# --- One world per event -------------------------------------------------------------------------


@dataclass
class Prepared:
    """A world where the action emits the event: ``act()`` performs it; ``audience()`` gives
    an organization allowed to see the record (a new one when the record is public);
    ``record_id`` is the id the payload names."""

    act: Callable[[], Any]
    audience: Callable[[], Organization]
    record_id: int
    id_key: str = "id"
    #: An organization that may not see the record (None: the record is public).
    outsider: Callable[[], Organization] | None = None


def _anyone() -> Organization:
    return OrganizationFactory()


def call_published() -> Prepared:
    call = CallFactory(
        status=Call.Status.SCHEDULED,
        opens_at=timezone.now() - datetime.timedelta(minutes=1),
        published_at=timezone.now() - datetime.timedelta(days=3),
    )
    return Prepared(lambda: call_services.call_open(call=call), _anyone, call.pk)


def call_closed() -> Prepared:
    call = CallFactory(
        status=Call.Status.OPEN,
        opens_at=timezone.now() - datetime.timedelta(days=20),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    return Prepared(lambda: call_services.call_close(call=call), _anyone, call.pk)


def results_published() -> Prepared:
    call = CallFactory(status=Call.Status.IN_EVALUATION, max_awards=1)
    awarded = ProposalFactory(call=call, status=Proposal.Status.SUBMITTED)
    other = ProposalFactory(call=call, status=Proposal.Status.SUBMITTED)
    coordinator = staff(roles.EVALUATION_COORDINATOR)
    for proposal, outcome in ((awarded, "award"), (other, "not_selected")):
        decision_services.decision_set(
            actor=coordinator, proposal=proposal, outcome=outcome, feedback="Bien."
        )

    def act() -> Any:
        return decision_services.decisions_publish(
            actor=coordinator, call=call, rationale="Un cupo."
        )

    # The consortium is the same whatever the test subscribes (the query counts compare
    # identical worlds): each audience() is another of its partners, which read the result.
    members = [
        ProposalPartnerFactory(
            proposal=awarded, status=ProposalPartner.Status.CONFIRMED
        ).organization
        for _ in range(6)
    ]
    return Prepared(act, iter(members).__next__, call.pk, id_key="call_id", outsider=_anyone)


def project_updated() -> Prepared:
    world = impact_world()

    def act() -> Any:
        return portfolio_services.project_update(
            actor=world.manager, project=world.project, data={"title": "Piloto ampliado"}
        )

    return Prepared(act, _anyone, world.project.pk)


def impact_entry_verified() -> Prepared:
    world = impact_world()
    entry = world.entry(ImpactEntry.Status.CONFIRMED)
    return Prepared(
        lambda: impact_services.impact_verify(actor=world.manager, entry=entry), _anyone, entry.pk
    )


def mission_published() -> Prepared:
    mission = MissionFactory(status=Mission.Status.DRAFT, published_at=None)
    coordinator = staff(roles.MISSION_COORDINATOR)
    return Prepared(
        lambda: mission_services.mission_publish(actor=coordinator, mission=mission),
        _anyone,
        mission.pk,
    )


def challenge_created() -> Prepared:
    """A members-only challenge: active members (and its company) may see it."""
    challenge = ChallengeFactory(
        status=Challenge.Status.SUBMITTED, confidentiality=Challenge.Confidentiality.MEMBERS
    )
    manager = staff(roles.CALL_MANAGER)
    return Prepared(
        lambda: survey_services.challenge_accept(actor=manager, challenge=challenge),
        _anyone,  # an active member (the factory's default)
        challenge.pk,
        outsider=lambda: OrganizationFactory(membership_status=Organization.MembershipStatus.NONE),
    )


SCENARIOS: dict[str, Callable[[], Prepared]] = {
    "call.published": call_published,
    "call.closed": call_closed,
    "results.published": results_published,
    "project.updated": project_updated,
    "impact.entry.verified": impact_entry_verified,
    "mission.published": mission_published,
    "challenge.created": challenge_created,
}
EVENTS = list(SCENARIOS)


def test_every_event_of_the_catalogue_has_a_scenario() -> None:
    assert set(SCENARIOS) == set(catalogue.event_codes())


def subscribe(
    organization: Organization, event: str, *, events: list[str] | None = None, **endpoint: Any
) -> WebhookEndpoint:
    """An endpoint of ``organization`` for ``event`` (or ``events``), its organization holding
    an active partner client allowed the event's scope."""
    partner_for(organization, [catalogue.get_event(event).scope])
    return WebhookEndpointFactory(organization=organization, events=events or [event], **endpoint)


# --- What a subscriber gets ----------------------------------------------------------------------


@pytest.mark.parametrize("event", EVENTS)
def test_a_subscriber_gets_one_message_delivered_after_commit(
    event, delivered, django_capture_on_commit_callbacks
) -> None:
    prepared = SCENARIOS[event]()
    endpoint = subscribe(prepared.audience(), event)
    with django_capture_on_commit_callbacks(execute=True):
        prepared.act()
    message = WebhookMessage.objects.get()
    delivery = WebhookDelivery.objects.get()
    assert (message.event_type, delivery.message_id, delivery.endpoint_id) == (
        event,
        message.pk,
        endpoint.pk,
    )
    assert message.payload["type"] == event
    assert message.payload["data"][prepared.id_key] == prepared.record_id
    assert schema_errors(message.payload) == []
    assert delivered == [delivery.pk]


@pytest.mark.parametrize("event", EVENTS)
def test_nothing_for_endpoints_that_may_not_receive_it(event, delivered) -> None:
    """Not subscribed, paused, without the scope, with an inactive or no partner client, or
    (for a record that is not public) not allowed to see it: no message at all."""
    prepared = SCENARIOS[event]()
    scope = catalogue.get_event(event).scope
    other_event = next(e for e in EVENTS if e != event)
    subscribe(prepared.audience(), event, events=[other_event])  # not subscribed
    subscribe(prepared.audience(), event, is_active=False)  # paused or disabled
    WebhookEndpointFactory(organization=prepared.audience(), events=[event])  # no client
    no_scope = prepared.audience()
    partner_for(no_scope, ["public:read", "webhooks:manage"])
    WebhookEndpointFactory(organization=no_scope, events=[event])
    inactive_client = prepared.audience()
    client = partner_for(inactive_client, [scope])
    client.is_active = False
    client.save(update_fields=["is_active"])
    WebhookEndpointFactory(organization=inactive_client, events=[event])
    if prepared.outsider is not None:
        subscribe(prepared.outsider(), event)
    prepared.act()
    assert not WebhookMessage.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert delivered == []


@pytest.mark.parametrize("event", EVENTS)
def test_only_the_endpoints_that_may_receive_it_get_a_delivery(event) -> None:
    prepared = SCENARIOS[event]()
    first = subscribe(prepared.audience(), event)
    second = subscribe(prepared.audience(), event, events=[event, "call.closed"])
    subscribe(prepared.audience(), event, is_active=False)
    if prepared.outsider is not None:
        subscribe(prepared.outsider(), event)
    prepared.act()
    message = WebhookMessage.objects.get()
    assert set(message.deliveries.values_list("endpoint_id", flat=True)) == {first.pk, second.pk}


@pytest.mark.parametrize("event", EVENTS)
def test_a_rolled_back_action_emits_nothing(
    event, delivered, django_capture_on_commit_callbacks
) -> None:
    prepared = SCENARIOS[event]()
    subscribe(prepared.audience(), event)

    class Boom(Exception):
        pass

    def act_then_fail() -> None:
        with transaction.atomic():
            prepared.act()
            assert WebhookMessage.objects.count() == 1  # written in the action's transaction
            raise Boom

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom):
        act_then_fail()
    assert not WebhookMessage.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert delivered == []


@pytest.mark.parametrize("event", EVENTS)
def test_the_query_count_grows_by_a_constant_with_the_endpoints(event) -> None:
    def measure(endpoints: int) -> int:
        WebhookEndpoint.objects.update(is_active=False)
        prepared = SCENARIOS[event]()
        for _ in range(endpoints):
            subscribe(prepared.audience(), event)
        with CaptureQueriesContext(connection) as queries:
            prepared.act()
        assert WebhookDelivery.objects.filter(endpoint__is_active=True).count() == endpoints
        return len(queries)

    measure(1)  # warm the caches (content types, roles) the first action fills
    none, one, five = measure(0), measure(1), measure(5)
    assert one == five, (none, one, five)
    assert 0 < one - none <= 8, (none, one, five)


# --- Time-driven moves and repeats ---------------------------------------------------------------


def test_the_periodic_job_opens_and_closes_calls_once(delivered) -> None:
    subscribe(_anyone(), "call.published", events=["call.published", "call.closed"])
    opening = CallFactory(
        status=Call.Status.SCHEDULED, opens_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    closing = CallFactory(
        status=Call.Status.OPEN,
        opens_at=timezone.now() - datetime.timedelta(days=20),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    run_time_transitions()
    run_time_transitions()
    assert sorted(
        (m.event_type, m.payload["data"]["id"]) for m in WebhookMessage.objects.all()
    ) == sorted([("call.published", opening.pk), ("call.closed", closing.pk)])
    # Calling the services again on a call that already moved emits nothing more.
    call_services.call_open(call=opening)
    call_services.call_close(call=closing)
    assert WebhookMessage.objects.count() == 2


def test_scheduling_a_call_is_not_publishing_it_to_partners() -> None:
    """``call.published`` is "published and takes proposals": announced calls (scheduled)
    are not sent until they open."""
    subscribe(_anyone(), "call.published")
    call = CallFactory(
        status=Call.Status.DRAFT,
        published_at=None,
        opens_at=timezone.now() + datetime.timedelta(days=1),
    )
    call_services.call_schedule(actor=staff(roles.CALL_MANAGER), call=call)
    assert not WebhookMessage.objects.exists()


def test_results_reach_lead_and_partner_but_not_others() -> None:
    call = CallFactory(status=Call.Status.IN_EVALUATION, max_awards=1)
    lead, partner, stranger = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    proposal = ProposalFactory(call=call, lead_organization=lead, status=Proposal.Status.SUBMITTED)
    ProposalPartnerFactory(proposal=proposal, organization=partner, status="confirmed")
    coordinator = staff(roles.EVALUATION_COORDINATOR)
    decision_services.decision_set(
        actor=coordinator, proposal=proposal, outcome="not_selected", feedback="Falta detalle."
    )
    endpoints = {org: subscribe(org, "results.published") for org in (lead, partner, stranger)}
    decision_services.decisions_publish(actor=coordinator, call=call, rationale="Ninguno.")
    received = set(WebhookDelivery.objects.values_list("endpoint_id", flat=True))
    assert received == {endpoints[lead].pk, endpoints[partner].pk}


@pytest.mark.parametrize(
    ("confidentiality", "public_title", "receivers", "title"),
    [
        (Challenge.Confidentiality.PUBLIC, "", {"company", "member", "non_member"}, "original"),
        (Challenge.Confidentiality.MEMBERS, "", {"company", "member"}, "original"),
        (Challenge.Confidentiality.RESTRICTED, "", {"company"}, "original"),
        (
            Challenge.Confidentiality.RESTRICTED,
            "Versión pública",
            {"company", "member", "non_member"},
            "Versión pública",
        ),
    ],
)
def test_a_challenge_is_announced_to_those_who_may_read_it(
    confidentiality, public_title, receivers, title
) -> None:
    company = MiningCompanyFactory()
    organizations = {
        "company": company,
        "member": OrganizationFactory(),
        "non_member": OrganizationFactory(membership_status=Organization.MembershipStatus.NONE),
    }
    endpoints = {name: subscribe(org, "challenge.created") for name, org in organizations.items()}
    challenge = ChallengeFactory(
        organization=company,
        status=Challenge.Status.SUBMITTED,
        confidentiality=confidentiality,
        title="Filtración en el tajo de la compañía",
        public_title=public_title,
        public_summary="Resumen." if public_title else "",
    )
    survey_services.challenge_accept(actor=staff(roles.CALL_MANAGER), challenge=challenge)
    received = set(WebhookDelivery.objects.values_list("endpoint_id", flat=True))
    assert received == {endpoints[name].pk for name in receivers}
    message = WebhookMessage.objects.get()
    expected = challenge.title if title == "original" else title
    assert message.payload["data"]["title"] == expected


def test_a_challenge_in_the_queue_is_not_announced() -> None:
    """Submitting (by the company or a partner system) is not entering the catalogue."""
    challenge = ChallengeFactory(
        status=Challenge.Status.DRAFT,
        confidentiality=Challenge.Confidentiality.PUBLIC,
        submitted_at=None,
        queued_at=None,
    )
    subscribe(OrganizationFactory(), "challenge.created")
    subscribe(challenge.organization, "challenge.created")
    partner = partner_for(challenge.organization, ["challenges:write"])
    survey_services.challenge_submit(actor=None, challenge=challenge, partner=partner)
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.SUBMITTED
    assert not WebhookMessage.objects.exists()


# --- project.updated: which change -----------------------------------------------------------


def _evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("acta.pdf", PDF_BYTES, content_type="application/pdf")


PORTFOLIO_ACTIONS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "project_update": (
        "details",
        lambda w: portfolio_services.project_update(
            actor=w.manager, project=w.project, data={"trl_now": 6}
        ),
    ),
    "project_transition": (
        "status",
        lambda w: portfolio_services.project_transition(
            actor=w.manager, project=w.project, name="hold", reason="Permisos."
        ),
    ),
    "project_funding_add": (
        "details",
        lambda w: portfolio_services.project_funding_add(
            actor=w.manager,
            project=w.project,
            source="Fondo regional",
            kind=ProjectFunding.Kind.PUBLIC,
            amount=Money(Decimal("5000.00"), "PEN"),
        ),
    ),
    "project_participant_add": (
        "details",
        lambda w: portfolio_services.project_participant_add(
            actor=w.manager,
            project=w.project,
            organization=OrganizationFactory(),
            role="partner",
        ),
    ),
    "milestone_add": (
        "milestone",
        lambda w: portfolio_services.milestone_add(
            actor=w.lead_person,
            project=w.project,
            title="Instalación",
            due_on=timezone.localdate() + datetime.timedelta(days=10),
        ),
    ),
    "milestone_update": (
        "milestone",
        lambda w: portfolio_services.milestone_update(
            actor=w.lead_person,
            milestone=MilestoneFactory(project=w.project),
            data={"title": "Instalación y puesta en marcha"},
        ),
    ),
    "milestone_submit": (
        "milestone",
        lambda w: portfolio_services.milestone_submit(
            actor=w.lead_person,
            milestone=MilestoneFactory(project=w.project),
            note="Acta firmada.",
            files=[_evidence()],
        ),
    ),
    "milestone_accept": (
        "milestone",
        lambda w: portfolio_services.milestone_accept(
            actor=w.sponsor_person,
            milestone=MilestoneFactory(project=w.project, status=Milestone.Status.SUBMITTED),
        ),
    ),
    "milestone_cancel": (
        "milestone",
        lambda w: portfolio_services.milestone_cancel(
            actor=w.manager, milestone=MilestoneFactory(project=w.project)
        ),
    ),
    "indicator_add": (
        "indicator",
        lambda w: portfolio_services.indicator_add(
            actor=w.lead_person,
            project=w.project,
            data={
                "result": "Menos agua",
                "name": "Agua fresca",
                "unit": "m³/t",
                "baseline": "0.8",
                "target": "0.5",
            },
        ),
    ),
    "measurement_record": (
        "indicator",
        lambda w: portfolio_services.measurement_record(
            actor=w.lead_person,
            indicator=w.project.indicators.create(
                result="Menos agua", name="Agua", unit="m³/t", baseline=1, target=0
            ),
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 3, 31),
            value="0.7",
        ),
    ),
    "progress_update_submit": (
        "progress_update",
        lambda w: portfolio_services.progress_update_submit(
            actor=w.lead_person,
            project=w.project,
            period_end=timezone.localdate(),
            summary="Se instaló el sensor.",
        ),
    ),
}


@pytest.mark.parametrize("action", list(PORTFOLIO_ACTIONS))
def test_each_portfolio_change_says_what_changed(action) -> None:
    change, perform = PORTFOLIO_ACTIONS[action]
    world = impact_world(status=Project.Status.ACTIVE)
    subscribe(OrganizationFactory(), "project.updated")
    perform(world)
    message = WebhookMessage.objects.get()
    assert message.payload["data"]["id"] == world.project.pk
    assert message.payload["data"]["changes"] == [change]
    assert schema_errors(message.payload) == []


def test_a_portfolio_write_that_changes_nothing_emits_nothing() -> None:
    world = impact_world()
    subscribe(OrganizationFactory(), "project.updated")
    portfolio_services.project_update(
        actor=world.manager, project=world.project, data={"title": world.project.title}
    )
    assert not WebhookMessage.objects.exists()
