"""Pages: public list/detail (restricted words never shown to outsiders), company pages (create,
edit, submit, answer a request for detail), the staff triage queue and detail with its actions,
survey rounds; permission matrix; bad input; query counts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.models import Challenge, SurveyRound
from cluster_portal.core.roles import ROLE_CODES
from members.models import Capability
from tests.challenges.factories import ChallengeFactory, MiningCompanyFactory
from tests.members.factories import OrganizationMemberFactory, UserFactory
from tests.permission_matrix import STAFF_NO_ROLE, staff_user

from .conftest import client_for, submitted

pytestmark = pytest.mark.django_db
C = Challenge.Confidentiality
S = Challenge.Status
SECRET = "Antaminasecreto"
LIST = reverse("challenges:challenge_list")
MINE = reverse("challenges:challenge_mine_list")
NEW = reverse("challenges:challenge_create")
TRIAGE = reverse("challenges_staff:triage_list")


def _detail(c):
    return reverse("challenges:challenge_detail", args=[c.pk])


def _mine(c):
    return reverse("challenges:challenge_mine_detail", args=[c.pk])


def _triage(c):
    return reverse("challenges_staff:triage_detail", args=[c.pk])


def _action(c, name):
    return reverse("challenges_staff:triage_action", args=[c.pk, name])


@pytest.fixture
def restricted(company):
    return ChallengeFactory(
        organization=company,
        confidentiality=C.RESTRICTED,
        title=f"{SECRET} en la faja",
        problem=f"{SECRET} problema",
        public_title="Una mina de cobre en Áncash",
        public_summary="Resumen sin nombres",
    )


# --- Public pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "member", "other_company"])
def test_restricted_words_never_reach_outsiders(restricted, who):
    user = {
        "visitor": None,
        "member": OrganizationMemberFactory().user,
        "other_company": OrganizationMemberFactory(organization=MiningCompanyFactory()).user,
    }[who]
    client = client_for(user)
    listing = client.get(LIST).content.decode()
    assert "Una mina de cobre en Áncash" in listing
    assert SECRET not in listing
    page = client.get(_detail(restricted)).content.decode()
    assert "Resumen sin nombres" in page
    assert SECRET not in page
    assert restricted.organization.display_name not in page


def test_company_reads_its_restricted_original(restricted, company_member):
    page = client_for(company_member).get(_detail(restricted)).content.decode()
    assert f"{SECRET} problema" in page


def test_hidden_and_draft_challenges_are_404(company):
    hidden = ChallengeFactory(organization=company, confidentiality=C.RESTRICTED)
    draft = ChallengeFactory(organization=company, status=S.DRAFT, confidentiality=C.PUBLIC)
    assert client_for(None).get(_detail(hidden)).status_code == 404
    assert client_for(None).get(_detail(draft)).status_code == 404


def test_public_list_filters_and_query_count(max_queries):
    ChallengeFactory(confidentiality=C.PUBLIC, title="Energía solar", operational_area="energy")
    ChallengeFactory(confidentiality=C.PUBLIC, title="Relaves", operational_area="tailings")
    response = client_for(None).get(LIST, {"area": "energy"})
    assert [c.title for c in response.context["cards"]] == ["Energía solar"]
    for _ in range(20):
        ChallengeFactory(confidentiality=C.PUBLIC)
    max_queries(10, client_for(None).get, LIST, expect=["Desafío operativo"])


# --- Company pages --------------------------------------------------------------------------------


def test_create_edit_submit_journey(company, company_member, call_manager):
    client = client_for(company_member)
    assert client.get(NEW).status_code == 200
    stage = Capability.objects.filter(dimension="value_chain").first()
    data = {
        "organization": company.pk,
        "title": "Fugas en tuberías de relaves",
        "problem": "Se pierden 20 L/s.",
        "operational_area": "tailings",
        "region": "moquegua",
        "impact_cost": "high",
        "impact_safety": "none",
        "impact_environment": "high",
        "impact_production": "low",
        "desired_outcome": "Detectar fugas a tiempo.",
        "confidentiality": "members",
        "value_chain_stages": [stage.pk],
        "estimated_annual_cost_0": "",
        "estimated_annual_cost_1": "PEN",
    }
    response = client.post(NEW, data)
    challenge = Challenge.objects.get()
    assert response.status_code == 302
    assert response.url == _mine(challenge)
    assert challenge.status == S.DRAFT
    response = client.post(
        reverse("challenges:challenge_edit", args=[challenge.pk]), {**data, "title": "Fugas"}
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.title == "Fugas"
    response = client.post(reverse("challenges:challenge_submit", args=[challenge.pk]))
    challenge.refresh_from_db()
    assert challenge.status == S.SUBMITTED
    assert challenge.reference
    page = client.get(_mine(challenge)).content.decode()
    assert challenge.reference in page


def test_create_with_bad_input_shows_errors_and_saves_nothing(company, company_member):
    response = client_for(company_member).post(
        NEW, {"organization": company.pk, "title": "", "operational_area": "bogus"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Challenge.objects.exists()


def test_people_of_other_organizations_cannot_create_or_open_company_pages(company):
    supplier_person = OrganizationMemberFactory().user
    assert client_for(supplier_person).get(NEW).status_code == 403
    challenge = submitted(company)
    assert client_for(supplier_person).get(_mine(challenge)).status_code == 404


def test_answer_a_request_for_detail(company, company_member):
    challenge = submitted(
        company,
        author=company_member,
        status=S.DETAIL_REQUESTED,
        detail_checklist=["photos"],
        queued_at=None,
    )
    client = client_for(company_member)
    page = client.get(_mine(challenge)).content.decode()
    assert "Photos or diagrams" in page
    bad = client.post(reverse("challenges:challenge_answer_detail", args=[challenge.pk]), {})
    assert bad.status_code == 200
    challenge.refresh_from_db()
    assert challenge.status == S.DETAIL_REQUESTED
    client.post(
        reverse("challenges:challenge_answer_detail", args=[challenge.pk]),
        {"answer": "Adjuntamos fotos por correo."},
    )
    challenge.refresh_from_db()
    assert challenge.status == S.SUBMITTED
    assert challenge.queued_at is not None


def test_my_challenges_query_count(company, company_member, max_queries):
    for _ in range(15):
        ChallengeFactory(organization=company)
    max_queries(12, client_for(company_member).get, MINE, expect=["Desaf"])


# --- Staff ----------------------------------------------------------------------------------------


def test_queue_oldest_first_with_clock_and_query_count(company, call_manager, max_queries):
    now = timezone.now()
    newer = submitted(company, title="Nuevo reto", queued_at=now - datetime.timedelta(days=1))
    older = submitted(company, title="Viejo reto", queued_at=now - datetime.timedelta(days=3))
    submitted(company, status=S.ACCEPTED, title="Ya aceptado")
    client = client_for(call_manager)
    body = client.get(TRIAGE).content.decode()
    assert body.index("Viejo reto") < body.index("Nuevo reto")
    assert 'data-testid="waiting">3 days</td>' in body
    assert "Ya aceptado" not in body
    assert _triage(older) in body
    assert _triage(newer) in body
    for _ in range(20):
        submitted(company)
    max_queries(12, client.get, TRIAGE, expect=["Viejo reto"])


def test_queue_waiting_cell_says_only_the_duration_the_detail_page_the_sentence(
    company, call_manager
):
    """The column is headed "Waiting" (and the 320 px layout labels the cell with it): the cell
    says only how long; the detail page, with no heading, keeps "waiting 16 days"."""
    now = timezone.now()
    older = submitted(company, title="Viejo reto", queued_at=now - datetime.timedelta(days=16))
    submitted(company, title="Reto de hoy", queued_at=now - datetime.timedelta(hours=2))
    client = client_for(call_manager)
    body = client.get(TRIAGE).content.decode()
    cells = re.findall(r'data-label="Waiting"[^>]*data-testid="waiting">([^<]*)</td>', body)
    assert cells == ["16 days", "since today"]
    page = client.get(_triage(older)).content.decode()
    assert '<span data-testid="waiting">waiting 16 days</span>' in page


def test_staff_accepts_and_declines_from_the_detail_page(company, call_manager):
    client = client_for(call_manager)
    challenge = submitted(company)
    page = client.get(_triage(challenge)).content.decode()
    assert 'data-testid="accept-form"' in page
    assert 'data-testid="merge-form"' in page
    response = client.post(_action(challenge, "decline"), {"reason": ""})
    assert response.status_code == 200  # the form comes back with its error
    challenge.refresh_from_db()
    assert challenge.status == S.SUBMITTED
    client.post(_action(challenge, "accept"))
    challenge.refresh_from_db()
    assert challenge.status == S.ACCEPTED


def test_merge_from_the_page_and_undo(company, call_manager):
    client = client_for(call_manager)
    target = ChallengeFactory(title="Polines de fajas transportadoras")
    duplicate = submitted(company, title="Polines de fajas que fallan")
    page = client.get(_triage(duplicate)).content.decode()
    assert "Polines de fajas transportadoras" in page  # listed as a target (similar first)
    client.post(_action(duplicate, "merge"), {"into": target.pk})
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target
    client.post(_action(duplicate, "unmerge"))
    duplicate.refresh_from_db()
    assert duplicate.status == S.SUBMITTED
    assert duplicate.merged_into is None


@pytest.mark.parametrize("role", [STAFF_NO_ROLE, *ROLE_CODES])
def test_staff_role_matrix(company, role):
    """Reading the triage pages: any staff role; acting: call managers (and administrators)."""
    user = staff_user() if role == STAFF_NO_ROLE else staff_user(role)
    challenge = submitted(company)
    client = client_for(user)
    reads = client.get(TRIAGE).status_code
    acts = client.post(_action(challenge, "accept")).status_code
    challenge.refresh_from_db()
    can_read = role != STAFF_NO_ROLE
    can_act = role in ("call_manager", "administrator")
    assert reads == (200 if can_read else 403)
    if can_act:
        assert acts == 302
        assert challenge.status == S.ACCEPTED
    else:
        assert acts == 403
        assert challenge.status == S.SUBMITTED


def test_non_staff_get_404_on_staff_pages(company, company_admin):
    assert client_for(company_admin).get(TRIAGE).status_code == 404


def test_survey_rounds_create_and_list(call_manager, max_queries):
    client = client_for(call_manager)
    response = client.post(
        reverse("challenges_staff:round_create"),
        {"title": "Ronda 2027", "opens_at": "2027-01-01T08:00", "closes_at": "2027-02-01T08:00"},
    )
    assert response.status_code == 302
    survey_round = SurveyRound.objects.get(title="Ronda 2027")
    assert survey_round.opens_at.hour == 13  # 08:00 in Lima is 13:00 UTC
    bad = client.post(
        reverse("challenges_staff:round_create"),
        {"title": "Mal", "opens_at": "2027-02-01T08:00", "closes_at": "2027-01-01T08:00"},
    )
    assert bad.status_code == 200
    assert not SurveyRound.objects.filter(title="Mal").exists()
    max_queries(10, client.get, reverse("challenges_staff:round_list"), expect=["Ronda 2027"])


def test_a_company_person_cannot_reach_round_creation(company_admin):
    UserFactory()
    response = client_for(company_admin).get(reverse("challenges_staff:round_create"))
    assert response.status_code == 404


def test_dashboard_panel_for_company_people_only(company, company_member):
    ChallengeFactory(organization=company, status=S.DETAIL_REQUESTED, title="Reto con pregunta")
    page = client_for(company_member).get(reverse("dashboard")).content.decode()
    assert 'data-testid="panel-challenges.surveys"' in page
    assert "Reto con pregunta" in page
    assert "answer to continue" in page  # the state's next step
    supplier_person = OrganizationMemberFactory().user
    other = client_for(supplier_person).get(reverse("dashboard")).content.decode()
    assert 'data-testid="panel-challenges.surveys"' not in other
