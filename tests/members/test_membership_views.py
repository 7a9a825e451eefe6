"""The membership journey in HTML: apply for a new organization, find and ask to join an existing
one, "My organization", answering the secretariat, applying again, and member-only features
closing for suspended organizations (``member_required``)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from members.decorators import member_required
from members.models import JoinRequest, MembershipApplication, Organization, OrganizationMember
from members.services import membership as services
from tests.members.factories import (
    JoinRequestFactory,
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
    make_ruc,
)

pytestmark = pytest.mark.django_db

OrgStatus = Organization.MembershipStatus
RUC = make_ruc(66_000_001)


@pytest.fixture
def person():
    return UserFactory(full_name="Rosa Mamani Quispe")


@pytest.fixture
def client_en(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def application_form(**overrides: str) -> dict[str, str]:
    data = {
        "legal_name": "Soluciones Hídricas del Sur S.A.C.",
        "trade_name": "Hídricas del Sur",
        "ruc": RUC,
        "kind": "mets",
        "mining_scale": "",
        "government_level": "",
        "region": "moquegua",
        "city": "Ilo",
        "website": "hidricas.example.pe",
        "motivation": "Tratamos agua de mina y queremos pilotear con las mineras del sur.",
    }
    data.update(overrides)
    return data


def counts() -> tuple[int, int, int]:
    return (
        Organization.objects.count(),
        MembershipApplication.objects.count(),
        OrganizationMember.objects.count(),
    )


# --- Applying for a new organization -----------------------------------------------------------


def test_apply_for_a_new_organization(client_en, person) -> None:
    response = client_en.get(reverse("members:membership_apply_new"))
    assert response.status_code == 200
    assert 'data-kind-group="mining"' in response.content.decode()

    response = client_en.post(reverse("members:membership_apply_new"), application_form())
    organization = Organization.objects.get(ruc=RUC)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "members:team", kwargs={"organization_id": organization.pk}
    )
    assert organization.website == "https://hidricas.example.pe"
    assert organization.membership_status == OrgStatus.APPLICANT
    assert organization.memberships.get().user == person

    body = client_en.get(response["Location"]).content.decode()
    assert "has been sent to the secretariat" in body
    assert "Applicant" in body
    assert "Submitted" in body


def test_ruc_may_be_typed_with_spaces_and_dashes(client_en) -> None:
    spaced = f"{RUC[:2]}-{RUC[2:10]} {RUC[10]}"
    response = client_en.post(reverse("members:membership_apply_new"), application_form(ruc=spaced))
    assert response.status_code == 302
    assert Organization.objects.filter(ruc=RUC).exists()


@pytest.mark.parametrize(
    ("ruc", "message"),
    [
        ("123", "A RUC has exactly 11 digits."),
        ("30123456786", "A RUC starts with 10, 15, 16, 17 or 20."),
        (RUC[:-1] + str((int(RUC[-1]) + 1) % 10), "its check digit does not match"),
    ],
)
def test_invalid_ruc_is_explained_and_nothing_is_created(client_en, ruc, message) -> None:
    before = counts()
    response = client_en.post(reverse("members:membership_apply_new"), application_form(ruc=ruc))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Nothing has been saved." in body
    assert counts() == before


def test_duplicate_ruc_points_to_joining(client_en) -> None:
    OrganizationFactory(ruc=RUC)
    before = counts()
    response = client_en.post(reverse("members:membership_apply_new"), application_form())
    assert response.status_code == 200
    assert "already registered. If you work there, ask to join it instead." in (
        response.content.decode()
    )
    assert counts() == before


def test_mining_company_needs_its_scale(client_en) -> None:
    before = counts()
    response = client_en.post(
        reverse("members:membership_apply_new"), application_form(kind="mining")
    )
    assert response.status_code == 200
    assert "Choose the mining scale of a mining company." in response.content.decode()
    assert counts() == before


def test_apply_page_lists_my_open_requests(client_en, person) -> None:
    application = MembershipApplicationFactory(applicant=person)
    join_request = JoinRequestFactory(user=person)
    body = client_en.get(reverse("members:membership_apply")).content.decode()
    assert application.organization.display_name in body
    assert join_request.organization.display_name in body
    assert reverse("members:join_request_cancel", args=[join_request.pk]) in body


# --- Joining an existing organization ----------------------------------------------------------


@pytest.fixture
def private_org():
    organization = OrganizationFactory(trade_name="Minera Reservada", is_public=False)
    OrganizationMemberFactory(organization=organization, role=OrganizationMember.Role.ADMIN)
    return organization


@pytest.fixture
def public_org():
    organization = OrganizationFactory(trade_name="Andes Tech")
    OrganizationMemberFactory(organization=organization, role=OrganizationMember.Role.ADMIN)
    return organization


def search(client: Client, query: str) -> str:
    return client.get(reverse("members:membership_join"), {"q": query}).content.decode()


def test_search_by_ruc_finds_even_private_profiles(client_en, private_org) -> None:
    assert "Minera Reservada" in search(client_en, private_org.ruc)
    assert "Minera Reservada" not in search(client_en, "Reservada")
    assert "No organization matches." in search(client_en, "Reservada")


def test_search_by_name_finds_public_profiles(client_en, public_org) -> None:
    assert "Andes Tech" in search(client_en, "andes")
    # Organizations without an admin cannot decide: they are not offered.
    OrganizationFactory(trade_name="Andes Huérfana")
    assert "Andes Huérfana" not in search(client_en, "andes")


def test_invalid_ruc_search_finds_nothing(client_en, public_org) -> None:
    bad = public_org.ruc[:-1] + str((int(public_org.ruc[-1]) + 1) % 10)
    assert "No organization matches." in search(client_en, bad)


def test_ask_to_join_then_cancel(client_en, person, public_org) -> None:
    url = reverse("members:membership_join")
    response = client_en.post(url, {"organization": public_org.pk, "message": "Soy ingeniera."})
    assert response.status_code == 302
    join_request = JoinRequest.objects.get(user=person)
    assert join_request.status == JoinRequest.Status.PENDING
    body = client_en.get(response["Location"]).content.decode()
    assert "Your request to join Andes Tech has been sent to its admins." in body

    # Asking twice is explained; nothing new is created.
    response = client_en.post(url, {"organization": public_org.pk}, follow=True)
    assert "You have already asked to join Andes Tech" in response.content.decode()
    assert JoinRequest.objects.count() == 1

    response = client_en.post(reverse("members:join_request_cancel", args=[join_request.pk]))
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.CANCELLED


NOT_FOUND = "This organization was not found. Search for it again by its RUC or its name."


def test_ask_to_join_an_unknown_organization(client_en) -> None:
    response = client_en.post(
        reverse("members:membership_join"), {"organization": 999_999}, follow=True
    )
    assert response.status_code == 200
    assert NOT_FOUND in response.content.decode()
    assert not JoinRequest.objects.exists()


def hidden_organizations() -> list[Organization]:
    """Organizations with an admin that a stranger cannot find by name."""
    private = OrganizationFactory(trade_name="Secreta Minera", is_public=False)
    applicant = MembershipApplicationFactory(
        organization__trade_name="Postulante Oculta"
    ).organization
    suspended = OrganizationFactory(
        trade_name="Suspendida Oculta", membership_status=OrgStatus.SUSPENDED
    )
    lapsed = OrganizationFactory(trade_name="Antigua Oculta", membership_status=OrgStatus.LAPSED)
    for organization in (private, suspended, lapsed):
        OrganizationMemberFactory(organization=organization, role=OrganizationMember.Role.ADMIN)
    return [private, applicant, suspended, lapsed]


def test_asking_to_join_a_hidden_organization_by_id_reveals_nothing(client_en) -> None:
    """A guessed id of an organization the person could not have found gets the same answer
    as an id that does not exist: its name is never shown and nothing is created."""
    from notifications.models import Notification

    url = reverse("members:membership_join")
    for organization in hidden_organizations():
        for data in (
            {"organization": organization.pk, "message": "Hola"},
            # Another organization's RUC does not open this one.
            {"organization": organization.pk, "ruc": RUC},
        ):
            response = client_en.post(url, data, follow=True)
            body = response.content.decode()
            assert NOT_FOUND in body
            assert organization.display_name not in body
            assert organization.legal_name not in body
    assert not JoinRequest.objects.exists()
    assert not Notification.objects.filter(event="members.join_request_created").exists()


def test_asking_to_join_with_the_exact_ruc_works_for_any_organization(
    client_en, person, private_org
) -> None:
    """What a RUC search finds (private profiles included) can be asked to join: the search
    result sends the RUC along."""
    body = search(client_en, private_org.ruc)
    assert f'name="ruc" value="{private_org.ruc}"' in body
    response = client_en.post(
        reverse("members:membership_join"),
        {"organization": private_org.pk, "ruc": private_org.ruc},
        follow=True,
    )
    assert "Your request to join Minera Reservada has been sent" in response.content.decode()
    assert JoinRequest.objects.filter(organization=private_org, user=person).exists()


def test_name_search_finds_only_public_active_members(client_en) -> None:
    hidden = hidden_organizations()
    body = search(client_en, "Oculta")
    assert "No organization matches." in body
    for organization in hidden:
        assert organization.display_name not in body
        # The exact RUC still finds each of them.
        assert organization.display_name in search(client_en, organization.ruc)


# --- My organization ---------------------------------------------------------------------------


def test_my_organization_without_one_goes_to_apply(client_en) -> None:
    response = client_en.get(reverse("members:my_organization"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("members:membership_apply")
    assert "You do not belong to an organization yet." in response.content.decode()


def test_my_organization_switcher_remembers_the_last_one(client_en, person) -> None:
    first = OrganizationMemberFactory(
        user=person, organization__legal_name="A Primera"
    ).organization
    second = OrganizationMemberFactory(
        user=person, organization__legal_name="B Segunda"
    ).organization
    response = client_en.get(reverse("members:my_organization"))
    assert response["Location"] == reverse("members:team", args=[first.pk])
    body = client_en.get(reverse("members:team", args=[second.pk])).content.decode()
    assert 'data-testid="organization-switcher"' in body
    assert reverse("members:team", args=[first.pk]) in body
    response = client_en.get(reverse("members:my_organization"))
    assert response["Location"] == reverse("members:team", args=[second.pk])


def test_nav_links_to_my_organization(client_en) -> None:
    body = client_en.get("/").content.decode()
    assert reverse("members:my_organization") in body
    assert "My organization" in body


# --- Answering the secretariat, withdrawing, applying again ------------------------------------


def test_answer_the_secretariat_from_the_team_page(client_en, person, staff_user) -> None:
    application = MembershipApplicationFactory(applicant=person)
    services.membership_application_request_info(
        actor=staff_user, application=application, message="¿Tienen operaciones en Tacna?"
    )
    team = reverse("members:team", args=[application.organization_id])
    body = client_en.get(team).content.decode()
    assert "The secretariat asks:" in body
    assert "¿Tienen operaciones en Tacna?" in body
    assert 'data-testid="respond-form"' in body

    url = reverse("members:application_respond", args=[application.organization_id])
    response = client_en.post(url, {"response": ""}, follow=True)
    assert "Write your answer to the secretariat." in response.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.INFO_REQUESTED

    response = client_en.post(url, {"response": "Sí, en Toquepala."}, follow=True)
    assert "Your answer has been sent to the secretariat." in response.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED
    assert application.applicant_response == "Sí, en Toquepala."


def test_withdraw_from_the_team_page(client_en, person) -> None:
    application = MembershipApplicationFactory(applicant=person)
    response = client_en.post(
        reverse("members:application_withdraw", args=[application.organization_id]), follow=True
    )
    assert "Your application has been withdrawn." in response.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.WITHDRAWN
    # Nothing open any more: a second withdrawal is a 404.
    response = client_en.post(
        reverse("members:application_withdraw", args=[application.organization_id])
    )
    assert response.status_code == 404


def test_rejected_application_shows_the_reason_and_admin_applies_again(
    client_en, person, staff_user
) -> None:
    # A former member keeps its people after a rejection (see the next test for a new one).
    application = MembershipApplicationFactory(
        applicant=person, organization__member_since=datetime.date(2021, 5, 1)
    )
    services.membership_application_reject(
        actor=staff_user, application=application, reason="Falta la ficha RUC."
    )
    team = reverse("members:team", args=[application.organization_id])
    body = client_en.get(team).content.decode()
    assert "Reason for the rejection:" in body
    assert "Falta la ficha RUC." in body
    assert "Lapsed" in body
    url = reverse("members:membership_apply_again", args=[application.organization_id])
    assert url in body
    assert client_en.get(url).status_code == 200
    response = client_en.post(url, {"motivation": ""})
    assert response.status_code == 200
    response = client_en.post(url, {"motivation": "Adjuntamos la ficha."})
    assert response.status_code == 302
    application.organization.refresh_from_db()
    assert application.organization.membership_status == OrgStatus.APPLICANT


def test_rejected_new_organization_is_released_and_its_ruc_can_be_claimed(
    client_en, person, staff_user
) -> None:
    """A registration rejected by the secretariat does not keep the RUC: the person who made it
    leaves the organization, and whoever applies next with the RUC takes it over."""
    response = client_en.post(reverse("members:membership_apply_new"), application_form())
    assert response.status_code == 302
    organization = Organization.objects.get(ruc=RUC)
    first = MembershipApplication.objects.get(organization=organization)
    services.membership_application_reject(
        actor=staff_user, application=first, reason="No es su empresa."
    )
    assert not OrganizationMember.objects.filter(organization=organization).exists()
    assert client_en.get(reverse("members:team", args=[organization.pk])).status_code == 404
    # The applicant still reads the decision and its reason where "My organization" leads.
    response = client_en.get(reverse("members:my_organization"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("members:membership_apply")
    body = response.content.decode()
    assert 'data-testid="rejected-application"' in body
    assert "Reason for the rejection:" in body
    assert "No es su empresa." in body
    response = client_en.post(
        reverse("members:invitation_create", args=[organization.pk]),
        {"email": "x@example.pe", "role": "member"},
    )
    assert response.status_code == 404

    claimant = UserFactory()
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(claimant)
    response = other.post(
        reverse("members:membership_apply_new"),
        application_form(legal_name="Hídricas Verdaderas S.A.C.", trade_name="Verdaderas"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:team", args=[organization.pk])
    organization.refresh_from_db()
    assert Organization.objects.filter(ruc=RUC).count() == 1
    assert organization.legal_name == "Hídricas Verdaderas S.A.C."
    assert organization.membership_status == OrgStatus.APPLICANT
    assert list(organization.memberships.values_list("user", "role")) == [
        (claimant.pk, OrganizationMember.Role.ADMIN)
    ]
    # The rejected application stays as history, next to the new one.
    assert list(
        MembershipApplication.objects.filter(organization=organization)
        .order_by("pk")
        .values_list("applicant", "status")
    ) == [
        (person.pk, MembershipApplication.Status.REJECTED),
        (claimant.pk, MembershipApplication.Status.SUBMITTED),
    ]
    # Once taken over, the organization is no longer shown to the first applicant.
    body = client_en.get(reverse("members:membership_apply")).content.decode()
    assert 'data-testid="rejected-application"' not in body
    assert "Verdaderas" not in body


def test_approved_organization_shows_active_member(client_en, person, staff_user) -> None:
    application = MembershipApplicationFactory(applicant=person)
    services.membership_application_approve(actor=staff_user, application=application)
    body = client_en.get(reverse("members:team", args=[application.organization_id])).content
    assert b"Active member" in body
    assert b'data-testid="member-since"' in body


def test_suspended_organization_shows_the_reason(client_en, person, staff_user) -> None:
    organization = OrganizationMemberFactory(user=person).organization
    services.organization_suspend(
        actor=staff_user, organization=organization, reason="Cuotas impagas."
    )
    body = client_en.get(reverse("members:team", args=[organization.pk])).content.decode()
    assert "Suspended" in body
    assert "member-only features are closed" in body
    assert "Cuotas impagas." in body


# --- member_required ---------------------------------------------------------------------------


@member_required
def members_only(request) -> HttpResponse:
    return HttpResponse("secret")


def call(user) -> HttpResponse:
    request = RequestFactory(HTTP_ACCEPT_LANGUAGE="en").get("/calls/members-only/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return members_only(request)


@translation.override("en")  # the reason is read in English
def test_member_required_closes_for_suspended_organizations(staff_user) -> None:
    assert call(None).status_code == 302
    assert call(None)["Location"] == "/accounts/login/?next=/calls/members-only/"
    assert call(UserFactory()).status_code == 403

    membership = OrganizationMemberFactory()
    person = membership.user
    assert call(person).status_code == 200
    services.organization_suspend(
        actor=staff_user, organization=membership.organization, reason="Cuotas."
    )
    response = call(person)
    assert response.status_code == 403
    assert b"For members only" in response.content
    services.organization_reinstate(actor=staff_user, organization=membership.organization)
    assert call(person).status_code == 200

    # An applicant is not a member yet.
    applicant = MembershipApplicationFactory().applicant
    assert call(applicant).status_code == 403
