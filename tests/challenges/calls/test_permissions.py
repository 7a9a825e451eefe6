"""Permission matrices of calls: a draft vs a published call x visitor / member / each staff
role, for the public page, the API, the staff pages and the FAQ (ask, publish). Allowed writes
assert their effect."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from challenges.models import Call, CallClarification
from cluster_portal.core import roles
from tests.challenges.factories import CallClarificationFactory, CallFactory
from tests.members.factories import OrganizationMemberFactory, UserFactory
from tests.permission_matrix import STAFF_NO_ROLE, STAFF_ROLES, client_for

pytestmark = pytest.mark.django_db

PEOPLE = ("visitor", "other_member", *STAFF_ROLES)
#: Staff roles that read the staff pages (any role; ``view_staff_area``).
READERS = set(roles.ROLE_CODES)
MANAGERS = {roles.CALL_MANAGER, roles.ADMINISTRATOR}


def _client(role: str) -> Client:
    return client_for(role)


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("status", [Call.Status.DRAFT, Call.Status.SCHEDULED, Call.Status.OPEN])
def test_public_page_and_api(role: str, status: str) -> None:
    call = CallFactory(status=status)
    client = _client(role)
    page = client.get(reverse("challenges:call_detail", kwargs={"code": call.code}))
    api = client.get(f"/api/v1/calls/{call.pk}/")
    if status == Call.Status.DRAFT:
        assert page.status_code == (200 if role in READERS else 404)
        assert api.status_code == 404  # the API lists published calls only
    else:
        assert page.status_code == 200
        assert api.status_code == 200
        assert call.title_en in page.content.decode()


@pytest.mark.parametrize("role", PEOPLE)
def test_staff_pages(role: str) -> None:
    call = CallFactory(status=Call.Status.DRAFT)
    client = _client(role)
    listing = client.get(reverse("challenges_staff:call_list"))
    page = client.get(reverse("challenges_staff:call_detail", args=[call.pk]))
    if role in READERS:
        assert listing.status_code == 200
        assert page.status_code == 200
    elif role == "visitor":
        assert listing.status_code == 302  # to the login page
    else:
        assert listing.status_code == 404  # the staff gate hides /staff/ from non-staff
        assert page.status_code == 404


@pytest.mark.parametrize("role", PEOPLE)
def test_editing_a_draft(role: str) -> None:
    call = CallFactory(status=Call.Status.DRAFT, title="Antes")
    client = _client(role)
    response = client.post(
        reverse("challenges_staff:call_edit", args=[call.pk, "general"]),
        {"code": call.code, "title": "Después", "summary": call.summary},
    )
    call.refresh_from_db()
    if role in MANAGERS:
        assert response.status_code == 302
        assert call.title == "Después"
    else:
        assert response.status_code in (302, 403, 404)
        assert call.title == "Antes"


@pytest.mark.parametrize("role", PEOPLE)
def test_lifecycle_action(role: str) -> None:
    call = CallFactory(status=Call.Status.CLOSED)
    response = _client(role).post(
        reverse("challenges_staff:call_action", args=[call.pk, "start_evaluation"])
    )
    call.refresh_from_db()
    expected = Call.Status.IN_EVALUATION if role in MANAGERS else Call.Status.CLOSED
    assert call.status == expected
    if role not in MANAGERS:
        assert response.status_code in (302, 403, 404)


@pytest.mark.parametrize(
    ("asker", "allowed"),
    [("visitor", False), ("no_organization", False), ("member", True), (STAFF_NO_ROLE, False)],
)
def test_faq_ask(asker: str, allowed: bool) -> None:
    call = CallFactory()
    membership = OrganizationMemberFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if asker == "member":
        client.force_login(membership.user)
    elif asker == "no_organization":
        client.force_login(UserFactory())
    elif asker == STAFF_NO_ROLE:
        client = client_for(STAFF_NO_ROLE)
    client.post(
        reverse("challenges:call_ask", kwargs={"code": call.code}),
        {"organization": membership.organization.pk, "question": "¿Plazo?"},
    )
    assert CallClarification.objects.filter(call=call).exists() is allowed


@pytest.mark.parametrize("role", PEOPLE)
def test_faq_publish(role: str) -> None:
    clarification = CallClarificationFactory()
    _client(role).post(
        reverse(
            "challenges_staff:clarification_decide",
            args=[clarification.call_id, clarification.pk, "publish"],
        ),
        {"public_question": "¿Plazo?", "answer": "El indicado."},
    )
    clarification.refresh_from_db()
    expected = (
        CallClarification.Status.PUBLISHED if role in MANAGERS else CallClarification.Status.PENDING
    )
    assert clarification.status == expected
