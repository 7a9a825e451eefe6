"""Membership decisions by staff role: only membership officers (and administrators) decide,
auditors read, staff without a role get nothing; the secretariat's notifications go to the
membership officers."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from cluster_portal.core import roles
from members.models import MembershipApplication, Organization
from members.services import membership as services
from members.services._effects import staff_recipients
from notifications.models import Notification
from tests.members.factories import MembershipApplicationFactory, UserFactory
from tests.members.test_membership_services import organization_data
from tests.permission_matrix import STAFF_NO_ROLE, client_for, staff_user

pytestmark = pytest.mark.django_db

Status = MembershipApplication.Status


@pytest.fixture
def application() -> MembershipApplication:
    return MembershipApplicationFactory(organization__legal_name="Candidata Roles S.A.C.")


def _state(application: MembershipApplication) -> tuple[str, str]:
    application.refresh_from_db()
    application.organization.refresh_from_db()
    return application.status, application.organization.membership_status


def test_staff_without_role_cannot_decide(application, staff_without_role) -> None:
    before = _state(application)
    with pytest.raises(PermissionDenied):
        services.membership_application_approve(
            actor=staff_without_role, application=application, message=""
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_without_role)
    response = client.post(
        reverse("members_staff:application_approve", args=[application.pk]), {"message": ""}
    )
    assert response.status_code == 403
    assert client.get(reverse("members_staff:application_list")).status_code == 403
    assert _state(application) == before
    assert not Notification.objects.filter(recipient=application.applicant).exists()


def test_membership_officer_decides(application, membership_officer) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(membership_officer)
    response = client.post(
        reverse("members_staff:application_approve", args=[application.pk]),
        {"message": "Bienvenidos."},
    )
    assert response.status_code == 302
    assert _state(application) == (Status.APPROVED, Organization.MembershipStatus.ACTIVE)
    assert application.decided_by == membership_officer
    assert Notification.objects.filter(
        recipient=application.applicant, event="members.application_approved"
    ).exists()


def test_auditor_reads_the_queue_but_acts_on_nothing(application, auditor) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(auditor)
    queue = client.get(reverse("members_staff:application_list"))
    assert queue.status_code == 200
    assert application.organization.display_name in queue.content.decode()
    detail = client.get(reverse("members_staff:application_detail", args=[application.pk]))
    assert detail.status_code == 200
    # The decision is shown disabled, with the reason (the predicate's Verdict).
    body = detail.content.decode()
    assert "Only a membership officer or an administrator can decide on memberships." in body
    assert 'disabled aria-describedby="approve-reason"' in body
    organization_page = client.get(
        reverse("members_staff:organization_detail", args=[application.organization_id])
    )
    assert organization_page.status_code == 200
    before = _state(application)
    for name in ("application_approve", "application_reject", "application_request_info"):
        response = client.post(
            reverse(f"members_staff:{name}", args=[application.pk]),
            {"message": "x", "reason": "x"},
        )
        assert response.status_code == 403, name
    assert _state(application) == before
    assert client.get(reverse("audit:logentry_list")).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (STAFF_NO_ROLE, 403),
        (roles.MEMBERSHIP_OFFICER, 403),
        (roles.CALL_MANAGER, 403),
        (roles.AUDITOR, 200),
        (roles.ADMINISTRATOR, 200),
    ],
)
def test_audit_log_is_for_auditors_and_administrators(role: str, status: int) -> None:
    assert client_for(role).get(reverse("audit:logentry_list")).status_code == status


def test_submission_is_notified_to_membership_officers_not_all_staff() -> None:
    officer = staff_user(roles.MEMBERSHIP_OFFICER)
    others = [
        staff_user(),
        staff_user(roles.AUDITOR),
        staff_user(roles.ADMINISTRATOR),
        staff_user(roles.MEMBERSHIP_OFFICER, is_active=False),
    ]
    services.membership_application_submit(
        actor=UserFactory(),
        organization_data=organization_data(),
        motivation="Queremos participar.",
    )
    notified = set(
        Notification.objects.filter(event="members.application_submitted").values_list(
            "recipient", flat=True
        )
    )
    assert notified == {officer.pk}
    assert not notified & {u.pk for u in others}


def test_without_membership_officers_administrators_are_told() -> None:
    administrator = staff_user(roles.ADMINISTRATOR)
    staff_user(roles.AUDITOR)
    assert staff_recipients() == [administrator]
    officer = staff_user(roles.MEMBERSHIP_OFFICER)
    assert staff_recipients() == [officer]
