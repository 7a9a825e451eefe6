"""The membership demo data loads on top of the members demo, and loading it twice changes
nothing."""

from __future__ import annotations

import io

import pytest

from members import demo
from members.demo import membership as demo_membership
from members.models import Invitation, JoinRequest, MembershipApplication, Organization

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Organization.objects.count(),
        MembershipApplication.objects.count(),
        JoinRequest.objects.count(),
        Invitation.objects.count(),
    )


def test_membership_demo_is_complete_and_idempotent() -> None:
    out = io.StringIO()
    demo.seed(stdout=out)
    demo_membership.seed(stdout=out)
    assert "open invitation for r.apaza@andestech.pe: /members/invitations/" in out.getvalue()
    statuses = set(MembershipApplication.objects.values_list("status", flat=True))
    assert {
        MembershipApplication.Status.SUBMITTED,
        MembershipApplication.Status.INFO_REQUESTED,
    } <= (statuses)
    assert JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).exists()
    assert Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True).exists()
    assert not Organization.objects.filter(
        membership_status__in=["suspended", "lapsed"], membership_status_reason=""
    ).exists()

    before = counts()
    demo.seed(stdout=io.StringIO())
    demo_membership.seed(stdout=io.StringIO())
    assert counts() == before
