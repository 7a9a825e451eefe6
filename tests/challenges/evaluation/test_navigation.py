"""How evaluators find their work: the "My evaluations" panel of the personal dashboard
(declarations and reviews waiting, next due date, link to the queue), an outside expert's landing
page after login, and the panel's bounded cost.

There is no navigation entry for evaluators: knowing whether a person is one costs a query, and
every page of the portal pays a fixed bookkeeping budget (tests/core/test_bookkeeping.py)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from challenges.models import Assignment
from cluster_portal.dashboard.panels import panels_for
from members.viewer import viewer_for
from tests.challenges.factories import AssignmentFactory, EvaluatorFactory
from tests.members.factories import (
    DEFAULT_PASSWORD,
    OrganizationMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")
QUEUE = reverse("challenges:evaluation_list")
PANEL = 'data-testid="panel-challenges.evaluations"'


def english(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def assign(evaluator, *, status: str = Assignment.Status.PENDING, days: float = 5) -> Assignment:
    return AssignmentFactory(
        evaluator=evaluator, status=status, due_at=timezone.now() + datetime.timedelta(days=days)
    )


def keys(user) -> list[str]:
    return [p.key for p in panels_for(viewer_for(user))]


def test_panel_counts_declarations_and_reviews_and_shows_the_next_due_date() -> None:
    expert = EvaluatorFactory()
    OrganizationMemberFactory(user=expert.user)  # an evaluator from a member organization
    assign(expert, days=9)
    assign(expert, days=2)
    assign(expert, status=Assignment.Status.ACCEPTED, days=4)
    assign(expert, status=Assignment.Status.SUBMITTED, days=1)  # done: not waiting, not next
    assign(expert, status=Assignment.Status.CONFLICT, days=0.5)  # gone
    assign(expert, status=Assignment.Status.REMOVED, days=0.5)  # gone
    body = english(expert.user).get(DASHBOARD).content.decode()
    assert PANEL in body
    assert "2 proposals wait for your declaration of conflicts" in body
    assert "1 review to score and submit" in body
    # The pending one due in two days, not the submitted one due tomorrow.
    soonest = Assignment.objects.get(
        evaluator=expert,
        status=Assignment.Status.PENDING,
        due_at__lt=timezone.now() + datetime.timedelta(days=3),
    )
    with translation.override("en"):
        when = date_format(timezone.localtime(soonest.due_at), "SHORT_DATETIME_FORMAT")
    assert f"Next due date: {when}" in body
    assert f'href="{QUEUE}"' in body


def test_an_overdue_declaration_is_said_so() -> None:
    expert = EvaluatorFactory()
    assign(expert, days=-1)
    body = english(expert.user).get(DASHBOARD).content.decode()
    assert "Overdue since" in body
    assert "Next due date:" not in body


def test_all_reviews_submitted_is_said_and_no_due_date_is_shown() -> None:
    expert = EvaluatorFactory()
    OrganizationMemberFactory(user=expert.user)
    assign(expert, status=Assignment.Status.SUBMITTED)
    body = english(expert.user).get(DASHBOARD).content.decode()
    assert "All your reviews are submitted." in body
    assert 'data-testid="evaluations-next-due"' not in body


def test_who_gets_the_panel() -> None:
    member = OrganizationMemberFactory().user
    assert "challenges.evaluations" not in keys(member)
    # An evaluator of a member organization with nothing active: no panel (nothing to do).
    idle = EvaluatorFactory()
    OrganizationMemberFactory(user=idle.user)
    assign(idle, status=Assignment.Status.CONFLICT)
    assert "challenges.evaluations" not in keys(idle.user)
    busy = EvaluatorFactory()
    OrganizationMemberFactory(user=busy.user)
    assign(busy)
    assert keys(busy.user)[0] == "challenges.evaluations"
    assert "members.organizations" in keys(busy.user)


def test_an_outside_expert_lands_on_their_evaluations_not_on_joining_the_cluster() -> None:
    expert = EvaluatorFactory(user=UserFactory(email="experta@independiente.pe"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        reverse("account_login"), {"login": expert.user.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == DASHBOARD
    body = client.get(DASHBOARD).content.decode()
    assert PANEL in body
    assert "No proposal is assigned to you yet" in body
    assert 'data-testid="panel-members.getting_started"' not in body
    assert "Join the cluster" not in body
    assert keys(expert.user) == ["challenges.evaluations", "notifications.unread"]
    assign(expert)
    body = client.get(DASHBOARD).content.decode()
    assert "1 proposal waits for your declaration of conflicts" in body
    # The queue the panel links to lists it.
    assert 'data-testid="evaluation-row"' in client.get(QUEUE).content.decode()


def test_a_person_of_no_organization_who_is_no_evaluator_still_sees_how_to_join() -> None:
    assert keys(UserFactory()) == ["members.getting_started", "notifications.unread"]


@pytest.mark.parametrize("n", [1, 8])
def test_evaluator_dashboard_query_count_is_constant(max_queries, n) -> None:
    expert = EvaluatorFactory()
    for i in range(n):
        assign(expert, status=Assignment.Status.ACCEPTED if i % 2 else Assignment.Status.PENDING)
    # session + user, evaluator profile + assignment counts, viewer memberships, notifications
    # count + list (an outside expert's "Join the cluster" and its three queries are skipped).
    response = max_queries(7, english(expert.user).get, DASHBOARD, expect=[PANEL])
    pending = (n + 1) // 2
    assert f"{pending} proposal" in response.content.decode()
