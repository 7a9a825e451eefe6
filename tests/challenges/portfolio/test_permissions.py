"""The portfolio's permission matrix: every role towards a project (supplier lead's admin and
member, partner, sponsor's admin and member, someone of another member organization, a
visitor) and every staff role, for each read and write of the portfolio services and
selectors. An allowed case asserts the effect (the row written or changed); a refused one
asserts that nothing changed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation
from djmoney.money import Money

from challenges.models import (
    Measurement,
    Milestone,
    ProgressComment,
    ProgressUpdate,
    Project,
    ProjectFunding,
)
from challenges.selectors import portfolio as selectors
from challenges.services import portfolio as services
from cluster_portal.core import roles
from tests.challenges.factories import IndicatorFactory, MilestoneFactory
from tests.challenges.portfolio.portfolio_world import ALL_ROLES, PortfolioWorld, pdf
from tests.challenges.portfolio.portfolio_world import portfolio_world as build_world
from tests.permission_matrix import STAFF_NO_ROLE

pytestmark = pytest.mark.django_db

TEAM = {"lead_admin", "lead_member", "partner_member"}
SPONSORS = {"sponsor_admin", "sponsor_member"}
PARTICIPANTS = TEAM | SPONSORS
MANAGERS = {roles.PORTFOLIO_MANAGER, roles.ADMINISTRATOR}
#: Every staff role reads the staff area; staff without a role reads nothing.
STAFF_READERS = set(roles.ROLE_CODES)
assert STAFF_NO_ROLE not in STAFF_READERS

#: action → who may take it.
EXPECTED: dict[str, set[str]] = {
    "view": PARTICIPANTS | STAFF_READERS,
    "edit_title": MANAGERS,
    "trl_now": TEAM | MANAGERS,
    "grant_consent": {"lead_admin"} | MANAGERS,
    "withdraw_consent": {"lead_admin", "sponsor_admin"} | MANAGERS,
    "start": MANAGERS,
    "funding_add": MANAGERS,
    "milestone_add": TEAM | MANAGERS,
    "milestone_submit": TEAM | MANAGERS,
    "milestone_accept": SPONSORS | MANAGERS,
    "milestone_cancel": MANAGERS,
    "measurement_record": TEAM | MANAGERS,
    "progress_update": TEAM | MANAGERS,
    "comment": PARTICIPANTS | STAFF_READERS,
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world() -> PortfolioWorld:
    return build_world(status="planned")


def _view(world: PortfolioWorld, user: Any) -> Callable[[], bool]:
    def act() -> bool:
        selectors.project_get_for_user(user=user, project_id=world.project.pk)
        return True

    return act


def attempt(action: str, world: PortfolioWorld, user: Any) -> tuple[Callable[[], Any], Callable]:
    """(the call, the check of its effect: True when it happened)."""
    project = world.project
    today = timezone.localdate()
    if action == "view":
        return _view(world, user), lambda: True
    if action == "edit_title":
        return (
            lambda: services.project_update(actor=user, project=project, data={"title": "Nuevo"}),
            lambda: Project.objects.get(pk=project.pk).title == "Nuevo",
        )
    if action == "trl_now":
        return (
            lambda: services.project_update(actor=user, project=project, data={"trl_now": 6}),
            lambda: Project.objects.get(pk=project.pk).trl_now == 6,
        )
    if action == "grant_consent":
        return (
            lambda: services.project_update(actor=user, project=project, data={"is_public": True}),
            lambda: Project.objects.get(pk=project.pk).is_public,
        )
    if action == "withdraw_consent":
        Project.objects.filter(pk=project.pk).update(public_site=True)
        return (
            lambda: services.project_update(
                actor=user, project=project, data={"public_site": False}
            ),
            lambda: not Project.objects.get(pk=project.pk).public_site,
        )
    if action == "start":
        return (
            lambda: services.project_transition(actor=user, project=project, name="start"),
            lambda: Project.objects.get(pk=project.pk).status == "active",
        )
    if action == "funding_add":
        return (
            lambda: services.project_funding_add(
                actor=user,
                project=project,
                source="Fondo",
                kind="public",
                amount=Money(Decimal("10"), "PEN"),
            ),
            lambda: ProjectFunding.objects.filter(project=project).exists(),
        )
    if action == "milestone_add":
        return (
            lambda: services.milestone_add(
                actor=user, project=project, title="Nuevo hito", due_on=today
            ),
            lambda: Milestone.objects.filter(project=project, title="Nuevo hito").exists(),
        )
    if action in ("milestone_submit", "milestone_accept", "milestone_cancel"):
        status = "submitted" if action == "milestone_accept" else "pending"
        milestone = MilestoneFactory(project=project, status=status)
        target = {
            "milestone_submit": "submitted",
            "milestone_accept": "accepted",
            "milestone_cancel": "cancelled",
        }[action]
        calls = {
            "milestone_submit": lambda: services.milestone_submit(
                actor=user, milestone=milestone, note="Evidencia", files=[pdf()]
            ),
            "milestone_accept": lambda: services.milestone_accept(actor=user, milestone=milestone),
            "milestone_cancel": lambda: services.milestone_cancel(actor=user, milestone=milestone),
        }
        return calls[action], lambda: Milestone.objects.get(pk=milestone.pk).status == target
    if action == "measurement_record":
        indicator = IndicatorFactory(project=project)
        return (
            lambda: services.measurement_record(
                actor=user,
                indicator=indicator,
                period_start=datetime.date(2026, 1, 1),
                period_end=datetime.date(2026, 3, 31),
                value="1.5",
            ),
            lambda: Measurement.objects.filter(indicator=indicator).exists(),
        )
    if action == "progress_update":
        return (
            lambda: services.progress_update_submit(
                actor=user, project=project, period_end=today, summary="Avance"
            ),
            lambda: ProgressUpdate.objects.filter(project=project).exists(),
        )
    if action == "comment":
        update = ProgressUpdate.objects.create(project=project, period_end=today, summary="x")
        return (
            lambda: services.progress_comment_add(actor=user, update=update, body="Comentario"),
            lambda: ProgressComment.objects.filter(update=update).exists(),
        )
    raise ValueError(action)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_portfolio_matrix(world, action: str, role: str) -> None:
    user = world.person(role)
    call, happened = attempt(action, world, user)
    if role in EXPECTED[action]:
        call()
        assert happened(), (action, role)
    else:
        with pytest.raises((PermissionDenied, Http404)):
            call()
        assert action == "view" or not happened(), (action, role)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_lists_show_only_what_each_role_may_see(world, role: str) -> None:
    user = world.person(role)
    shown = list(selectors.project_list_for_user(user=user))
    assert shown == ([world.project] if role in EXPECTED["view"] else [])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_public_page_follows_consent(world, role: str) -> None:
    user = world.person(role)
    if role in EXPECTED["view"]:
        assert selectors.project_get_public(user=user, project_id=world.project.pk)
    else:
        with pytest.raises(Http404):
            selectors.project_get_public(user=user, project_id=world.project.pk)
    Project.objects.filter(pk=world.project.pk).update(is_public=True)
    assert selectors.project_get_public(user=user, project_id=world.project.pk)
