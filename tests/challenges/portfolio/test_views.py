"""The project pages of the team and the sponsors (challenges.views.portfolio): who sees "Our
projects" and the project page (404 for outsiders, the public page for a public project), every
milestone, KPI and progress action per role with its effect or its refusal (nothing changes),
bad input shown on the form, and constant queries at two sizes. The impact ledger's actions are
in test_impact_views.py."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from challenges.models import (
    Indicator,
    Measurement,
    Milestone,
    ProgressComment,
    ProgressUpdate,
    Project,
)
from cluster_portal.files.models import Attachment
from tests.challenges.factories import (
    ImpactEntryFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    project_with_roles,
)
from tests.members.factories import OrganizationMemberFactory
from tests.queries import run_counted

from .portfolio_world import PortfolioWorld, pdf, portfolio_world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
Status = Milestone.Status


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def world() -> PortfolioWorld:
    return portfolio_world(title="Espesador con control en línea")


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def detail(project: Project) -> str:
    return reverse("challenges:project_detail", kwargs={"project_id": project.pk})


def url(name: str, project: Project, **kwargs: int) -> str:
    return reverse(f"challenges:{name}", kwargs={"project_id": project.pk, **kwargs})


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Who sees what ---------------------------------------------------------------------------

#: role → status of the project page of a private project.
PAGE = {
    "lead_admin": 200,
    "lead_member": 200,
    "partner_member": 200,
    "sponsor_admin": 200,
    "sponsor_member": 200,
    "other_member": 404,
    "visitor": 302,  # to the login page
    "auditor": 200,
    "portfolio_manager": 200,
    "call_manager": 200,
    "staff_no_role": 404,
}


@pytest.mark.parametrize("role", PAGE)
def test_project_page_by_role(world, role) -> None:
    response = login(world.person(role)).get(detail(world.project))
    assert response.status_code == PAGE[role]
    if role == "visitor":
        assert response["Location"].startswith(reverse("account_login"))
    if PAGE[role] == 200:
        body = response.content.decode()
        assert "Espesador con control en línea" in body
        assert world.project.site in body  # the private page shows the confidential site


@pytest.mark.parametrize("role", ["other_member", "visitor", "staff_no_role"])
def test_outsiders_of_a_public_project_are_sent_to_its_public_page(role) -> None:
    world = portfolio_world(is_public=True)
    response = login(world.person(role)).get(detail(world.project))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "challenges:showcase_project", kwargs={"code": world.project.code}
    )


def test_unknown_project_is_404(world) -> None:
    response = login(world.lead_admin).get(
        reverse("challenges:project_detail", kwargs={"project_id": world.project.pk + 999})
    )
    assert response.status_code == 404


def test_our_projects_lists_each_organizations_part(world) -> None:
    other, *_ = project_with_roles(title="Proyecto ajeno")
    late = MilestoneFactory(project=world.project, due_on=TODAY() - datetime.timedelta(days=3))
    MilestoneFactory(project=world.project, status=Status.ACCEPTED, weight=3)
    Project.objects.filter(pk=world.project.pk).update(
        next_update_due=TODAY() - datetime.timedelta(days=1)
    )
    lead_body = login(world.lead_member).get(reverse("challenges:project_list")).content.decode()
    assert "Espesador con control en línea" in lead_body
    assert "Proyecto ajeno" not in lead_body
    assert 'data-testid="project-role">Supplier lead<' in lead_body
    assert 'data-testid="project-at-risk"' in lead_body
    assert "75 %" in lead_body  # 3 of 4 weight accepted
    assert "Overdue" in lead_body
    sponsor_body = login(world.sponsor_member).get(reverse("challenges:project_list")).content
    assert b'data-testid="project-role">Sponsor<' in sponsor_body
    # Filters: at risk only; another status.
    client = login(world.lead_member)
    risky = client.get(reverse("challenges:project_list"), {"at_risk": "1"}).content.decode()
    assert risky.count('data-testid="project-row"') == 1
    late.status = Status.ACCEPTED
    late.save()
    assert (
        b'data-testid="project-row"'
        not in client.get(reverse("challenges:project_list"), {"at_risk": "1"}).content
    )
    assert (
        b'data-testid="project-row"'
        not in client.get(reverse("challenges:project_list"), {"status": "completed"}).content
    )
    assert other.pk != world.project.pk


@pytest.mark.parametrize("role", ["other_member", "auditor"])
def test_our_projects_is_empty_without_a_part_in_any(world, role) -> None:
    body = login(world.person(role)).get(reverse("challenges:project_list")).content.decode()
    assert 'data-testid="no-projects"' in body
    assert "Espesador" not in body


def test_our_projects_needs_a_login(world) -> None:
    response = Client().get(reverse("challenges:project_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_forms_shown_by_role(world) -> None:
    MilestoneFactory(project=world.project, status=Status.PENDING)
    submitted = MilestoneFactory(project=world.project, status=Status.SUBMITTED)
    IndicatorFactory(project=world.project)
    key = f"milestone-{submitted.pk}"
    team = login(world.partner_member).get(detail(world.project)).content.decode()
    assert 'data-testid="milestone-add-form"' in team
    assert 'data-testid="progress-update-form"' in team
    assert "-submit-form" in team
    assert f'data-testid="{key}-accept"' not in team
    assert 'data-testid="impact-claim-form"' not in team  # the partner does not claim impact
    sponsor = login(world.sponsor_member).get(detail(world.project)).content.decode()
    assert f'data-testid="{key}-accept"' in sponsor
    assert f'data-testid="{key}-return-form"' in sponsor
    assert 'data-testid="milestone-add-form"' not in sponsor
    assert 'data-testid="progress-update-form"' not in sponsor
    auditor = login(world.auditor).get(detail(world.project)).content.decode()
    for form in ("milestone-add-form", "progress-update-form", "impact-claim-form"):
        assert f'data-testid="{form}"' not in auditor
    assert f'data-testid="{key}-accept"' not in auditor
    assert "-comment-form" not in auditor  # no update yet to comment on


def test_a_closed_project_offers_no_team_form_and_refuses_posts(world) -> None:
    Project.objects.filter(pk=world.project.pk).update(status=Project.Status.COMPLETED)
    body = login(world.lead_admin).get(detail(world.project)).content.decode()
    assert 'data-testid="milestone-add-form"' not in body
    assert 'data-testid="progress-update-form"' not in body
    response = login(world.lead_admin).post(
        url("project_milestone_add", world.project),
        {
            "milestone-title": "Hito tardío",
            "milestone-due_on": (TODAY() + datetime.timedelta(days=5)).isoformat(),
            "milestone-weight": 1,
        },
        follow=True,
    )
    assert "can no longer change" in " ".join(flashed(response))
    assert not Milestone.objects.filter(title="Hito tardío").exists()


# --- Milestones ------------------------------------------------------------------------------


def test_team_adds_a_milestone_and_bad_weight_is_refused(world) -> None:
    client = login(world.lead_member)
    due = (TODAY() + datetime.timedelta(days=40)).isoformat()
    response = client.post(
        url("project_milestone_add", world.project),
        {"milestone-title": "Instalación", "milestone-due_on": due, "milestone-weight": 0},
    )
    assert response.status_code == 400
    assert b'data-testid="error-summary"' in response.content
    assert not world.project.milestones.exists()
    response = client.post(
        url("project_milestone_add", world.project),
        {"milestone-title": "Instalación", "milestone-due_on": due, "milestone-weight": 5},
    )
    assert response.status_code == 302
    milestone = world.project.milestones.get()
    assert (milestone.title, milestone.weight, str(milestone.due_on)) == ("Instalación", 5, due)


def test_sponsor_cannot_add_a_milestone(world) -> None:
    response = login(world.sponsor_admin).post(
        url("project_milestone_add", world.project),
        {
            "milestone-title": "Hito del sponsor",
            "milestone-due_on": TODAY().isoformat(),
            "milestone-weight": 1,
        },
        follow=True,
    )
    assert "Only the project team can do this." in flashed(response)
    assert not world.project.milestones.exists()


def _submit(client, world, milestone, **data):
    key = f"milestone-{milestone.pk}-submit"
    return client.post(
        url("project_milestone_submit", world.project, milestone_id=milestone.pk),
        {f"{key}-{name}": value for name, value in data.items()},
    )


def test_team_submits_evidence_with_files_and_a_note(world) -> None:
    milestone = MilestoneFactory(project=world.project)
    client = login(world.partner_member)
    response = _submit(client, world, milestone, note="Acta de instalación firmada.")
    assert response.status_code == 400  # no file yet
    assert b"Attach at least one evidence file." in response.content
    milestone.refresh_from_db()
    assert milestone.status == Status.PENDING
    response = _submit(client, world, milestone, note="", files=pdf())
    assert response.status_code == 400
    assert not Attachment.objects.filter(object_id=milestone.pk).exists()
    response = _submit(
        client, world, milestone, note="Acta firmada.", files=[pdf("acta.pdf"), pdf("fotos.pdf")]
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#milestone-{milestone.pk}")
    milestone.refresh_from_db()
    assert milestone.status == Status.SUBMITTED
    assert milestone.evidence_note == "Acta firmada."
    assert milestone.submitted_by == world.partner_member
    body = login(world.sponsor_member).get(detail(world.project)).content.decode()
    assert "acta.pdf" in body
    assert "fotos.pdf" in body
    download = Attachment.objects.get(original_name="acta.pdf")
    assert reverse("files:download", args=[download.pk]) in body


def test_sponsor_cannot_submit_evidence(world) -> None:
    milestone = MilestoneFactory(project=world.project)
    response = _submit(login(world.sponsor_admin), world, milestone, note="x", files=pdf())
    assert response.status_code == 302
    assert "Only the project team can do this." in flashed(response)
    milestone.refresh_from_db()
    assert milestone.status == Status.PENDING
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("sponsor_member", True),
        ("portfolio_manager", True),
        ("lead_admin", False),
        ("partner_member", False),
        ("auditor", False),
    ],
)
def test_accept_by_role(world, role, allowed) -> None:
    milestone = MilestoneFactory(project=world.project, status=Status.SUBMITTED)
    response = login(world.person(role)).post(
        url("project_milestone_accept", world.project, milestone_id=milestone.pk), follow=True
    )
    milestone.refresh_from_db()
    if allowed:
        assert milestone.status == Status.ACCEPTED
        assert "The milestone was accepted." in flashed(response)
    else:
        assert milestone.status == Status.SUBMITTED
        assert "Only a sponsor of the project can do this." in flashed(response)


def test_outsider_posting_an_action_gets_404(world) -> None:
    milestone = MilestoneFactory(project=world.project, status=Status.SUBMITTED)
    response = login(world.other_member).post(
        url("project_milestone_accept", world.project, milestone_id=milestone.pk)
    )
    assert response.status_code == 404
    milestone.refresh_from_db()
    assert milestone.status == Status.SUBMITTED


def test_milestone_of_another_project_is_404(world) -> None:
    elsewhere = MilestoneFactory(status=Status.SUBMITTED)
    response = login(world.sponsor_admin).post(
        url("project_milestone_accept", world.project, milestone_id=elsewhere.pk)
    )
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.SUBMITTED


def test_sponsor_returns_with_a_reason(world) -> None:
    milestone = MilestoneFactory(project=world.project, status=Status.SUBMITTED)
    client = login(world.sponsor_admin)
    target = url("project_milestone_return", world.project, milestone_id=milestone.pk)
    key = f"milestone-{milestone.pk}-return"
    response = client.post(target, {f"{key}-reason": "  "})
    assert response.status_code == 400
    milestone.refresh_from_db()
    assert milestone.status == Status.SUBMITTED
    response = client.post(target, {f"{key}-reason": "Falta el acta firmada."})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.return_reason) == (Status.PENDING, "Falta el acta firmada.")
    body = login(world.lead_member).get(detail(world.project)).content.decode()
    assert "Falta el acta firmada." in body
    assert 'data-testid="milestone-returned"' in body


def test_accepting_twice_says_the_milestone_moved_on(world) -> None:
    milestone = MilestoneFactory(project=world.project, status=Status.ACCEPTED)
    response = login(world.sponsor_admin).post(
        url("project_milestone_accept", world.project, milestone_id=milestone.pk), follow=True
    )
    assert any("this change is not possible now" in m for m in flashed(response))


def test_late_milestone_is_flagged(world) -> None:
    MilestoneFactory(project=world.project, due_on=TODAY() - datetime.timedelta(days=2))
    body = login(world.sponsor_member).get(detail(world.project)).content.decode()
    assert 'data-testid="milestone-late"' in body
    assert 'data-testid="project-at-risk"' in body


# --- KPIs ------------------------------------------------------------------------------------


def test_kpi_table_shows_every_period(world) -> None:
    indicator = IndicatorFactory(project=world.project, name="Consumo de agua fresca")
    for start, value in (
        (datetime.date(2026, 1, 1), "0.74"),
        (datetime.date(2026, 4, 1), "0.68"),
        (datetime.date(2026, 7, 1), "0.61"),
    ):
        MeasurementFactory(
            indicator=indicator,
            period_start=start,
            period_end=start + datetime.timedelta(days=89),
            value=Decimal(value),
        )
    body = login(world.sponsor_member).get(detail(world.project)).content.decode()
    assert body.count('data-testid="kpi-period"') == 3
    for value in ("0.74", "0.68", "0.61"):
        assert value in body
    assert "76 % of the way to the target" in body  # (0.80 - 0.61) / (0.80 - 0.55)


def test_team_records_a_period_and_an_overlap_is_refused(world) -> None:
    indicator = IndicatorFactory(project=world.project)
    MeasurementFactory(
        indicator=indicator,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
    )
    client = login(world.lead_member)
    key = f"kpi-{indicator.pk}"
    target = url("project_measurement_record", world.project, indicator_id=indicator.pk)
    response = client.post(
        target,
        {
            f"{key}-period_start": "2026-03-01",
            f"{key}-period_end": "2026-05-31",
            f"{key}-value": "1",
        },
    )
    assert response.status_code == 400
    assert b"overlaps" in response.content
    assert indicator.measurements.count() == 1
    response = client.post(
        target,
        {
            f"{key}-period_start": "2026-04-01",
            f"{key}-period_end": "2026-06-30",
            f"{key}-value": "x",
        },
    )
    assert response.status_code == 400
    response = client.post(
        target,
        {
            f"{key}-period_start": "2026-04-01",
            f"{key}-period_end": "2026-06-30",
            f"{key}-value": "0.66",
        },
    )
    assert response.status_code == 302
    assert indicator.measurements.get(period_start="2026-04-01").value == Decimal("0.66")


def test_sponsor_cannot_record_a_period(world) -> None:
    indicator = IndicatorFactory(project=world.project)
    key = f"kpi-{indicator.pk}"
    response = login(world.sponsor_admin).post(
        url("project_measurement_record", world.project, indicator_id=indicator.pk),
        {
            f"{key}-period_start": "2026-01-01",
            f"{key}-period_end": "2026-03-31",
            f"{key}-value": "1",
        },
        follow=True,
    )
    assert "Only the project team can do this." in flashed(response)
    assert not Measurement.objects.exists()


def test_team_adds_a_kpi(world) -> None:
    client = login(world.lead_admin)
    data = {
        "indicator-result": "Menos agua fresca",
        "indicator-name": "Agua fresca por tonelada",
        "indicator-unit": "m³/t",
        "indicator-baseline": "0.80",
        "indicator-target": "",
    }
    response = client.post(url("project_indicator_add", world.project), data)
    assert response.status_code == 400
    assert not Indicator.objects.exists()
    data["indicator-target"] = "0.55"
    response = client.post(url("project_indicator_add", world.project), data)
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.target, indicator.higher_is_better) == (Decimal("0.55"), False)


# --- Progress updates ------------------------------------------------------------------------


def _update_data(**changes: str) -> dict[str, str]:
    data = {
        "progress-period_end": TODAY().isoformat(),
        "progress-summary": "Se instaló el espesador.",
        "progress-next_steps": "Puesta en marcha.",
        "progress-risks": "",
    }
    data.update({f"progress-{k}": v for k, v in changes.items()})
    return data


def test_team_sends_a_progress_update(world) -> None:
    Project.objects.filter(pk=world.project.pk).update(update_every_days=30, next_update_due=None)
    client = login(world.partner_member)
    future = (TODAY() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        url("project_update_submit", world.project), _update_data(period_end=future)
    )
    assert response.status_code == 400
    assert b"cannot end in the future" in response.content
    response = client.post(url("project_update_submit", world.project), _update_data(summary=""))
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()
    response = client.post(url("project_update_submit", world.project), _update_data())
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.summary, update.author) == ("Se instaló el espesador.", world.partner_member)
    world.project.refresh_from_db()
    assert world.project.next_update_due == TODAY() + datetime.timedelta(days=30)


def test_sponsor_cannot_send_a_progress_update(world) -> None:
    response = login(world.sponsor_member).post(
        url("project_update_submit", world.project), _update_data(), follow=True
    )
    assert "Only the project team can do this." in flashed(response)
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("sponsor_member", 302), ("lead_member", 302), ("auditor", 302), ("other_member", 404)],
)
def test_comments_on_a_progress_update(world, role, status) -> None:
    update = ProgressUpdate.objects.create(
        project=world.project, period_end=TODAY(), summary="Avance", author=world.lead_admin
    )
    key = f"update-{update.pk}"
    client = login(world.person(role))
    target = url("project_comment_add", world.project, update_id=update.pk)
    response = client.post(target, {f"{key}-body": "¿Cuándo la prueba de carga?"})
    assert response.status_code == status
    if status == 404:
        assert not ProgressComment.objects.exists()
        return
    comment = ProgressComment.objects.get()
    assert comment.author == world.person(role)
    assert "¿Cuándo la prueba de carga?" in client.get(detail(world.project)).content.decode()
    assert client.post(target, {f"{key}-body": ""}).status_code == 400
    assert ProgressComment.objects.count() == 1


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_panel_links_to_our_projects(world) -> None:
    MilestoneFactory(project=world.project, due_on=TODAY() - datetime.timedelta(days=2))
    body = login(world.sponsor_member).get(reverse("dashboard")).content.decode()
    assert 'data-testid="panel-challenges.projects"' in body
    assert reverse("challenges:project_list") in body
    assert detail(world.project) in body
    other = login(world.other_member).get(reverse("dashboard")).content.decode()
    assert 'data-testid="panel-challenges.projects"' not in other


# --- Queries ---------------------------------------------------------------------------------


def _grow(world: PortfolioWorld, n: int) -> None:
    """``n`` more projects of the lead, and ``n`` of everything on the world's project."""
    for _ in range(n):
        project, lead, *_ = project_with_roles()
        OrganizationMemberFactory(organization=lead, user=world.lead_member)
        MilestoneFactory(project=project, due_on=TODAY() - datetime.timedelta(days=1))
    for i in range(n):
        MilestoneFactory(project=world.project, status=Status.SUBMITTED)
        indicator = IndicatorFactory(project=world.project)
        MeasurementFactory(indicator=indicator)
        update = ProgressUpdate.objects.create(
            project=world.project,
            period_end=TODAY(),
            summary=f"Avance {i}",
            author=world.lead_admin,
        )
        ProgressComment.objects.create(update=update, author=world.sponsor_admin, body="Bien")
        ImpactEntryFactory(project=world.project, claimed_by=world.lead_admin)


@pytest.mark.parametrize("n", [1, 8])
def test_our_projects_queries_are_constant(world, n) -> None:
    _grow(world, n)
    client = login(world.lead_member)
    # session, user, viewer's memberships, count (pagination), projects, participants,
    # notifications badge.
    response, queries = run_counted(
        8, client.get, reverse("challenges:project_list"), expect=["Espesador con control"]
    )
    assert response.content.decode().count('data-testid="project-row"') == n + 1
    assert queries <= 8


@pytest.mark.parametrize("n", [1, 8])
def test_project_page_queries_are_constant(world, n) -> None:
    _grow(world, n)
    MilestoneFactory(project=world.project)
    for role in ("lead_member", "sponsor_member"):
        client = login(world.person(role))
        # session, user, viewer's memberships; the project with its call, proposal and author,
        # and its participants, funding, milestones, indicators, measurements, updates,
        # comments, challenges, commodities, areas; milestone evidence; the ledger and its
        # evidence; the notifications badge.
        response, _ = run_counted(21, client.get, detail(world.project), expect=["Avance 0"])
        body = response.content.decode()
        assert body.count('data-testid="milestone"') == n + 1
        assert body.count('data-testid="impact-entry"') == n
        assert body.count('data-testid="progress-update"') == n
