"""Invitations: hashed single-use tokens that expire; accepting adds the person with the invited
role; expired, revoked, used, unknown or someone else's links get a clear error and change
nothing."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Invitation, JoinRequest, Organization, OrganizationMember
from members.services import team as services
from notifications.models import Notification, OutboxEmail
from tests.members.factories import (
    InvitationFactory,
    JoinRequestFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Service errors are asserted in English (the default language is Spanish)."""
    with translation.override("en"):
        yield


ADMIN = OrganizationMember.Role.ADMIN
MEMBER = OrganizationMember.Role.MEMBER


@pytest.fixture
def organization() -> Organization:
    return OrganizationFactory(trade_name="Andes Tech")


@pytest.fixture
def admin(organization):
    return OrganizationMemberFactory(organization=organization, role=ADMIN).user


@pytest.fixture
def client_en() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def state() -> tuple:
    return (
        tuple(
            Invitation.objects.order_by("pk").values_list(
                "pk", "accepted_at", "accepted_by", "revoked_at"
            )
        ),
        tuple(OrganizationMember.objects.order_by("pk").values_list("pk", "user", "role")),
    )


# --- Creating ----------------------------------------------------------------------------------


def test_invitation_stores_only_a_digest_and_emails_the_link(organization, admin) -> None:
    issued = services.invitation_create(
        actor=admin, organization=organization, email="  Rosa.Mamani@Example.PE ", role=ADMIN
    )
    invitation = issued.invitation
    assert invitation.email == "rosa.mamani@example.pe"
    assert invitation.role == ADMIN
    assert len(issued.token) >= 43
    assert invitation.token_digest == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in invitation.token_digest
    assert not Invitation.objects.filter(token_digest=issued.token).exists()
    lifetime = invitation.expires_at - invitation.created_at
    assert lifetime == datetime.timedelta(days=7)
    # One outbox email to the bare address, with the raw token in its link.
    email = OutboxEmail.objects.get(event="members.invitation")
    assert email.to_email == "rosa.mamani@example.pe"
    assert email.recipient is None
    path = reverse("members:invitation_accept", kwargs={"token": issued.token})
    assert path in email.body_text
    assert path in email.body_html
    assert "Andes Tech" in email.subject


def test_invitation_lifetime_comes_from_settings(organization, admin, settings) -> None:
    settings.MEMBERS_INVITATION_DAYS = 2
    invitation = services.invitation_create(
        actor=admin, organization=organization, email="a@example.pe"
    ).invitation
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=2)


def test_invitation_email_is_in_the_invitees_language(organization, admin) -> None:
    UserFactory(email="english@example.pe", language="en")
    services.invitation_create(actor=admin, organization=organization, email="english@example.pe")
    email = OutboxEmail.objects.get(event="members.invitation")
    assert email.language == "en"
    assert "invites you to join Andes Tech" in email.subject


def test_inviting_again_replaces_the_earlier_link(organization, admin) -> None:
    first = services.invitation_create(actor=admin, organization=organization, email="x@example.pe")
    second = services.invitation_create(
        actor=admin, organization=organization, email="X@example.pe"
    )
    first.invitation.refresh_from_db()
    assert first.invitation.revoked_at is not None
    assert second.invitation.revoked_at is None


def test_cannot_invite_someone_already_in_the_team(organization, admin) -> None:
    colleague = OrganizationMemberFactory(organization=organization).user
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(
            actor=admin, organization=organization, email=colleague.email.upper()
        )
    assert excinfo.value.message_dict["email"] == [
        "This person already belongs to the organization."
    ]
    assert state() == before
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b"])
def test_invalid_address_is_refused(organization, admin, email) -> None:
    with pytest.raises(ValidationError):
        services.invitation_create(actor=admin, organization=organization, email=email)
    assert not Invitation.objects.exists()


def test_only_admins_of_a_non_suspended_organization_invite(organization, admin) -> None:
    member = OrganizationMemberFactory(organization=organization).user
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=member, organization=organization, email="a@example.pe")
    Organization.objects.filter(pk=organization.pk).update(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )
    organization.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=admin, organization=organization, email="a@example.pe")
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Organization.MembershipStatus.ACTIVE, True),
        (Organization.MembershipStatus.APPLICANT, True),
        (Organization.MembershipStatus.NONE, False),
        (Organization.MembershipStatus.LAPSED, False),
        (Organization.MembershipStatus.SUSPENDED, False),
    ],
)
def test_only_active_or_applicant_organizations_invite(organization, admin, status, allowed):
    # Checked on the locked row, not on the (stale) instance the caller passes.
    Organization.objects.filter(pk=organization.pk).update(membership_status=status)
    if allowed:
        services.invitation_create(actor=admin, organization=organization, email="a@example.pe")
        assert Invitation.objects.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            services.invitation_create(actor=admin, organization=organization, email="a@example.pe")
        assert not Invitation.objects.exists()
        assert not OutboxEmail.objects.exists()


