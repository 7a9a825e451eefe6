"""The secretariat's pages: the application queue (filters, search, pagination, constant
queries), deciding an application, and suspending / reinstating / lapsing organizations."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import MembershipApplication, Organization
from tests.members.factories import (
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
)

pytestmark = pytest.mark.django_db

Status = MembershipApplication.Status
OrgStatus = Organization.MembershipStatus
QUEUE = reverse("members_staff:application_list")
ORGANIZATIONS = reverse("members_staff:organization_list")


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_user)
    return client


def detail_url(application: MembershipApplication) -> str:
    return reverse("members_staff:application_detail", kwargs={"application_id": application.pk})


def test_queue_shows_open_applications_oldest_first(staff_client) -> None:
    now = timezone.now()
    newer = MembershipApplicationFactory(
        organization__trade_name="Newer", submitted_at=now - datetime.timedelta(days=1)
    )
    older = MembershipApplicationFactory(
        organization__trade_name="Older",
        status=Status.INFO_REQUESTED,
        submitted_at=now - datetime.timedelta(days=5),
    )
    MembershipApplicationFactory(organization__trade_name="Closed", status=Status.APPROVED)
    body = staff_client.get(QUEUE).content.decode()
    assert body.index("Older") < body.index("Newer")
    assert "Closed" not in body
    assert detail_url(older) in body
    assert detail_url(newer) in body


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("submitted", {"Uno"}),
        ("info_requested", {"Dos"}),
        ("approved", {"Tres"}),
        ("all", {"Uno", "Dos", "Tres"}),
        ("bogus", {"Uno", "Dos"}),  # an unknown filter falls back to "open"
    ],
)
def test_queue_status_filter(staff_client, status, shown) -> None:
    MembershipApplicationFactory(organization__trade_name="Uno")
    MembershipApplicationFactory(organization__trade_name="Dos", status=Status.INFO_REQUESTED)
    MembershipApplicationFactory(organization__trade_name="Tres", status=Status.APPROVED)
    response = staff_client.get(QUEUE, {"status": status})
    assert response.status_code == 200
    names = {a.organization.trade_name for a in response.context["applications"]}
    assert names == shown


def test_queue_search_and_pagination(staff_client) -> None:
    target = MembershipApplicationFactory(organization__legal_name="Fundición del Sur S.A.")
    for _ in range(30):
        MembershipApplicationFactory()
    response = staff_client.get(QUEUE, {"q": "fundición"})
    assert [a.pk for a in response.context["applications"]] == [target.pk]
    response = staff_client.get(QUEUE, {"q": target.organization.ruc})
    assert [a.pk for a in response.context["applications"]] == [target.pk]
    first = staff_client.get(QUEUE)
    assert len(first.context["applications"]) == 25
    second = staff_client.get(QUEUE, {"page": 2})
    assert len(second.context["applications"]) == 6
    assert staff_client.get(QUEUE, {"page": "zzz"}).status_code == 200


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [QUEUE, f"{QUEUE}?status=all", ORGANIZATIONS])
def test_staff_lists_run_a_constant_number_of_queries(staff_client, url) -> None:
    for _ in range(5):
        OrganizationMemberFactory(organization=MembershipApplicationFactory().organization)
    staff_client.get(url)
    few = count_queries(staff_client, url)
    for _ in range(45):
        OrganizationMemberFactory(organization=MembershipApplicationFactory().organization)
    many = count_queries(staff_client, url)
    assert few == many, (few, many)
    print(f"{url}: {few} queries for 5 and for 50 rows")


def test_detail_shows_the_application_and_the_decision_forms(staff_client) -> None:
    application = MembershipApplicationFactory(motivation="Queremos pilotear sensores.")
    body = staff_client.get(detail_url(application)).content.decode()
    assert "Queremos pilotear sensores." in body
    assert application.organization.ruc in body
    for testid in ("approve-form", "reject-form", "request-info-form"):
        assert f'data-testid="{testid}"' in body


def test_approve_from_the_detail_page(staff_client) -> None:
    application = MembershipApplicationFactory(organization__trade_name="Misti")
    response = staff_client.post(
        reverse("members_staff:application_approve", args=[application.pk]),
        {"message": ""},
        follow=True,
    )
    assert "Misti is now an active member." in response.content.decode()
    assert 'data-testid="application-closed"' in response.content.decode()
    application.organization.refresh_from_db()
    assert application.organization.membership_status == OrgStatus.ACTIVE


def test_reject_without_reason_is_explained_and_changes_nothing(staff_client) -> None:
    application = MembershipApplicationFactory()
    response = staff_client.post(
        reverse("members_staff:application_reject", args=[application.pk]), {"reason": " "}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_request_info_twice_is_explained(staff_client) -> None:
    application = MembershipApplicationFactory(status=Status.INFO_REQUESTED)
    response = staff_client.post(
        reverse("members_staff:application_request_info", args=[application.pk]),
        {"message": "¿Y la ficha?"},
        follow=True,
    )
    assert "it can no longer be changed this way" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert application.decision_message == ""


def test_decisions_on_a_closed_application_change_nothing(staff_client) -> None:
    application = MembershipApplicationFactory(status=Status.REJECTED, decision_message="No.")
    response = staff_client.post(
        reverse("members_staff:application_approve", args=[application.pk]), follow=True
    )
    assert "can no longer be changed" in response.content.decode()
    application.refresh_from_db()
    application.organization.refresh_from_db()
    assert application.status == Status.REJECTED
    assert application.organization.membership_status == OrgStatus.APPLICANT


def test_unknown_application_is_404(staff_client) -> None:
    assert (
        staff_client.get(reverse("members_staff:application_detail", args=[999])).status_code == 404
    )


def test_organization_list_filter(staff_client) -> None:
    OrganizationFactory(trade_name="Activa")
    OrganizationFactory(trade_name="Suspendida", membership_status=OrgStatus.SUSPENDED)
    response = staff_client.get(ORGANIZATIONS, {"status": "suspended"})
    assert [o.trade_name for o in response.context["organizations"]] == ["Suspendida"]
    response = staff_client.get(ORGANIZATIONS, {"q": "activ"})
    assert [o.trade_name for o in response.context["organizations"]] == ["Activa"]


def test_suspend_needs_a_reason_then_reinstate_then_lapse(staff_client) -> None:
    organization = OrganizationFactory(trade_name="Andes Tech")
    url = reverse("members_staff:organization_detail", args=[organization.pk])
    body = staff_client.get(url).content.decode()
    assert 'data-testid="suspend-form"' in body
    assert 'data-testid="reinstate-form"' not in body

    suspend = reverse("members_staff:organization_suspend", args=[organization.pk])
    response = staff_client.post(suspend, {"reason": ""})
    assert response.status_code == 200
    assert "Give the reason; the organization will see it." in response.content.decode()
    organization.refresh_from_db()
    assert organization.membership_status == OrgStatus.ACTIVE

    response = staff_client.post(suspend, {"reason": "Cuotas impagas."}, follow=True)
    assert "Andes Tech has been suspended." in response.content.decode()
    organization.refresh_from_db()
    assert organization.membership_status == OrgStatus.SUSPENDED

    # Suspending twice is explained and changes nothing.
    response = staff_client.post(suspend, {"reason": "Otra vez."}, follow=True)
    assert "this change is not possible" in response.content.decode()
    organization.refresh_from_db()
    assert organization.membership_status_reason == "Cuotas impagas."

    staff_client.post(reverse("members_staff:organization_reinstate", args=[organization.pk]))
    organization.refresh_from_db()
    assert organization.membership_status == OrgStatus.ACTIVE
    staff_client.post(
        reverse("members_staff:organization_lapse", args=[organization.pk]),
        {"reason": "No renovó."},
    )
    organization.refresh_from_db()
    assert organization.membership_status == OrgStatus.LAPSED


def test_staff_home_links_to_the_queue(staff_client) -> None:
    body = staff_client.get(reverse("staff_home")).content.decode()
    assert QUEUE in body
