"""The membership lifecycles (members/workflows.py) through the services, the periodic job and
the staff pages: every transition refused from every wrong state, the time-driven expiry of an
unanswered request for information, the actions each staff page shows, and queue counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cluster_portal.core.workflows import run_time_transitions
from cluster_portal.tasks import run_time_transitions as run_time_transitions_task
from members.models import MembershipApplication, Organization, OrganizationMember
from members.services import membership as services
from members.workflows import APPLICATION, ORGANIZATION
from notifications.models import Notification
from tests.members.factories import (
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
)

pytestmark = pytest.mark.django_db

Status = MembershipApplication.Status
OrgStatus = Organization.MembershipStatus
EXPIRY_DAYS = 30


def snapshot() -> tuple:
    """Everything a lifecycle service may change, to prove a refusal changed nothing."""
    return (
        tuple(
            Organization.objects.order_by("pk").values_list(
                "pk", "membership_status", "membership_status_reason", "member_since"
            )
        ),
        tuple(
            MembershipApplication.objects.order_by("pk").values_list(
                "pk", "status", "decision_message", "applicant_response", "decided_at"
            )
        ),
        tuple(OrganizationMember.objects.order_by("pk").values_list("pk", "role")),
        Notification.objects.count(),
        LogEntry.objects.count(),
    )


# --- Every transition refused from every wrong state --------------------------------------------

#: How each transition of the application table is taken: (actor kind, service call).
APPLICATION_CALLS: dict[str, tuple[str, Callable[[Any, MembershipApplication], Any]]] = {
    "approve": (
        "staff",
        lambda actor, a: services.membership_application_approve(actor=actor, application=a),
    ),
    "request_info": (
        "staff",
        lambda actor, a: services.membership_application_request_info(
            actor=actor, application=a, message="¿Y la ficha RUC?"
        ),
    ),
    "reject": (
        "staff",
        lambda actor, a: services.membership_application_reject(
            actor=actor, application=a, reason="No cumple."
        ),
    ),
    "respond": (
        "admin",
        lambda actor, a: services.membership_application_respond(
            actor=actor, application=a, response="Aquí está."
        ),
    ),
    "withdraw": (
        "admin",
        lambda actor, a: services.membership_application_withdraw(actor=actor, application=a),
    ),
    "expire": (
        "system",
        lambda actor, a: services.membership_application_expire(actor=actor, application=a),
    ),
}

ORGANIZATION_CALLS: dict[str, tuple[str, Callable[[Any, Organization], Any]]] = {
    "apply": (
        "admin",
        lambda actor, o: services.membership_application_resubmit(
            actor=actor, organization=o, motivation="Queremos volver."
        ),
    ),
    "suspend": (
        "staff",
        lambda actor, o: services.organization_suspend(actor=actor, organization=o, reason="x"),
    ),
    "reinstate": (
        "staff",
        lambda actor, o: services.organization_reinstate(actor=actor, organization=o, reason=""),
    ),
    "lapse": (
        "staff",
        lambda actor, o: services.organization_lapse(actor=actor, organization=o, reason="x"),
    ),
}

#: Organization transitions taken only inside the application services (no service of their
#: own): refused from a wrong state by the table itself.
ORGANIZATION_CONSEQUENCES = ("admit", "close_application")


def wrong_states(workflow: Any, names: Any) -> list[tuple[str, str]]:
    return [
        (name, state)
        for name in names
        for state in (s.value for s in workflow.states)
        if state not in workflow.sources(name)
    ]


def test_every_transition_of_the_tables_is_covered_here() -> None:
    assert set(APPLICATION_CALLS) == {t.name for t in APPLICATION.transitions}
    assert set(ORGANIZATION_CALLS) | set(ORGANIZATION_CONSEQUENCES) == {
        t.name for t in ORGANIZATION.transitions
    }


def actor_for(kind: str, organization: Organization, staff_user: Any) -> Any:
    if kind == "staff":
        return staff_user
    if kind == "admin":
        return OrganizationMemberFactory(
            organization=organization, role=OrganizationMember.Role.ADMIN
        ).user
    return None


@pytest.mark.parametrize(("transition", "state"), wrong_states(APPLICATION, APPLICATION_CALLS))
def test_application_transition_refused_from_a_wrong_state(
    transition: str, state: str, staff_user: Any
) -> None:
    # Long enough ago that only the state stands in the way (the expiry is due by time).
    application = MembershipApplicationFactory(
        status=state,
        decided_at=timezone.now() - datetime.timedelta(days=EXPIRY_DAYS + 5),
        organization__membership_status=OrgStatus.APPLICANT,
    )
    kind, call = APPLICATION_CALLS[transition]
    actor = actor_for(kind, application.organization, staff_user)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        call(actor, application)
    assert excinfo.value.code == "invalid_transition"
    assert snapshot() == before


@pytest.mark.parametrize(("transition", "state"), wrong_states(ORGANIZATION, ORGANIZATION_CALLS))
def test_organization_transition_refused_from_a_wrong_state(
    transition: str, state: str, staff_user: Any
) -> None:
    organization = OrganizationFactory(membership_status=state)
    kind, call = ORGANIZATION_CALLS[transition]
    actor = actor_for(kind, organization, staff_user)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        call(actor, organization)
    assert excinfo.value.code == "invalid_transition"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("transition", "state"), wrong_states(ORGANIZATION, ORGANIZATION_CONSEQUENCES)
)
def test_organization_consequences_refused_from_a_wrong_state(transition: str, state: str) -> None:
    organization = Organization(membership_status=state, legal_name="Misti S.A.C.")
    with pytest.raises(ValidationError) as excinfo:
        ORGANIZATION.apply(organization, transition)
    assert excinfo.value.code == "invalid_transition"
    assert organization.membership_status == state


def test_an_allowed_transition_takes_effect(staff_user) -> None:
    """The other side of the matrix: from a source state the same call works."""
    application = MembershipApplicationFactory(organization__membership_status=OrgStatus.APPLICANT)
    services.membership_application_approve(actor=staff_user, application=application)
    application.refresh_from_db()
    application.organization.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.organization.membership_status == OrgStatus.ACTIVE


def test_the_guard_speaks_first_with_its_reason(auditor) -> None:
    application = MembershipApplicationFactory(status=Status.APPROVED)
    before = snapshot()
    # The reason is translated: pin the language so the test does not depend on which language
    # an earlier test left active in this process.
    with translation.override("en"), pytest.raises(PermissionDenied, match="membership officer"):
        services.membership_application_reject(actor=auditor, application=application, reason="x")
    assert snapshot() == before


# --- The time-driven expiry ---------------------------------------------------------------------

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def info_requested_application(staff_user: Any, **kwargs: Any) -> tuple[Any, Any]:
    """An application whose request for information was sent at T0, and its admin."""
    application = MembershipApplicationFactory(
        organization__membership_status=OrgStatus.APPLICANT, **kwargs
    )
    admin = OrganizationMemberFactory(
        organization=application.organization, role=OrganizationMember.Role.ADMIN
    ).user
    with time_machine.travel(T0, tick=False):
        services.membership_application_request_info(
            actor=staff_user, application=application, message="Adjunte la ficha RUC."
        )
    return application, admin


def expired_notifications() -> int:
    return Notification.objects.filter(event="members.application_expired").count()


def test_an_unanswered_request_expires_after_the_deadline_once(staff_user, settings) -> None:
    settings.MEMBERS_INFO_REQUEST_EXPIRY_DAYS = EXPIRY_DAYS
    application, admin = info_requested_application(staff_user)
    deadline = T0 + datetime.timedelta(days=EXPIRY_DAYS)

    with time_machine.travel(deadline - datetime.timedelta(minutes=1), tick=False):
        assert run_time_transitions()["members.application.expire"] == 0
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert expired_notifications() == 0

    with time_machine.travel(deadline + datetime.timedelta(minutes=1), tick=False):
        assert run_time_transitions()["members.application.expire"] == 1
        # Run twice (a doubled beat tick): nothing more happens.
        assert run_time_transitions()["members.application.expire"] == 0
    application.refresh_from_db()
    application.organization.refresh_from_db()
    assert application.status == Status.EXPIRED
    assert application.decided_by is None
    assert application.decided_at == deadline + datetime.timedelta(minutes=1)
    # Back where it was, like a withdrawal: never a member, so "none" (its people stay).
    assert application.organization.membership_status == OrgStatus.NONE
    assert application.organization.memberships.filter(user=admin).exists()
    notification = Notification.objects.get(event="members.application_expired", recipient=admin)
    assert "30 days" in notification.body or "30 días" in notification.body
    entry = LogEntry.objects.get_for_object(application).order_by("-pk").first()
    assert entry.additional_data["decision"] == "membership_application.expire"
    assert entry.actor is None
    # The admin may apply again.
    services.membership_application_resubmit(
        actor=admin, organization=application.organization, motivation="Ahora sí."
    )


def test_a_former_member_goes_back_to_lapsed(staff_user) -> None:
    application, _admin = info_requested_application(
        staff_user, organization__member_since=datetime.date(2022, 1, 10)
    )
    with time_machine.travel(T0 + datetime.timedelta(days=EXPIRY_DAYS, hours=1), tick=False):
        run_time_transitions_task.apply()
    application.organization.refresh_from_db()
    assert application.organization.membership_status == OrgStatus.LAPSED


def test_an_answered_request_does_not_expire(staff_user) -> None:
    application, admin = info_requested_application(staff_user)
    with time_machine.travel(T0 + datetime.timedelta(days=10), tick=False):
        services.membership_application_respond(
            actor=admin, application=application, response="Adjunta."
        )
    with time_machine.travel(T0 + datetime.timedelta(days=EXPIRY_DAYS + 10), tick=False):
        assert run_time_transitions()["members.application.expire"] == 0
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_nobody_expires_an_application_by_hand_nor_before_its_time(staff_user) -> None:
    application, _admin = info_requested_application(staff_user)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.membership_application_expire(actor=staff_user, application=application)
    with (
        time_machine.travel(T0 + datetime.timedelta(days=1), tick=False),
        pytest.raises(ValidationError) as excinfo,
    ):
        services.membership_application_expire(application=application)
    assert excinfo.value.code == "not_due"
    assert snapshot() == before


# --- The actions each staff page shows ----------------------------------------------------------


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_user)
    return client


def shown_forms(body: str, names: tuple[str, ...]) -> set[str]:
    return {name for name in names if f'data-testid="{name}-form"' in body}


APPLICATION_ACTIONS = ("approve", "request-info", "reject", "respond", "withdraw", "expire")


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        (Status.SUBMITTED, {"approve", "request-info", "reject"}),
        (Status.INFO_REQUESTED, {"approve", "reject"}),
        (Status.APPROVED, set()),
        (Status.REJECTED, set()),
        (Status.WITHDRAWN, set()),
        (Status.EXPIRED, set()),
    ],
)
def test_application_page_shows_the_actions_of_its_state(staff_client, state, shown) -> None:
    application = MembershipApplicationFactory(status=state)
    url = reverse("members_staff:application_detail", args=[application.pk])
    body = staff_client.get(url).content.decode()
    assert shown_forms(body, APPLICATION_ACTIONS) == shown
    assert ('data-testid="application-closed"' in body) == (not shown)
    assert " disabled " not in body  # an administrator may take every action shown


ORGANIZATION_ACTIONS = ("suspend", "reinstate", "lapse", "apply", "admit", "close-application")


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        (OrgStatus.NONE, set()),
        (OrgStatus.APPLICANT, set()),
        (OrgStatus.ACTIVE, {"suspend", "lapse"}),
        (OrgStatus.SUSPENDED, {"reinstate", "lapse"}),
        (OrgStatus.LAPSED, {"reinstate"}),
    ],
)
def test_organization_page_shows_the_actions_of_its_state(staff_client, state, shown) -> None:
    organization = OrganizationFactory(membership_status=state)
    url = reverse("members_staff:organization_detail", args=[organization.pk])
    body = staff_client.get(url).content.decode()
    assert shown_forms(body, ORGANIZATION_ACTIONS) == shown


def test_staff_who_may_not_decide_see_the_actions_disabled_with_the_reason(auditor) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(auditor)
    application = MembershipApplicationFactory()
    body = client.get(
        reverse("members_staff:application_detail", args=[application.pk])
    ).content.decode()
    assert shown_forms(body, APPLICATION_ACTIONS) == {"approve", "request-info", "reject"}
    assert 'name="reason"' not in body  # no form fields, only the disabled buttons
    assert body.count(" disabled ") == 3
    assert "Only a membership officer or an administrator can decide on memberships." in body


# --- Queue counts -------------------------------------------------------------------------------


def test_queue_tabs_come_from_the_table_with_counts_in_one_query(staff_client) -> None:
    MembershipApplicationFactory(status=Status.SUBMITTED)
    MembershipApplicationFactory(status=Status.INFO_REQUESTED)
    MembershipApplicationFactory(status=Status.EXPIRED)
    url = reverse("members_staff:application_list")
    staff_client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = staff_client.get(url)
    tabs = {tab.value: tab.count for tab in response.context["tabs"]}
    assert tabs == {
        "open": 2,
        "submitted": 1,
        "info_requested": 1,
        "approved": 0,
        "rejected": 0,
        "withdrawn": 0,
        "expired": 1,
        "all": 3,
    }
    aggregates = [
        q
        for q in ctx.captured_queries
        if "COUNT(" in q["sql"].upper() and "membershipapplication" in q["sql"]
    ]
    # One aggregate for every tab, one count for the paginator.
    assert len(aggregates) == 2, [q["sql"] for q in aggregates]


def test_queue_page_query_bound(staff_client, max_queries) -> None:
    for index in range(3):
        MembershipApplicationFactory(organization__trade_name=f"Minera {index}")
    max_queries(
        12,
        staff_client.get,
        reverse("members_staff:application_list"),
        expect=["Minera 0", "Minera 1", "Minera 2"],
    )