def test_invitations_per_day_are_capped(organization, admin, settings) -> None:
    settings.MEMBERS_INVITATIONS_PER_DAY = 3
    # An invitation older than 24 hours does not count.
    InvitationFactory(
        organization=organization, created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    # Other organizations' invitations do not count either.
    InvitationFactory()
    first = services.invitation_create(
        actor=admin, organization=organization, email="a0@example.pe"
    )
    # Revoking does not give the invitation back.
    services.invitation_revoke(actor=admin, invitation=first.invitation)
    for n in (1, 2):
        services.invitation_create(actor=admin, organization=organization, email=f"a{n}@example.pe")
    before = state()
    emails = OutboxEmail.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(actor=admin, organization=organization, email="a3@example.pe")
    assert excinfo.value.code == "rate_limited"
    assert excinfo.value.messages == [
        "Your organization has reached its limit of 3 invitations in 24 hours. Try again later."
    ]
    assert state() == before
    assert OutboxEmail.objects.count() == emails


def test_the_daily_cap_defaults_to_twenty(settings) -> None:
    assert settings.MEMBERS_INVITATIONS_PER_DAY == 20
    assert services.invitations_per_day() == 20


def test_revoke(organization, admin) -> None:
    invitation = InvitationFactory(organization=organization, invited_by=admin)
    member = OrganizationMemberFactory(organization=organization).user
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=member, invitation=invitation)
    services.invitation_revoke(actor=admin, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    with pytest.raises(ValidationError):
        services.invitation_revoke(actor=admin, invitation=invitation)


# --- Accepting ---------------------------------------------------------------------------------


def test_accept_adds_the_person_with_the_invited_role(organization, admin) -> None:
    issued = services.invitation_create(
        actor=admin, organization=organization, email="nuevo@example.pe", role=ADMIN
    )
    person = UserFactory(email="nuevo@example.pe")
    pending = JoinRequestFactory(organization=organization, user=person)
    member = services.invitation_accept(actor=person, token=issued.token)
    assert (member.organization, member.user, member.role) == (organization, person, ADMIN)
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_by == person
    assert issued.invitation.accepted_at is not None
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.APPROVED
    notification = Notification.objects.get(recipient=admin)
    assert notification.event == "members.invitation_accepted"


def test_accept_with_a_verified_secondary_address(organization, admin) -> None:
    invitation = InvitationFactory(organization=organization, email="trabajo@example.pe")
    person = UserFactory(email="personal@example.pe")
    EmailAddress.objects.create(user=person, email="trabajo@example.pe", verified=True)
    services.invitation_accept(actor=person, token=invitation.token)
    assert OrganizationMember.objects.filter(organization=organization, user=person).exists()


def expired(**kwargs):
    return InvitationFactory(expires_at=timezone.now() - datetime.timedelta(minutes=1), **kwargs)


def revoked(**kwargs):
    return InvitationFactory(revoked_at=timezone.now(), **kwargs)


def used(**kwargs):
    return InvitationFactory(accepted_at=timezone.now(), accepted_by=UserFactory(), **kwargs)


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (expired, "expired", "This invitation has expired."),
        (revoked, "revoked", "This invitation has been withdrawn."),
        (used, "used", "This invitation has already been used."),
    ],
)
def test_unusable_invitations_change_nothing(organization, make, code, message) -> None:
    invitation = make(organization=organization, email="p@example.pe")
    person = UserFactory(email="p@example.pe")
    before = state()
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept(actor=person, token=invitation.token)
    assert excinfo.value.code == code
    assert excinfo.value.messages[0].startswith(message)
    assert state() == before


def test_a_link_works_only_once(organization) -> None:
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    person = UserFactory(email="p@example.pe")
    services.invitation_accept(actor=person, token=invitation.token)
    OrganizationMember.objects.filter(user=person).delete()
    before = state()
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept(actor=person, token=invitation.token)
    assert excinfo.value.code == "used"
    assert state() == before


def test_another_persons_invitation_changes_nothing(organization) -> None:
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    intruder = UserFactory(email="intruder@example.pe")
    # An unverified address of the intruder does not count either.
    EmailAddress.objects.create(user=intruder, email="p@example.pe", verified=False)
    before = state()
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept(actor=intruder, token=invitation.token)
    assert excinfo.value.code == "wrong_email"
    assert state() == before


