"""The editors' pages of the barrier register: every staff role reads, only editors (and
administrators) record, edit, move, link and attach; members and visitors meet the staff gate.
Allowed cases assert the effect; refused ones and bad input change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from challenges.models import Challenge
from cluster_portal.core import roles
from cluster_portal.files.models import Attachment
from knowledge.models import BarrierStatusChange, RegulatoryBarrier
from tests.challenges.factories import ChallengeFactory, ProjectFactory
from tests.knowledge.barriers.world import BarrierFactory, client_for, editor, pdf, person
from tests.permission_matrix import STAFF_NO_ROLE, STAFF_ROLES, staff_user
from tests.queries import run_counted

pytestmark = pytest.mark.django_db
Status = RegulatoryBarrier.Status
LIST = reverse("knowledge_staff:barrier_list")
CREATE = reverse("knowledge_staff:barrier_create")
EDITORS = frozenset({roles.EDITOR, roles.ADMINISTRATOR})
READERS = frozenset(STAFF_ROLES) - {STAFF_NO_ROLE}


def url(name: str, barrier: RegulatoryBarrier, *args: Any) -> str:
    return reverse(f"knowledge_staff:{name}", args=[barrier.pk, *args])


def refused(response: Any) -> bool:
    """Members and visitors meet the staff gate (404, or the login page); staff without the
    right get 403."""
    return response.status_code in (302, 403, 404) and (
        response.status_code != 302 or "/accounts/login/" in response["Location"]
    )


def form_data(**overrides: str) -> dict[str, str]:
    return {
        "title": "Permiso de vertimiento demorado",
        "description": "La autorización de vertimiento tarda un año.",
        "rule": "D.S. 001-2010-AG",
        "rule_article": "Art. 137",
        "authority": "ANA",
        "manifestation": "",
        "value_chain_stage": "",
        "estimated_cost_0": "50000.00",
        "estimated_cost_1": "PEN",
        "estimated_delay_days": "365",
        "improvement_proposal": "Plazo máximo de 90 días.",
        "case_number": "",
        "visibility": "public",
        **overrides,
    }


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_reading_matrix(role: str) -> None:
    barrier = BarrierFactory(title="Barrera del registro")
    client = client_for(staff_user() if role == STAFF_NO_ROLE else staff_user(role))
    expected = 200 if role in READERS else 403
    assert client.get(LIST).status_code == expected
    assert client.get(url("barrier_detail", barrier)).status_code == expected


@pytest.mark.parametrize("role", ["visitor", "member", "member_admin"])
def test_people_meet_the_staff_gate(role: str) -> None:
    barrier = BarrierFactory()
    user, _org = person(role)
    client = client_for(user)
    assert refused(client.get(LIST))
    assert refused(client.post(url("barrier_action", barrier, "document"), {}))
    barrier.refresh_from_db()
    assert barrier.status == Status.IDENTIFIED


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_recording_matrix(role: str) -> None:
    client = client_for(staff_user() if role == STAFF_NO_ROLE else staff_user(role))
    response = client.post(CREATE, {**form_data(), "files": [pdf()]})
    if role in EDITORS:
        barrier = RegulatoryBarrier.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("barrier_detail", barrier)
        assert barrier.code.startswith("CMSP-BAR-")
        assert str(barrier.estimated_cost.amount) == "50000.00"
        assert BarrierStatusChange.objects.filter(barrier=barrier, from_status="").exists()
        assert Attachment.objects.filter(object_id=barrier.pk, purpose="evidence").exists()
    else:
        assert response.status_code == 403
        assert not RegulatoryBarrier.objects.exists()


def test_a_barrier_without_its_rule_comes_back_with_the_error() -> None:
    client = client_for(editor())
    response = client.post(CREATE, form_data(rule=""))
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in response.content.decode()
    assert not RegulatoryBarrier.objects.exists()


def test_an_editor_edits_a_barrier() -> None:
    barrier = BarrierFactory()
    client = client_for(editor())
    assert client.get(url("barrier_edit", barrier)).status_code == 200
    response = client.post(url("barrier_edit", barrier), form_data(authority="MINEM"))
    assert response.status_code == 302
    barrier.refresh_from_db()
    assert barrier.authority == "MINEM"
    assert client_for(staff_user(roles.AUDITOR)).get(url("barrier_edit", barrier)).status_code == (
        403
    )


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_lifecycle_matrix(role: str) -> None:
    barrier = BarrierFactory(status=Status.PROPOSED)
    client = client_for(staff_user() if role == STAFF_NO_ROLE else staff_user(role))
    response = client.post(
        url("barrier_action", barrier, "open_dialogue"),
        {"open_dialogue-note": "", "open_dialogue-case_number": "Exp. 77-2026"},
    )
    barrier.refresh_from_db()
    if role in EDITORS:
        assert response.status_code == 302
        assert (barrier.status, barrier.case_number) == (Status.IN_DIALOGUE, "Exp. 77-2026")
    else:
        assert response.status_code == 403
        assert barrier.status == Status.PROPOSED


def test_the_page_offers_the_tables_actions_and_a_drop_without_a_note_is_refused() -> None:
    barrier = BarrierFactory(status=Status.DOCUMENTED)
    client = client_for(editor())
    body = client.get(url("barrier_detail", barrier)).content.decode()
    assert 'data-testid="propose-form"' in body
    assert 'data-testid="drop-form"' in body
    assert 'data-testid="resolve-form"' not in body
    with translation.override("en"):
        response = client.post(url("barrier_action", barrier, "drop"), {"drop-note": ""})
    assert response.status_code == 400
    barrier.refresh_from_db()
    assert barrier.status == Status.DOCUMENTED
    assert not BarrierStatusChange.objects.filter(barrier=barrier).exists()


def test_an_unknown_action_is_not_found() -> None:
    barrier = BarrierFactory()
    response = client_for(editor()).post(url("barrier_action", barrier, "explode"), {})
    assert response.status_code == 404


def test_an_editor_links_and_attaches_evidence() -> None:
    barrier = BarrierFactory()
    challenge = ChallengeFactory(confidentiality=Challenge.Confidentiality.RESTRICTED)
    project = ProjectFactory()
    client = client_for(editor())
    response = client.post(
        url("barrier_links", barrier), {"challenges": [challenge.pk], "projects": [project.pk]}
    )
    assert response.status_code == 302
    assert list(barrier.challenges.all()) == [challenge]
    assert list(barrier.projects.all()) == [project]
    response = client.post(url("barrier_evidence_add", barrier), {"files": [pdf("acta.pdf")]})
    assert response.status_code == 302
    attachment = Attachment.objects.get(object_id=barrier.pk)
    assert attachment.original_name == "acta.pdf"
    response = client.post(url("barrier_evidence_remove", barrier, attachment.pk))
    assert response.status_code == 302
    assert not Attachment.objects.exists()


def test_an_auditor_cannot_link() -> None:
    barrier = BarrierFactory()
    client = client_for(staff_user(roles.AUDITOR))
    response = client.post(url("barrier_links", barrier), {"challenges": [ChallengeFactory().pk]})
    assert response.status_code == 403
    assert not barrier.challenges.exists()


def test_the_staff_list_runs_constant_queries() -> None:
    client = client_for(editor())
    first_rows = [BarrierFactory() for _ in range(2)]
    _, first = run_counted(9, client.get, LIST, expect=[first_rows[0].title])
    more = [BarrierFactory() for _ in range(10)]
    _, second = run_counted(9, client.get, LIST, expect=[more[-1].title])
    assert second == first
