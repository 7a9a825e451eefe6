"""Two concurrent submissions of different proposals never share a reference number
(PostgreSQL only: SQLite serializes writers; CI runs this on PostgreSQL)."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection

from challenges.models import Proposal
from challenges.services import proposals as services
from tests.challenges.factories import ProposalAnswerFactory, ProposalFactory
from tests.members.factories import OrganizationMemberFactory

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.mark.skipif(
    connection.vendor != "postgresql" and not IN_CI,
    reason="row locking races need PostgreSQL (DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_get_different_references(world) -> None:
    if connection.vendor != "postgresql":
        pytest.fail("CI must run this test on PostgreSQL")
    other = ProposalFactory(call=world.call)
    ProposalAnswerFactory(proposal=other, question=world.question)
    other_admin = OrganizationMemberFactory(organization=other.lead_organization, role="admin").user
    jobs = [(world.lead_admin, world.proposal), (other_admin, other)]
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def submit(actor, proposal) -> None:
        try:
            barrier.wait()
            services.proposal_submit(actor=actor, proposal=proposal)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    references = list(Proposal.objects.values_list("reference", flat=True).order_by("reference"))
    assert len(references) == 2
    assert len(set(references)) == 2
    assert {r.rsplit("-", 1)[1] for r in references} == {"0001", "0002"}
