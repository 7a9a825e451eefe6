"""The index follows the records: a save, a delete or a change of the rows a record's
visibility depends on reindexes it after commit (``knowledge.tasks.search_reindex``, run in
process by the test settings); the task is safe to run twice."""

from __future__ import annotations

from typing import Any

import pytest

from challenges.models import Challenge, ProposalPartner
from knowledge.models import SearchDocument
from knowledge.tasks import search_reindex
from tests.challenges.factories import (
    ChallengeFactory,
    ProjectFactory,
    ProjectOrganizationFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.knowledge.factories import RegulatoryBarrierFactory
from tests.members.factories import CapabilityFactory, OrganizationFactory

from .conftest import People

pytestmark = pytest.mark.django_db

Audience = SearchDocument.Audience
Kind = SearchDocument.Kind


def _rows(kind: str, object_id: int) -> dict[str, SearchDocument]:
    return {
        row.variant: row
        for row in SearchDocument.objects.filter(kind=kind, object_id=object_id).prefetch_related(
            "access"
        )
    }


def _access(row: SearchDocument) -> set[int]:
    return {access.organization_id for access in row.access.all()}


def test_nothing_is_indexed_before_commit(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        barrier = RegulatoryBarrierFactory()
    assert callbacks  # queued for after the commit...
    assert not _rows(Kind.BARRIER, barrier.pk)  # ...and not written before it


def test_a_challenge_saved_becomes_findable_and_restricting_it_hides_it(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        challenge = ChallengeFactory(
            organization=people.company,
            confidentiality=Challenge.Confidentiality.PUBLIC,
            title="Relaves que filtran en Quebrada Honda",
        )
    [row] = _rows(Kind.CHALLENGE, challenge.pk).values()
    assert row.audience == Audience.PUBLIC
    assert "quebrada honda" in row.search_text

    with django_capture_on_commit_callbacks(execute=True):
        challenge.confidentiality = Challenge.Confidentiality.RESTRICTED
        challenge.public_title = "Filtraciones en un depósito"
        challenge.save()

    rows = _rows(Kind.CHALLENGE, challenge.pk)
    assert rows[""].audience == Audience.ORGANIZATIONS
    assert _access(rows[""]) == {people.company.pk}
    assert rows["public"].audience == Audience.PUBLIC
    assert "quebrada" not in rows["public"].search_text

    with django_capture_on_commit_callbacks(execute=True):
        challenge.public_title = ""
        challenge.save()
    assert set(_rows(Kind.CHALLENGE, challenge.pk)) == {""}  # the public version's row goes


def test_a_deleted_record_leaves_the_index(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        barrier = RegulatoryBarrierFactory()
    pk = barrier.pk
    assert _rows(Kind.BARRIER, pk)

    with django_capture_on_commit_callbacks(execute=True):
        barrier.delete()

    assert not _rows(Kind.BARRIER, pk)


def test_proposal_partners_open_and_close_it(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        proposal = ProposalFactory(lead_organization=people.company)
    assert _access(_rows(Kind.PROPOSAL, proposal.pk)[""]) == {people.company.pk}

    with django_capture_on_commit_callbacks(execute=True):
        partner = ProposalPartnerFactory(proposal=proposal, organization=people.partner_org)
    assert _access(_rows(Kind.PROPOSAL, proposal.pk)[""]) == {
        people.company.pk,
        people.partner_org.pk,
    }

    with django_capture_on_commit_callbacks(execute=True):
        partner.status = ProposalPartner.Status.DECLINED
        partner.save()
    assert _access(_rows(Kind.PROPOSAL, proposal.pk)[""]) == {people.company.pk}


def test_project_organizations_through_rows_and_many_to_many(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(is_public=False)
        ProjectOrganizationFactory(project=project, organization=people.company, role="lead")
    assert _access(_rows(Kind.PROJECT, project.pk)[""]) == {people.company.pk}

    with django_capture_on_commit_callbacks(execute=True):
        project.organizations.add(people.partner_org, through_defaults={"role": "partner"})
    assert _access(_rows(Kind.PROJECT, project.pk)[""]) == {
        people.company.pk,
        people.partner_org.pk,
    }

    with django_capture_on_commit_callbacks(execute=True):
        people.partner_org.projects.clear()  # from the other side: a reverse clear
    assert _access(_rows(Kind.PROJECT, project.pk)[""]) == {people.company.pk}

    with django_capture_on_commit_callbacks(execute=True):
        project.is_public = True
        project.save()
    row = _rows(Kind.PROJECT, project.pk)[""]
    assert row.audience == Audience.PUBLIC
    assert not _access(row)


def test_taxonomy_terms_changed_from_either_side(django_capture_on_commit_callbacks: Any) -> None:
    capability = CapabilityFactory(name_es="Chancado", name_en="Crushing")
    with django_capture_on_commit_callbacks(execute=True):
        organization = OrganizationFactory(capabilities=[capability])
    assert "chancado crushing" in _rows(Kind.ORGANIZATION, organization.pk)[""].search_text

    with django_capture_on_commit_callbacks(execute=True):
        capability.organizations.clear()
    assert "chancado" not in _rows(Kind.ORGANIZATION, organization.pk)[""].search_text


def test_the_task_is_safe_to_run_twice_and_on_records_that_are_gone(db: Any) -> None:
    barrier = RegulatoryBarrierFactory()

    assert search_reindex(kind=Kind.BARRIER, object_id=barrier.pk) == 1
    first = list(SearchDocument.objects.values("kind", "object_id", "variant", "search_text"))
    assert search_reindex(kind=Kind.BARRIER, object_id=barrier.pk) == 1
    assert list(SearchDocument.objects.values("kind", "object_id", "variant", "search_text")) == (
        first
    )

    barrier.delete()
    assert search_reindex(kind=Kind.BARRIER, object_id=barrier.pk or 0) == 0
    assert search_reindex(kind="unknown", object_id=1) == 0
