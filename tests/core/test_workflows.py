"""The lifecycle module itself (cluster_portal/core/workflows.py), on a small table of its own
over ``MembershipApplication.status`` (no database: records are unsaved instances), plus the
time-driven runner on the database."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone, translation

from cluster_portal.core import workflows
from cluster_portal.core.predicates import Verdict
from cluster_portal.core.workflows import State, TimedTransition, Transition, Workflow, frozen
from members.models import MembershipApplication, Organization

Status = MembershipApplication.Status
STAFF = "staff"
NOBODY = "nobody"


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def staff_only(actor: Any, obj: Any) -> Verdict:
    return Verdict.of(actor == STAFF, "Only staff.")


def plain_bool(actor: Any, obj: Any) -> bool:
    return actor == STAFF


def every_state(**badges: str) -> list[State]:
    return [State(value, badges.get(value, "text-bg-secondary")) for value in Status.values]


def table(**kwargs: Any) -> Workflow[MembershipApplication]:
    defaults: dict[str, Any] = {
        "name": "test.application",
        "model": MembershipApplication,
        "field": "status",
        "states": every_state(submitted="text-bg-primary"),
        "transitions": [
            Transition(
                "approve",
                frozen([Status.SUBMITTED, Status.INFO_REQUESTED]),
                Status.APPROVED,
                "Approve",
                guard=staff_only,
                style="success",
                button_label="Approve membership",
            ),
            Transition(
                "ask", frozen([Status.SUBMITTED]), Status.INFO_REQUESTED, "Ask", guard=plain_bool
            ),
            Transition(
                "withdraw",
                frozen([Status.SUBMITTED]),
                lambda obj: Status.WITHDRAWN,
                "Withdraw",
                audience="organization",
                confirm="Sure?",
            ),
        ],
    }
    return Workflow(**{**defaults, **kwargs})


def record(status: str = Status.SUBMITTED) -> MembershipApplication:
    return MembershipApplication(status=status, organization=Organization(trade_name="Misti"))


def test_labels_come_from_the_model_choices_and_badges_from_the_table() -> None:
    flow = table()
    assert flow.state_label(record()) == "Submitted"
    assert flow.state_label(Status.APPROVED) == "Approved"
    assert flow.state_badge(record()) == "text-bg-primary"
    assert flow.choices()[0] == (Status.SUBMITTED, "Submitted")


def test_open_states_are_those_a_transition_leaves() -> None:
    flow = table()
    assert set(flow.open_values) == {Status.SUBMITTED, Status.INFO_REQUESTED}
    assert Status.APPROVED in flow.final_values
    assert flow.is_open(record())
    assert not flow.is_open(record(Status.REJECTED))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"states": every_state()[:-1]}, "states without a row"),
        ({"states": [*every_state(), State("bogus")]}, "not a choice"),
        (
            {"transitions": [Transition("x", frozen(["bogus"]), Status.APPROVED, "X")]},
            "unknown states",
        ),
        (
            {
                "transitions": [
                    Transition("x", frozen([Status.SUBMITTED]), Status.APPROVED, "X"),
                    Transition("x", frozen([Status.SUBMITTED]), Status.REJECTED, "X"),
                ]
            },
            "declared twice",
        ),
    ],
)
def test_a_wrong_table_fails_when_declared(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        table(**kwargs)


def test_require_refuses_a_wrong_state_with_a_translated_message_naming_it() -> None:
    flow = table()
    obj = record(Status.APPROVED)
    with pytest.raises(ValidationError) as excinfo:
        flow.require(obj, "approve", actor=STAFF)
    assert excinfo.value.code == "invalid_transition"
    assert excinfo.value.messages == ["This is approved: this change is not possible now."]
    assert obj.status == Status.APPROVED


def test_require_refuses_a_guard_with_its_reason_before_looking_at_the_state() -> None:
    flow = table()
    with pytest.raises(PermissionDenied, match=r"Only staff\."):
        flow.require(record(Status.APPROVED), "approve", actor=NOBODY)
    with pytest.raises(PermissionDenied, match=r"You may not do this\."):  # a bool guard
        flow.require(record(), "ask", actor=NOBODY)
    assert flow.require(record(), "approve", actor=STAFF).name == "approve"


def test_a_transition_may_have_its_own_refusal() -> None:
    flow = table(
        transitions=[
            Transition(
                "approve",
                frozen([Status.SUBMITTED]),
                Status.APPROVED,
                "Approve",
                refusal="%(object)s cannot, it is %(state)s.",
            )
        ]
    )
    with pytest.raises(ValidationError, match=r"Misti \(Rejected\) cannot, it is rejected"):
        flow.require(record(Status.REJECTED), "approve")


def test_apply_sets_the_field_and_refuses_a_wrong_state() -> None:
    flow = table()
    obj = record()
    assert flow.apply(obj, "approve") == Status.APPROVED
    assert obj.status == Status.APPROVED
    with pytest.raises(ValidationError):
        flow.apply(obj, "approve")
    other = record()
    assert flow.apply(other, "withdraw") == Status.WITHDRAWN  # a target computed from the row


def test_check_answers_a_verdict_with_the_reason() -> None:
    flow = table()
    assert flow.check(record(), "approve", actor=STAFF)
    denied = flow.check(record(), "approve", actor=NOBODY)
    assert not denied
    assert denied.reason == "Only staff."
    wrong_state = flow.check(record(Status.REJECTED), "approve", actor=STAFF)
    assert not wrong_state
    assert "rejected" in str(wrong_state.reason)
    assert flow.state_allows(record(), "ask")
    assert not flow.state_allows(record(Status.REJECTED), "ask")


def test_actions_for_lists_the_audience_s_transitions_from_the_state_with_reasons() -> None:
    flow = table()
    staff_actions = flow.actions_for(record(), STAFF)
    assert [(a.name, a.allowed) for a in staff_actions] == [("approve", True), ("ask", True)]
    assert staff_actions[0].button == "Approve membership"
    assert staff_actions[0].style == "success"
    assert staff_actions[1].button == "Ask"  # defaults to the label
    refused = flow.actions_for(record(), NOBODY)
    assert [(a.name, a.allowed, str(a.reason)) for a in refused] == [
        ("approve", False, "Only staff."),
        ("ask", False, "You may not do this."),
    ]
    # Not offered from a state the transition does not leave, nor to another audience.
    assert [a.name for a in flow.actions_for(record(Status.INFO_REQUESTED), STAFF)] == ["approve"]
    organization = flow.actions_for(record(), None, audience="organization")
    assert [(a.name, a.confirm) for a in organization] == [("withdraw", "Sure?")]
    assert flow.actions_for(record(Status.APPROVED), STAFF) == []


def test_tags_answer_questions_about_states() -> None:
    flow = table(
        states=[
            State(v, tags=frozenset({"open"}) if v == Status.SUBMITTED else frozenset())
            for v in Status.values
        ]
    )
    assert flow.values_tagged("open") == (Status.SUBMITTED,)
    assert flow.has_tag(record(), "open")
    assert not flow.has_tag(record(Status.APPROVED), "open")


def test_registry_finds_the_apps_workflows_by_model_or_name() -> None:
    found = workflows.registered()
    assert {"members.application", "members.organization"} <= set(found)
    assert workflows.workflow_for(MembershipApplication) is found["members.application"]
    assert workflows.workflow_for(record(), "members.application") is found["members.application"]


# --- Time-driven transitions --------------------------------------------------------------------


calls: list[tuple[Any, int]] = []


def expire_service(*, actor: Any, application: MembershipApplication) -> None:
    """A stand-in service: records the call and moves the row like a real one would."""
    calls.append((actor, application.pk))
    application.status = Status.EXPIRED
    application.save(update_fields=["status"])


def broken_service(*, actor: Any, application: MembershipApplication) -> None:
    raise RuntimeError("boom")


def timed_table(service: str) -> Workflow[MembershipApplication]:
    return table(
        transitions=[
            Transition("expire", frozen([Status.INFO_REQUESTED]), Status.EXPIRED, "Expire"),
        ],
        timed=[
            TimedTransition(
                "expire",
                due=lambda now: Q(decided_at__lte=now - datetime.timedelta(days=1)),
                service=service,
                argument="application",
            )
        ],
    )


@pytest.mark.django_db
def test_run_timed_calls_the_service_for_due_rows_in_a_source_state_only() -> None:
    from tests.members.factories import MembershipApplicationFactory

    calls.clear()
    now = timezone.now()
    old = now - datetime.timedelta(days=2)
    due = MembershipApplicationFactory(status=Status.INFO_REQUESTED, decided_at=old)
    MembershipApplicationFactory(status=Status.INFO_REQUESTED, decided_at=now)  # not yet
    MembershipApplicationFactory(status=Status.SUBMITTED, decided_at=old)  # not a source
    flow = timed_table(f"{__name__}.expire_service")
    assert flow.run_timed(flow.timed[0], now) == 1
    assert calls == [(None, due.pk)]
    assert flow.run_timed(flow.timed[0], now) == 0  # moved: not due any more
    assert calls == [(None, due.pk)]


@pytest.mark.django_db
def test_a_failing_row_is_logged_and_rolled_back(caplog) -> None:
    from tests.members.factories import MembershipApplicationFactory

    row = MembershipApplicationFactory(
        status=Status.INFO_REQUESTED, decided_at=timezone.now() - datetime.timedelta(days=3)
    )
    flow = timed_table(f"{__name__}.broken_service")
    assert flow.run_timed(flow.timed[0], timezone.now()) == 0
    row.refresh_from_db()
    assert row.status == Status.INFO_REQUESTED
    assert "failed" in caplog.text