@pytest.mark.parametrize("token", ["", "nope", "x" * 500])
def test_unknown_token(token) -> None:
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept(actor=UserFactory(), token=token)
    assert excinfo.value.code == "invalid"


def test_an_invitation_sent_before_a_suspension_no_longer_works(
    organization, admin, staff_user
) -> None:
    from members.services.membership import organization_suspend

    issued = services.invitation_create(
        actor=admin, organization=organization, email="late@example.pe"
    )
    organization_suspend(actor=staff_user, organization=organization, reason="Cuotas.")
    person = UserFactory(email="late@example.pe")
    # Suspending revoked the link.
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept(actor=person, token=issued.token)
    assert excinfo.value.code == "revoked"
    assert not OrganizationMember.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    "status",
    [
        Organization.MembershipStatus.SUSPENDED,
        Organization.MembershipStatus.LAPSED,
        Organization.MembershipStatus.NONE,
    ],
)
def test_an_open_invitation_of_an_organization_that_takes_in_nobody_changes_nothing(
    client_en, organization, status
) -> None:
    """Even a link that was not revoked (status changed another way) stops working."""
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    Organization.objects.filter(pk=organization.pk).update(membership_status=status)
    person = UserFactory(email="p@example.pe")
    before = state()
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept(actor=person, token=invitation.token)
    assert excinfo.value.code == "organization_closed"
    assert excinfo.value.messages[0].startswith(
        "This organization cannot take in new people at the moment"
    )
    client_en.force_login(person)
    for method in (client_en.get, client_en.post):
        response = method(accept_url(invitation.token))
        assert response.status_code == 403
        assert "cannot take in new people" in response.content.decode()
    assert state() == before
    assert not OrganizationMember.objects.filter(user=person).exists()


def test_already_a_member(organization) -> None:
    person = OrganizationMemberFactory(organization=organization).user
    invitation = InvitationFactory(organization=organization, email=person.email)
    before = state()
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept(actor=person, token=invitation.token)
    assert excinfo.value.code == "already_member"
    assert state() == before


# --- The accept page ---------------------------------------------------------------------------


def accept_url(token: str) -> str:
    return reverse("members:invitation_accept", kwargs={"token": token})


def test_accept_page_requires_login_and_comes_back(client_en, organization) -> None:
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    response = client_en.get(accept_url(invitation.token))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={accept_url(invitation.token)}"


def test_accept_page_then_accept(client_en, organization, admin) -> None:
    issued = services.invitation_create(
        actor=admin, organization=organization, email="p@example.pe"
    )
    # The link in the email is the one that works.
    body = OutboxEmail.objects.get(event="members.invitation").body_text
    path = re.search(r"https?://[^/\s]+(/members/invitations/[^/\s]+/)", body).group(1)
    assert path == accept_url(issued.token)
    person = UserFactory(email="p@example.pe")
    client_en.force_login(person)
    response = client_en.get(path)
    assert response.status_code == 200
    assert "Join Andes Tech" in response.content.decode()
    response = client_en.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "members:team", kwargs={"organization_id": organization.pk}
    )
    assert OrganizationMember.objects.filter(organization=organization, user=person).exists()
    # Opening it again says it was used.
    response = client_en.get(path)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


@pytest.mark.parametrize(
    ("make", "status", "text"),
    [
        (expired, 410, "This invitation has expired."),
        (revoked, 410, "This invitation has been withdrawn."),
        (used, 410, "This invitation has already been used."),
    ],
)
def test_accept_page_errors_change_nothing(client_en, organization, make, status, text) -> None:
    invitation = make(organization=organization, email="p@example.pe")
    client_en.force_login(UserFactory(email="p@example.pe"))
    before = state()
    for method in (client_en.get, client_en.post):
        response = method(accept_url(invitation.token))
        assert response.status_code == status
        assert text in response.content.decode()
    assert state() == before


def test_accept_page_for_another_address_and_unknown_link(client_en, organization) -> None:
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    client_en.force_login(UserFactory(email="other@example.pe"))
    before = state()
    response = client_en.post(accept_url(invitation.token))
    assert response.status_code == 403
    assert "sent to another email address" in response.content.decode()
    response = client_en.get(accept_url("not-a-real-token"))
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()
    assert state() == before


def test_accept_page_in_spanish(client_es, organization) -> None:
    invitation = expired(organization=organization, email="p@example.pe")
    client_es.force_login(UserFactory(email="p@example.pe"))
    response = client_es.get(accept_url(invitation.token))
    assert response.status_code == 410
    assert '<html lang="es">' in response.content.decode()
