"""The secretariat's portfolio pages (issue 11): the list with its filters and totals, creating
and editing projects, status changes with a reason, organizations, funding, the progress update
schedule, milestones, and the verification queue of the impact ledger (four eyes).

Every staff role reads; only portfolio managers (and administrators, who hold every permission)
act; members, visitors and staff without a role are refused. Allowed cases assert the effect;
refused and bad input change nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from challenges.models import (
    ImpactEntry,
    Milestone,
    Project,
    ProjectFunding,
    ProjectOrganization,
)
from cluster_portal.core import roles
from tests.challenges.factories import (
    ImpactEntryFactory,
    MilestoneFactory,
    ProjectFundingFactory,
    project_with_roles,
)
from tests.challenges.portfolio.impact_world import ImpactWorld, contract, evidence, impact_world
from tests.members.factories import CapabilityFactory, OrganizationFactory
from tests.permission_matrix import STAFF_NO_ROLE, STAFF_ROLES, staff_user
from tests.queries import run_counted

pytestmark = pytest.mark.django_db

Status = Project.Status
#: Staff roles that act on the portfolio (``core.manage_portfolio``).
MANAGERS = frozenset({roles.PORTFOLIO_MANAGER, roles.ADMINISTRATOR})
#: Staff roles that read the pages (every role: ``core.view_staff_area``).
READERS = frozenset(STAFF_ROLES) - {STAFF_NO_ROLE}
PEOPLE = ("lead_person", "sponsor_person", "other_member", "visitor")

LIST = reverse("challenges_staff:portfolio_list")
QUEUE = reverse("challenges_staff:portfolio_verification")


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def person(world: ImpactWorld, role: str) -> Any:
    """Someone of the world (``PEOPLE``) or a new member of staff holding ``role``."""
    if role in PEOPLE:
        return world.person(role)
    return staff_user() if role == STAFF_NO_ROLE else staff_user(role)


def refused(response: Any) -> bool:
    """Members and visitors meet the staff gate (404, or the login page for a visitor); staff
    without the right get 403."""
    return response.status_code in (302, 403, 404) and (
        response.status_code != 302 or "/accounts/login/" in response["Location"]
    )


def project_url(project: Project, name: str = "portfolio_project", *args: Any) -> str:
    return reverse(f"challenges_staff:{name}", args=[project.pk, *args])


@pytest.fixture
def world() -> ImpactWorld:
    return impact_world()


# --- Reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*PEOPLE, *STAFF_ROLES])
def test_reading_matrix(world: ImpactWorld, role: str) -> None:
    client = login(person(world, role))
    world.entry(ImpactEntry.Status.CONFIRMED)
    pages = (LIST, QUEUE, project_url(world.project))
    for url in pages:
        response = client.get(url)
        if role in READERS:
            assert response.status_code == 200, (role, url)
            assert world.project.code in response.content.decode()
        else:
            assert refused(response), (role, url, response.status_code)
    # The managers' buttons and forms appear only for managers.
    if role in READERS:
        body = client.get(project_url(world.project)).content.decode()
        assert ('data-testid="edit-project"' in body) == (role in MANAGERS)
        assert ('data-testid="funding-form"' in body) == (role in MANAGERS)
        # Every reader reaches the team's page (milestones, KPIs, updates, ledger) from here,
        # and may open it.
        team_page = reverse("challenges:project_detail", args=[world.project.pk])
        assert f'href="{team_page}"' in body
        assert client.get(team_page).status_code == 200


@pytest.mark.parametrize("role", [*PEOPLE, *STAFF_ROLES])
def test_create_page_matrix(world: ImpactWorld, role: str) -> None:
    response = login(person(world, role)).get(reverse("challenges_staff:portfolio_create"))
    if role in MANAGERS:
        assert response.status_code == 200
    else:
        assert refused(response), (role, response.status_code)


def test_list_columns_risk_flag_and_next_update(world: ImpactWorld) -> None:
    project = world.project
    project.next_update_due = timezone.localdate() - datetime.timedelta(days=3)
    project.save(update_fields=["next_update_due"])
    MilestoneFactory(project=project, due_on=timezone.localdate() - datetime.timedelta(days=5))
    body = login(world.auditor).get(LIST).content.decode()
    assert 'data-testid="at-risk"' in body
    assert world.lead.display_name in body
    assert world.sponsor.display_name in body
    assert "0.0 %" in body  # one live milestone, none accepted
    assert "overdue" in body


def test_filters_status_sponsor_commodity_and_bad_values(world: ImpactWorld) -> None:
    copper = CapabilityFactory(dimension="commodity", slug="cobre-x")
    other, _lead, _partner, other_sponsor = project_with_roles(
        status=Status.PLANNED, title="Proyecto de zinc"
    )
    world.project.commodities.add(copper)
    client = login(world.auditor)

    def codes(**params: Any) -> set[str]:
        response = client.get(LIST, params)
        assert response.status_code == 200
        return {p.code for p in response.context["projects"]}

    both = {world.project.code, other.code}
    assert codes() == both
    assert codes(status="planned") == {other.code}
    assert codes(sponsor=other_sponsor.pk) == {other.code}
    assert codes(commodity=copper.pk) == {world.project.code}
    assert codes(at_risk="no") == both
    assert codes(q="zinc") == {other.code}
    # Values that are not valid are left out: the list is shown, not an error.
    assert codes(status="bogus", sponsor="x", call="99999", commodity="-1") == both


def test_totals_panel_counts_verified_impact_per_currency_and_leverage(
    world: ImpactWorld,
) -> None:
    world.entry(ImpactEntry.Status.VERIFIED)  # contract, S/ (the factory's amount)
    world.entry(ImpactEntry.Status.CONFIRMED)  # waiting: not counted
    ProjectFundingFactory(project=world.project, kind="public", amount_currency="PEN")
    ProjectFundingFactory(
        project=world.project,
        kind="private",
        source="Minera",
        amount=Decimal("250000.00"),
        amount_currency="PEN",
    )
    response = login(world.auditor).get(LIST)
    totals = response.context["totals"]
    assert totals.overall.entries["contract"] == 1
    (leverage,) = totals.leverage
    assert leverage.currency == "PEN"
    assert leverage.ratio == Decimal("2.50")
    body = response.content.decode()
    assert 'data-testid="definitions"' in body
    assert 'data-testid="leverage-PEN"' in body
    assert [s.pk for s, _t in totals.by_sponsor] == [world.sponsor.pk]


# --- Creating and editing ----------------------------------------------------------------------


def _create_data(lead_org: Any, sponsor_org: Any, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Sensores de relaves en línea",
        "lead": lead_org.pk,
        "sponsors": [sponsor_org.pk],
        "starts_on": "2025-03-01",
        "ends_on": "2025-12-31",
        "budget_0": "120000.00",
        "budget_1": "PEN",
        "trl_start": "4",
        "trl_target": "7",
        "region": "arequipa",
        "update_every_days": "30",
        **extra,
    }


@pytest.mark.parametrize("role", [roles.PORTFOLIO_MANAGER, roles.AUDITOR, roles.CALL_MANAGER])
def test_create_project(world: ImpactWorld, role: str) -> None:
    before = Project.objects.count()
    client = login(staff_user(role))
    response = client.post(
        reverse("challenges_staff:portfolio_create"), _create_data(world.lead, world.sponsor)
    )
    if role not in MANAGERS:
        assert response.status_code == 403
        assert Project.objects.count() == before
        return
    project = Project.objects.get(title="Sensores de relaves en línea")
    assert response.status_code == 302
    assert response["Location"] == project_url(project)
    assert project.status == Status.PLANNED
    assert project.budget.amount == Decimal("120000.00")
    roles_of = {(p.organization_id, p.role) for p in project.participants.all()}
    assert roles_of == {(world.lead.pk, "lead"), (world.sponsor.pk, "sponsor")}
    assert LogEntry.objects.filter(additional_data__decision="project.create").exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"lead": ""},
        {"ends_on": "2024-01-01"},  # before the start: the model's constraint, via the service
        {"trl_start": "8", "trl_target": "5"},
        {"budget_0": "-5"},
        {"update_every_days": "400"},
    ],
)
def test_create_with_bad_input_changes_nothing(world: ImpactWorld, bad: dict[str, str]) -> None:
    before = Project.objects.count()
    response = login(world.manager).post(
        reverse("challenges_staff:portfolio_create"),
        _create_data(world.lead, world.sponsor, **bad),
    )
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in response.content.decode()
    assert Project.objects.count() == before


def test_lead_cannot_also_be_a_partner(world: ImpactWorld) -> None:
    response = login(world.manager).post(
        reverse("challenges_staff:portfolio_create"),
        _create_data(world.lead, world.sponsor, partners=[world.lead.pk]),
    )
    assert response.status_code == 400
    assert not Project.objects.filter(title="Sensores de relaves en línea").exists()


def test_edit_project(world: ImpactWorld) -> None:
    url = project_url(world.project, "portfolio_edit")
    client = login(world.manager)
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if name == "budget":
            data["budget_0"], data["budget_1"] = str(value.amount), str(value.currency)
        elif isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    data["title"] = "Título corregido"
    data["is_public"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    world.project.refresh_from_db()
    assert world.project.title == "Título corregido"
    assert world.project.is_public
    # The auditor reads but cannot edit.
    assert login(world.auditor).post(url, {**data, "title": "Otro"}).status_code == 403
    world.project.refresh_from_db()
    assert world.project.title == "Título corregido"


# --- Status, organizations, funding, schedule, milestones --------------------------------------


def test_hold_needs_a_reason_and_keeps_it(world: ImpactWorld) -> None:
    url = project_url(world.project, "portfolio_action", "hold")
    client = login(world.manager)
    response = client.post(url, {"hold-reason": ""})
    assert response.status_code == 400
    world.project.refresh_from_db()
    assert world.project.status == Status.ACTIVE
    response = client.post(url, {"hold-reason": "Paro en la planta"})
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.status == Status.ON_HOLD
    assert world.project.status_reason == "Paro en la planta"
    # A transition the state does not allow changes nothing and says so on the page.
    response = client.post(project_url(world.project, "portfolio_action", "complete"), {})
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.status == Status.ON_HOLD
    assert client.post(project_url(world.project, "portfolio_action", "fly"), {}).status_code == (
        404
    )


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.CALL_MANAGER, roles.EVALUATION_COORDINATOR])
def test_readers_cannot_act(world: ImpactWorld, role: str) -> None:
    client = login(staff_user(role))
    project = world.project
    sponsor_link = project.participants.get(role="sponsor")
    funding = ProjectFundingFactory(project=project)
    milestone = MilestoneFactory(project=project)
    posts = [
        (project_url(project, "portfolio_action", "hold"), {"hold-reason": "x"}),
        (project_url(project, "portfolio_participant_add"), {}),
        (project_url(project, "portfolio_participant_remove", sponsor_link.pk), {}),
        (project_url(project, "portfolio_funding_add"), {}),
        (project_url(project, "portfolio_funding_remove", funding.pk), {}),
        (project_url(project, "portfolio_schedule"), {"update_every_days": "7"}),
        (project_url(project, "portfolio_milestone_add"), {}),
        (project_url(project, "portfolio_milestone_cancel", milestone.pk), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    project.refresh_from_db()
    assert project.status == Status.ACTIVE
    assert project.update_every_days == 30
    assert ProjectOrganization.objects.filter(pk=sponsor_link.pk).exists()
    assert ProjectFunding.objects.filter(pk=funding.pk).exists()
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.PENDING


def test_participants_add_and_remove(world: ImpactWorld) -> None:
    client = login(world.manager)
    newcomer = OrganizationFactory()
    url = project_url(world.project, "portfolio_participant_add")
    assert client.post(url, {"organization": newcomer.pk, "role": "boss"}).status_code == 400
    assert client.post(url, {"organization": newcomer.pk, "role": "sponsor"}).status_code == 302
    link = world.project.participants.get(organization=newcomer)
    assert link.role == "sponsor"
    # The same organization twice in the same role: a form error, nothing added.
    assert client.post(url, {"organization": newcomer.pk, "role": "sponsor"}).status_code == 400
    assert world.project.participants.filter(organization=newcomer).count() == 1
    remove = project_url(world.project, "portfolio_participant_remove", link.pk)
    assert client.post(remove).status_code == 302
    assert not world.project.participants.filter(organization=newcomer).exists()
    lead = world.project.participants.get(role="lead")
    client.post(project_url(world.project, "portfolio_participant_remove", lead.pk))
    assert ProjectOrganization.objects.filter(pk=lead.pk).exists()  # the lead stays


def test_funding_add_and_remove(world: ImpactWorld) -> None:
    client = login(world.manager)
    url = project_url(world.project, "portfolio_funding_add")
    bad = {"source": "Fondo", "kind": "public", "amount_0": "0", "amount_1": "PEN"}
    assert client.post(url, bad).status_code == 400
    assert not world.project.funding.exists()
    good = {**bad, "amount_0": "50000.00", "amount_1": "USD"}
    assert client.post(url, good).status_code == 302
    funding = world.project.funding.get()
    assert str(funding.amount.currency) == "USD"
    assert funding.amount.amount == Decimal("50000.00")
    remove = project_url(world.project, "portfolio_funding_remove", funding.pk)
    assert client.post(remove).status_code == 302
    assert not world.project.funding.exists()


def test_schedule(world: ImpactWorld) -> None:
    client = login(world.manager)
    url = project_url(world.project, "portfolio_schedule")
    assert client.post(url, {"update_every_days": "-1"}).status_code == 400
    due = timezone.localdate() + datetime.timedelta(days=14)
    response = client.post(url, {"update_every_days": "14", "next_update_due": due.isoformat()})
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.update_every_days == 14
    assert world.project.next_update_due == due


def test_milestones_add_and_cancel(world: ImpactWorld) -> None:
    client = login(world.manager)
    url = project_url(world.project, "portfolio_milestone_add")
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    assert client.post(url, {"title": "Piloto", "due_on": due, "weight": "0"}).status_code == 400
    assert not world.project.milestones.exists()
    assert client.post(url, {"title": "Piloto", "due_on": due, "weight": "3"}).status_code == 302
    milestone = world.project.milestones.get()
    assert milestone.weight == 3
    cancel = project_url(world.project, "portfolio_milestone_cancel", milestone.pk)
    assert client.post(cancel, {f"cancel-{milestone.pk}-reason": "Ya no aplica"}).status_code == (
        302
    )
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.CANCELLED


# --- Verification queue ------------------------------------------------------------------------


def test_queue_shows_confirmed_entries_with_evidence(world: ImpactWorld) -> None:
    from challenges.services.impact import impact_claim, impact_confirm

    entry = impact_claim(
        actor=world.lead_person,
        project=world.project,
        data=contract(),
        files=[evidence()],
    )
    impact_confirm(actor=world.sponsor_person, entry=entry)
    response = login(world.auditor).get(QUEUE)
    body = response.content.decode()
    assert [row.entry.pk for row in response.context["rows"]] == [entry.pk]
    assert "orden-de-compra.pdf" in body
    assert 'data-testid="verify"' in body
    assert "disabled" in body.split('data-testid="verify"')[0].rsplit("<button", 1)[1]


def test_four_eyes_through_the_page(world: ImpactWorld) -> None:
    """A portfolio manager who confirmed an entry (standing in for a sponsor) sees Verify
    disabled with the reason, and a POST changes nothing; a colleague verifies it."""
    entry = world.entry(ImpactEntry.Status.CONFIRMED, confirmed_by=world.manager)
    first = login(world.manager)
    body = first.get(QUEUE).content.decode()
    assert 'data-testid="verify-reason"' in body
    response = first.post(reverse("challenges_staff:portfolio_impact_verify", args=[entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == ImpactEntry.Status.CONFIRMED
    assert entry.verified_by is None
    second = login(world.second_manager)
    assert 'data-testid="verify-reason"' not in second.get(QUEUE).content.decode()
    response = second.post(reverse("challenges_staff:portfolio_impact_verify", args=[entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == ImpactEntry.Status.VERIFIED
    assert entry.verified_by == world.second_manager


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.CALL_MANAGER, STAFF_NO_ROLE])
def test_only_managers_verify_or_reject(world: ImpactWorld, role: str) -> None:
    confirmed = world.entry(ImpactEntry.Status.CONFIRMED)
    claim = world.entry(ImpactEntry.Status.CLAIMED)
    client = login(person(world, role))
    verify = reverse("challenges_staff:portfolio_impact_verify", args=[confirmed.pk])
    reject = reverse("challenges_staff:portfolio_impact_reject", args=[claim.pk])
    assert client.post(verify).status_code == 403
    assert client.post(reject, {"reason": "No corresponde"}).status_code == 403
    confirmed.refresh_from_db()
    claim.refresh_from_db()
    assert confirmed.status == ImpactEntry.Status.CONFIRMED
    assert claim.status == ImpactEntry.Status.CLAIMED


@pytest.mark.parametrize("role", ["lead_person", "sponsor_person", "other_member", "visitor"])
def test_people_outside_the_secretariat_cannot_verify(world: ImpactWorld, role: str) -> None:
    entry = world.entry(ImpactEntry.Status.CONFIRMED)
    response = login(world.person(role)).post(
        reverse("challenges_staff:portfolio_impact_verify", args=[entry.pk])
    )
    assert refused(response)
    entry.refresh_from_db()
    assert entry.status == ImpactEntry.Status.CONFIRMED


def test_reject_a_claim_needs_a_reason(world: ImpactWorld) -> None:
    claim = world.entry(ImpactEntry.Status.CLAIMED)
    client = login(world.manager)
    page = client.get(QUEUE, {"tab": "claimed"})
    assert [row.entry.pk for row in page.context["rows"]] == [claim.pk]
    url = reverse("challenges_staff:portfolio_impact_reject", args=[claim.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == ImpactEntry.Status.CLAIMED
    response = client.post(url, {"reason": "La orden de compra no es del proyecto"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ImpactEntry.Status.REJECTED
    assert claim.rejected_reason == "La orden de compra no es del proyecto"
    # A confirmed entry is frozen: rejecting it is refused and changes nothing.
    confirmed = world.entry(ImpactEntry.Status.CONFIRMED)
    client.post(
        reverse("challenges_staff:portfolio_impact_reject", args=[confirmed.pk]), {"reason": "x"}
    )
    confirmed.refresh_from_db()
    assert confirmed.status == ImpactEntry.Status.CONFIRMED


# --- Navigation and admin ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.PORTFOLIO_MANAGER, roles.EDITOR])
def test_staff_home_lists_the_portfolio(role: str) -> None:
    body = login(staff_user(role)).get(reverse("staff_home")).content.decode()
    assert f'href="{LIST}"' in body


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.PORTFOLIO_MANAGER, 200),
        (roles.AUDITOR, 200),
        (roles.ADMINISTRATOR, 200),
        (roles.CALL_MANAGER, 403),
    ],
)
def test_admin_reads_the_portfolio_and_changes_nothing(
    world: ImpactWorld, role: str, status: int
) -> None:
    client = login(staff_user(role))
    MilestoneFactory(project=world.project)
    for model in ("project", "milestone", "projectfunding", "impactentry", "progressupdate"):
        url = reverse(f"admin:challenges_{model}_changelist")
        assert client.get(url).status_code == status, (role, model)
    change = reverse("admin:challenges_project_change", args=[world.project.pk])
    page = client.get(change)
    assert page.status_code == status
    if status == 200:
        assert 'name="_save"' not in page.content.decode()
        assert client.post(change, {"title": "Cambiado"}).status_code == 403
        assert client.get(reverse("admin:challenges_project_add")).status_code == 403
    world.project.refresh_from_db()
    assert world.project.title != "Cambiado"


# --- Query counts ------------------------------------------------------------------------------


def _portfolio(size: int, tag: str) -> None:
    copper = CapabilityFactory(dimension="commodity")
    for n in range(size):
        project, *_organizations = project_with_roles(title=f"Proyecto {tag}{n}")
        project.commodities.add(copper)
        MilestoneFactory(project=project)
        ProjectFundingFactory(project=project)
        ImpactEntryFactory(project=project, status=ImpactEntry.Status.VERIFIED)
        ImpactEntryFactory(project=project, status=ImpactEntry.Status.CONFIRMED)


#: Measured: the list 16 (session, user, permissions; filter choices for sponsor, call and
#: commodity; count and page of projects, participants; five for the totals; the queue's count),
#: the queue 10 (confirmed) and 6 (claims: no evidence files, no action guards' queries).
@pytest.mark.parametrize(
    ("url", "params", "bound"),
    [
        (LIST, {}, 16),
        (LIST, {"status": "active", "at_risk": "no"}, 16),
        (QUEUE, {}, 10),
        (QUEUE, {"tab": "claimed"}, 10),
    ],
)
def test_queries_do_not_grow_with_the_portfolio(
    url: str, params: dict[str, str], bound: int
) -> None:
    manager = staff_user(roles.PORTFOLIO_MANAGER)
    client = login(manager)
    _portfolio(2, "a")
    _response, small = run_counted(bound, client.get, url, params)
    _portfolio(10, "b")
    _response, large = run_counted(
        bound, client.get, url, params, expect=["Proyecto b9"] if url == LIST else []
    )
    assert large == small, (small, large)
