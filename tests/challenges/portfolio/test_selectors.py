"""challenges.selectors.portfolio: progress and risk in SQL agree with challenges.progress,
who sees which projects, the filters, one project (404 for others, public page), KPI history,
and constant queries at two sizes."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from challenges.models import Milestone, Project
from challenges.progress import progress_of, project_at_risk
from challenges.selectors import portfolio as selectors
from tests.challenges.factories import (
    CallFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    MiningCompanyFactory,
    ProjectFactory,
    ProjectOrganizationFactory,
    project_with_roles,
)
from tests.challenges.portfolio.portfolio_world import PortfolioWorld, portfolio_world
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def world() -> PortfolioWorld:
    return portfolio_world()


# --- Progress and risk in SQL --------------------------------------------------------------------


def test_progress_and_risk_on_a_hand_computed_project(world) -> None:
    # Weights 1 (accepted), 2 (accepted), 3 (submitted, late) and 60 cancelled: 3/6 = 50.0 %.
    MilestoneFactory(project=world.project, weight=1, status="accepted", due_on=days(-40))
    MilestoneFactory(project=world.project, weight=2, status="accepted", due_on=days(-20))
    MilestoneFactory(project=world.project, weight=3, status="submitted", due_on=days(-1))
    MilestoneFactory(project=world.project, weight=60, status="cancelled", due_on=days(-90))
    project = selectors.project_list_queryset().get(pk=world.project.pk)
    assert (project.progress_done_weight, project.progress_total_weight) == (3, 6)
    assert project.progress_tenths == 500
    assert project.progress == Decimal("50.0")
    assert project.at_risk is True


def test_a_project_without_live_milestones_has_no_progress_and_no_risk(world) -> None:
    MilestoneFactory(project=world.project, status="cancelled", due_on=days(-5))
    project = selectors.project_list_queryset().get(pk=world.project.pk)
    assert (project.progress, project.progress_tenths, project.at_risk) == (None, None, False)


def test_a_milestone_due_today_is_not_late_and_a_closed_project_is_never_at_risk(world) -> None:
    MilestoneFactory(project=world.project, status="pending", due_on=days(0))
    assert selectors.project_list_queryset().get(pk=world.project.pk).at_risk is False
    done = ProjectFactory(status="completed")
    MilestoneFactory(project=done, status="pending", due_on=days(-3))
    assert selectors.project_list_queryset().get(pk=done.pk).at_risk is False


def test_sql_agrees_with_the_pure_roll_up_on_random_projects() -> None:
    rng = random.Random(11)
    statuses = list(Milestone.Status.values)
    today = timezone.localdate()
    for _ in range(25):
        project = ProjectFactory(status=rng.choice(list(Project.Status.values)))
        for _ in range(rng.randint(0, 6)):
            MilestoneFactory(
                project=project,
                weight=rng.randint(1, 100),
                status=rng.choice(statuses),
                due_on=days(rng.randint(-30, 30)),
            )
    for project in selectors.project_list_queryset().prefetch_related("milestones"):
        milestones = list(project.milestones.all())
        assert project.progress == progress_of(milestones, today).percent, project.pk
        assert project.at_risk == project_at_risk(project.status, milestones, today), project.pk


# --- Visibility ----------------------------------------------------------------------------------


def test_people_see_their_organizations_projects_and_staff_roles_see_all(world) -> None:
    other = ProjectFactory()
    for person in (world.lead_member, world.partner_member, world.sponsor_member):
        assert list(selectors.project_list_for_user(user=person)) == [world.project]
    assert not selectors.project_list_for_user(user=world.other_member).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.project_list_for_user(user=AnonymousUser()).exists()
    for person in (world.manager, world.auditor):
        assert set(selectors.project_list_for_user(user=person)) == {world.project, other}
        assert set(selectors.project_staff_list(user=person)) == {world.project, other}
    with pytest.raises(PermissionDenied):
        selectors.project_staff_list(user=world.lead_admin)


def test_one_project_is_404_for_those_who_may_not_see_it(world) -> None:
    MilestoneFactory(project=world.project)
    project = selectors.project_get_for_user(user=world.sponsor_member, project_id=world.project.pk)
    assert project == world.project
    for person in (world.other_member, None):
        with pytest.raises(Http404):
            selectors.project_get_for_user(user=person, project_id=world.project.pk)
    with pytest.raises(Http404):
        selectors.project_get_for_user(user=world.manager, project_id=999999)
    with pytest.raises(Http404):
        selectors.project_get_for_user(user=world.manager, project_id="x")
    # The public page: only once the project consented.
    with pytest.raises(Http404):
        selectors.project_get_public(user=world.other_member, project_id=world.project.pk)
    Project.objects.filter(pk=world.project.pk).update(is_public=True)
    assert selectors.project_get_public(user=None, project_id=world.project.pk) == world.project
    with pytest.raises(Http404):  # public does not open the whole page
        selectors.project_get_for_user(user=world.other_member, project_id=world.project.pk)


def test_projects_of_an_organization_by_role(world) -> None:
    second = ProjectFactory()
    ProjectOrganizationFactory(project=second, organization=world.lead, role="partner")
    assert set(selectors.projects_of_organization(organization=world.lead)) == {
        world.project,
        second,
    }
    assert list(selectors.projects_of_organization(organization=world.lead, roles=["lead"])) == [
        world.project
    ]
    assert list(selectors.projects_of_organization(organization=world.sponsor.pk)) == [
        world.project
    ]


# --- Filters -------------------------------------------------------------------------------------


def test_staff_filters(world) -> None:
    call = CallFactory()
    late, _lead, _partner, sponsor = project_with_roles(status="on_hold", region="tacna", call=call)
    MilestoneFactory(project=late, due_on=days(-2))
    planned = ProjectFactory(status="planned", region="arequipa", title="Relaves secos")

    def codes(**filters) -> set[int]:
        return {p.pk for p in selectors.project_staff_list(user=world.auditor, filters=filters)}

    everyone = {world.project.pk, late.pk, planned.pk}
    assert codes() == everyone
    assert codes(status="on_hold") == {late.pk}
    assert codes(status=["planned", "active"]) == {planned.pk, world.project.pk}
    assert codes(status="nonsense") == everyone  # invalid values are ignored
    assert codes(at_risk="1") == {late.pk}
    assert codes(at_risk="false") == {world.project.pk, planned.pk}
    assert codes(at_risk="maybe") == everyone
    assert codes(sponsor=str(sponsor.pk)) == {late.pk}
    assert codes(sponsor=world.sponsor) == {world.project.pk}
    assert codes(sponsor="x") == everyone
    assert codes(call=call.pk) == {late.pk}
    assert codes(region="tacna") == {late.pk}
    assert codes(q="relaves") == {planned.pk}
    assert codes(q=late.code) == {late.pk}
    assert codes(region="tacna", at_risk=True, status="on_hold") == {late.pk}


def test_a_sponsor_filter_matches_sponsors_only(world) -> None:
    assert not selectors.project_staff_list(
        user=world.manager, filters={"sponsor": world.lead.pk}
    ).exists()


# --- KPI history ---------------------------------------------------------------------------------


def test_kpi_history_per_indicator_in_period_order(world) -> None:
    water = IndicatorFactory(
        project=world.project, baseline=Decimal("0.80"), target=Decimal("0.55"), position=1
    )
    jobs = IndicatorFactory(
        project=world.project, name="Empleos", baseline=0, target=10, higher_is_better=True
    )
    IndicatorFactory(project=ProjectFactory())  # another project's
    for start, value in (("2026-04-01", "0.70"), ("2026-01-01", "0.74")):
        begin = datetime.date.fromisoformat(start)
        MeasurementFactory(
            indicator=water,
            period_start=begin,
            period_end=begin + datetime.timedelta(days=89),
            value=Decimal(value),
        )
    history = selectors.kpi_history(world.project)
    assert [h.indicator for h in history] == [jobs, water]
    water_history = history[1]
    assert [m.value for m in water_history.measurements] == [Decimal("0.74"), Decimal("0.70")]
    assert water_history.latest.value == Decimal("0.70")
    assert water_history.achievement == Decimal("40.0")  # 0.10 of 0.25
    assert history[0].latest is None
    assert history[0].achievement is None
    assert selectors.indicator_history(water).measurements == water_history.measurements
    detailed = selectors.project_get_for_user(user=world.auditor, project_id=world.project.pk)
    _, queries = count_queries(0, lambda: selectors.kpi_history(detailed))
    assert queries == 0


# --- Query counts --------------------------------------------------------------------------------


def _portfolio(size: int) -> MiningCompanyFactory:
    """``size`` projects sharing a sponsor, each with participants, milestones (one late) and
    an indicator."""
    sponsor = MiningCompanyFactory()
    for number in range(size):
        project, *_ = project_with_roles(title=f"Proyecto de prueba {number}")
        ProjectOrganizationFactory(project=project, organization=sponsor, role="sponsor")
        MilestoneFactory(project=project, status="accepted", weight=3)
        MilestoneFactory(project=project, status="cancelled", weight=50)
        MilestoneFactory(project=project, due_on=days(-1 - number), weight=3)
        IndicatorFactory(project=project)
    return sponsor


def _read_list(queryset) -> list[tuple]:
    rows = []
    for project in queryset:
        names = [p.organization.display_name for p in project.participants.all()]
        rows.append((project.code, project.progress, project.at_risk, names, project.call_id))
    return rows


@pytest.mark.parametrize("size", [2, 12])
def test_lists_run_a_constant_number_of_queries(size) -> None:
    sponsor = _portfolio(size)
    staff = portfolio_world().manager
    from tests.members.factories import OrganizationMemberFactory

    sponsor_person = OrganizationMemberFactory(organization=sponsor).user

    rows, _queries = count_queries(
        2, lambda: _read_list(selectors.project_staff_list(user=staff, filters={"at_risk": "1"}))
    )
    assert len(rows) == size  # the world's project has no late milestone
    assert all(row[1] == Decimal("50.0") and row[2] for row in rows)
    assert all(len(row[3]) == 4 for row in rows)

    # The person's viewer (their organizations) is read once, then 2 queries.
    rows, _queries = count_queries(
        3, lambda: _read_list(selectors.project_list_for_user(user=sponsor_person))
    )
    assert len(rows) == size

    rows, _queries = count_queries(
        2, lambda: _read_list(selectors.projects_of_organization(organization=sponsor))
    )
    assert len(rows) == size


@pytest.mark.parametrize("size", [1, 6])
def test_the_project_detail_runs_a_constant_number_of_queries(size, world) -> None:
    for number in range(size):
        MilestoneFactory(project=world.project, title=f"Hito {number}")
        indicator = IndicatorFactory(project=world.project)
        MeasurementFactory(indicator=indicator)

    def read() -> tuple:
        project = selectors.project_get_for_user(user=world.auditor, project_id=world.project.pk)
        return (
            [m.title for m in project.milestones.all()],
            [(h.indicator.pk, len(h.measurements)) for h in selectors.kpi_history(project)],
            [f.amount for f in project.funding.all()],
            [
                (u.summary, [c.body for c in u.comments.all()])
                for u in project.progress_updates.all()
            ],
            [c.pk for c in project.challenges.all()],
            [p.organization.display_name for p in project.participants.all()],
        )

    # The project with its annotations, then one query per prefetched relation (participants,
    # funding, milestones, indicators and their periods, updates and their comments, challenges,
    # commodities, areas): 10 at any size (the viewer's permissions are read when warming).
    result, _queries = count_queries(10, read)
    assert len(result[0]) == size
    assert len(result[1]) == size
