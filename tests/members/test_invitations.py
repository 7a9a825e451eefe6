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
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Invitation, JoinRequest, Organization, OrganizationMember, User
from members.selectors import membership as selectors
from members.selectors.membership import INVITATION_SESSION_KEY
from members.services import team as services
from notifications.models import Notification, OutboxEmail
from tests.members.factories import (
    DEFAULT_PASSWORD,
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
        (revoked, "revoked", "This invitation has been withdrawn or declined."),
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


PENDING_URL = "/members/invitation/"


def test_the_link_is_carried_in_the_session_and_leaves_the_address_bar(
    client_en, organization
) -> None:
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    response = client_en.get(accept_url(invitation.token))
    assert response.status_code == 302
    assert response["Location"] == PENDING_URL == reverse("members:invitation_pending")
    # The session holds the id and the digest, never the token.
    carried = client_en.session[INVITATION_SESSION_KEY]
    assert carried == {"id": invitation.pk, "digest": invitation.token_digest}
    assert invitation.token not in str(dict(client_en.session.items()))
    # A visitor sees who invites them where, and two ways in that come back here.
    response = client_en.get(PENDING_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Join Andes Tech" in body
    assert "p@example.pe" in body
    assert (
        'href="/accounts/signup/?email=p%40example.pe&amp;next=%2Fmembers%2Finvitation%2F"' in body
    )
    assert 'href="/accounts/login/?next=%2Fmembers%2Finvitation%2F"' in body
    assert invitation.token not in body


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
    response = client_en.get(path, follow=True)
    assert response.redirect_chain == [(PENDING_URL, 302)]
    assert response.status_code == 200
    assert "Join Andes Tech" in response.content.decode()
    response = client_en.post(PENDING_URL, {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "members:team", kwargs={"organization_id": organization.pk}
    )
    assert OrganizationMember.objects.filter(organization=organization, user=person).exists()
    assert INVITATION_SESSION_KEY not in client_en.session
    # The team page says what was accepted.
    page = client_en.get(response["Location"]).content.decode()
    assert "You have accepted the invitation of" in page
    assert "joined the organization as member" in page
    # Opening it again says it was used.
    response = client_en.get(path)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_posting_to_the_link_still_accepts(client_en, organization) -> None:
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    person = UserFactory(email="p@example.pe")
    assert client_en.post(accept_url(invitation.token)).status_code == 302  # to login
    assert not OrganizationMember.objects.filter(user=person).exists()
    client_en.force_login(person)
    response = client_en.post(accept_url(invitation.token))
    assert response["Location"] == reverse(
        "members:team", kwargs={"organization_id": organization.pk}
    )
    assert OrganizationMember.objects.filter(organization=organization, user=person).exists()


@pytest.mark.parametrize(
    ("make", "status", "text"),
    [
        (expired, 410, "This invitation has expired."),
        (revoked, 410, "This invitation has been withdrawn or declined."),
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
    assert "This invitation was sent to p@example.pe, but you are logged in with another" in (
        response.content.decode()
    )
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


# --- Carried through sign-up and login ---------------------------------------------------------

NEW_PASSWORD = "Cobre-y-plata-2026"


def signup_data(email: str) -> dict[str, str]:
    # The name, position and consent fields of the portal's sign-up form are sent too.
    return {
        "full_name": "Mariela Rivera",
        "position": "Jefa de compras",
        "email": email,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "privacy_consent": "on",
    }


def open_link(client: Client, invitation: Invitation, token: str | None = None) -> None:
    token = token or invitation.token  # type: ignore[attr-defined]  # the factory's
    assert client.get(accept_url(token))["Location"] == PENDING_URL


def test_session_selectors_carry_and_forget(rf, organization) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    from members.selectors.membership import invitation_in_session

    invitation = InvitationFactory(organization=organization)
    session = SessionStore()
    assert invitation_in_session(session=session) is None
    services.invitation_carry(session=session, invitation=invitation)
    assert invitation_in_session(session=session) == invitation
    # A forged or stale entry finds nothing.
    session[INVITATION_SESSION_KEY] = {"id": invitation.pk, "digest": "0" * 64}
    assert invitation_in_session(session=session) is None
    session[INVITATION_SESSION_KEY] = "junk"
    assert invitation_in_session(session=session) is None
    services.invitation_carry(session=session, invitation=invitation)
    services.invitation_forget(session=session)
    assert INVITATION_SESSION_KEY not in session


def test_signup_shows_the_invitation_prefills_and_trusts_the_address(
    client_en, organization, admin
) -> None:
    issued = services.invitation_create(
        actor=admin, organization=organization, email="m.rivera@example.pe", role=ADMIN
    )
    mail.outbox.clear()
    emails_before = OutboxEmail.objects.count()
    open_link(client_en, issued.invitation, issued.token)
    signup_url = f"{reverse('account_signup')}?email=m.rivera%40example.pe&next={PENDING_URL}"
    page = client_en.get(signup_url).content.decode()
    assert 'data-testid="invitation-banner"' in page
    assert "invites you to join <strong>Andes Tech</strong>" in page
    assert re.search(r'<input[^>]*name="email"[^>]*value="m.rivera@example.pe"', page)

    response = client_en.post(signup_url, signup_data("M.Rivera@example.pe"))
    assert response.status_code == 302
    # Logged in straight away and accepted: the team page, no confirmation email.
    assert response["Location"] == reverse(
        "members:team", kwargs={"organization_id": organization.pk}
    )
    user = User.objects.get(email__iexact="m.rivera@example.pe")
    assert int(client_en.session["_auth_user_id"]) == user.pk
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (
        "m.rivera@example.pe",
        True,
        True,
    )
    assert mail.outbox == []
    # Nothing but the inviter's "accepted" notice was queued after the invitation itself.
    assert set(
        OutboxEmail.objects.order_by("pk")[emails_before:].values_list("event", flat=True)
    ) <= {"members.invitation_accepted"}
    member = OrganizationMember.objects.get(organization=organization, user=user)
    assert member.role == ADMIN
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_by == user
    assert INVITATION_SESSION_KEY not in client_en.session
    team = client_en.get(response["Location"]).content.decode()
    assert "You have accepted the invitation of" in team
    assert "joined the organization as organization admin" in team


def test_signup_with_another_address_still_needs_verification(client_en, organization) -> None:
    invitation = InvitationFactory(organization=organization, email="m.rivera@example.pe")
    open_link(client_en, invitation)
    response = client_en.post(
        f"{reverse('account_signup')}?next={PENDING_URL}", signup_data("personal@example.pe")
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="personal@example.pe")
    assert not EmailAddress.objects.get(user=user).verified
    # The invited address was not slipped in either.
    assert not EmailAddress.objects.filter(email__iexact="m.rivera@example.pe").exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["personal@example.pe"]
    assert "_auth_user_id" not in client_en.session
    assert not OrganizationMember.objects.filter(user=user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize("make", [expired, revoked, used])
def test_an_unusable_invitation_does_not_verify_the_address(client_en, organization, make):
    invitation = InvitationFactory(organization=organization, email="m.rivera@example.pe")
    open_link(client_en, invitation)
    # The invitation goes bad between opening the link and signing up.
    stale = make(organization=organization, email="x@example.pe")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=stale.expires_at,
        revoked_at=stale.revoked_at,
        accepted_at=stale.accepted_at,
    )
    response = client_en.post(reverse("account_signup"), signup_data("m.rivera@example.pe"))
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="m.rivera@example.pe")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert not OrganizationMember.objects.filter(user=user).exists()


def test_existing_user_logs_in_and_lands_accepted(client_en, organization) -> None:
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    person = UserFactory(email="p@example.pe")
    open_link(client_en, invitation)
    page = client_en.get(f"{reverse('account_login')}?next={PENDING_URL}").content.decode()
    assert 'data-testid="invitation-banner"' in page
    response = client_en.post(
        f"{reverse('account_login')}?next={PENDING_URL}",
        {"login": "p@example.pe", "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "members:team", kwargs={"organization_id": organization.pk}
    )
    assert OrganizationMember.objects.filter(organization=organization, user=person).exists()
    assert INVITATION_SESSION_KEY not in client_en.session


def test_logging_in_with_another_account_explains_and_keeps_the_invitation(
    client_en, organization
) -> None:
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    other = UserFactory(email="other@example.pe")
    open_link(client_en, invitation)
    before = state()
    response = client_en.post(
        reverse("account_login"), {"login": "other@example.pe", "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == PENDING_URL
    response = client_en.get(PENDING_URL)
    assert response.status_code == 403
    body = response.content.decode()
    assert "This invitation was sent to p@example.pe" in body
    assert 'data-testid="invitation-switch-account"' in body
    assert state() == before
    # "Log out and use the invited address" keeps the invitation for the next login.
    response = client_en.post(reverse("account_logout"), {"next": PENDING_URL})
    assert response["Location"] == PENDING_URL
    assert "_auth_user_id" not in client_en.session
    assert client_en.session[INVITATION_SESSION_KEY]["id"] == invitation.pk
    # A plain logout forgets it.
    client_en.force_login(other)
    client_en.post(reverse("account_logout"))
    assert INVITATION_SESSION_KEY not in client_en.session


def test_pending_page_for_a_member_and_without_an_invitation(client_en, organization) -> None:
    member = OrganizationMemberFactory(organization=organization).user
    invitation = InvitationFactory(organization=organization, email=member.email)
    client_en.force_login(member)
    open_link(client_en, invitation)
    response = client_en.get(PENDING_URL)
    assert response.status_code == 409
    assert "You already belong to this organization." in response.content.decode()
    assert INVITATION_SESSION_KEY not in client_en.session
    response = client_en.get(PENDING_URL)
    assert response.status_code == 404
    assert "No invitation is open in this browser." in response.content.decode()


@pytest.mark.parametrize(
    ("make", "status", "text"),
    [
        (expired, 410, "This invitation has expired."),
        (revoked, 410, "This invitation has been withdrawn or declined."),
        (used, 410, "This invitation has already been used."),
    ],
)
def test_visitors_opening_a_dead_link_are_told_why(
    client_en, organization, make, status, text
) -> None:
    invitation = make(organization=organization, email="p@example.pe")
    response = client_en.get(accept_url(invitation.token))
    assert response.status_code == status
    body = response.content.decode()
    assert text in body
    assert "Invitation from" in body
    assert "Andes Tech" in body
    assert INVITATION_SESSION_KEY not in client_en.session


def test_decline_from_the_invitation_page(client_en, organization, admin) -> None:
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    person = UserFactory(email="p@example.pe")
    client_en.force_login(person)
    open_link(client_en, invitation)
    response = client_en.post(PENDING_URL, {"action": "decline"})
    assert response["Location"] == reverse("members:my_organization")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert invitation.accepted_at is None
    assert LogEntry.objects.filter(
        actor=person, additional_data__decision="invitation.decline"
    ).exists()
    assert not OrganizationMember.objects.filter(user=person).exists()
    assert INVITATION_SESSION_KEY not in client_en.session


def test_dismiss_forgets_the_invitation(client_en, organization) -> None:
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    open_link(client_en, invitation)
    response = client_en.post(PENDING_URL, {"action": "dismiss"})
    assert response["Location"] == reverse("home")
    assert INVITATION_SESSION_KEY not in client_en.session
    invitation.refresh_from_db()
    assert invitation.is_usable


# --- Pending invitations on "My organization" --------------------------------------------------


def test_my_organization_lists_pending_invitations_and_join_requests(
    client_en, organization
) -> None:
    person = UserFactory(email="p@example.pe")
    EmailAddress.objects.create(user=person, email="work@example.pe", verified=True)
    EmailAddress.objects.create(user=person, email="unverified@example.pe", verified=False)
    mine = InvitationFactory(organization=organization, email="work@example.pe")
    InvitationFactory(email="unverified@example.pe")  # not proven: not listed
    expired(email="p@example.pe")
    revoked(email="p@example.pe")
    closed = InvitationFactory(email="p@example.pe")
    Organization.objects.filter(pk=closed.organization_id).update(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )
    request = JoinRequestFactory(user=person)
    assert list(selectors.invitations_pending_for_user(user=person)) == [mine]
    client_en.force_login(person)
    response = client_en.get(reverse("members:my_organization"), follow=True)
    body = response.content.decode()
    assert "you have been invited to one: accept or decline the invitation below" in body
    assert body.count('data-testid="pending-invitation"') == 1
    assert 'data-organization="Andes Tech"' in body
    assert request.organization.display_name in body  # the join request, with "Cancel request"


def test_accept_and_decline_from_my_organization(client_en, organization) -> None:
    person = UserFactory(email="p@example.pe")
    first = InvitationFactory(organization=organization, email="p@example.pe")
    second = InvitationFactory(email="p@example.pe")
    client_en.force_login(person)
    response = client_en.post(reverse("members:invitation_decline_mine", args=[second.pk]))
    assert response["Location"] == reverse("members:my_organization")
    second.refresh_from_db()
    assert second.revoked_at is not None
    response = client_en.post(reverse("members:invitation_accept_mine", args=[first.pk]))
    assert response["Location"] == reverse(
        "members:team", kwargs={"organization_id": organization.pk}
    )
    assert OrganizationMember.objects.filter(organization=organization, user=person).exists()
    # Answering again explains instead of changing anything.
    before = state()
    response = client_en.post(reverse("members:invitation_accept_mine", args=[second.pk]))
    assert response["Location"] == reverse("members:my_organization")
    assert state() == before


def test_nobody_answers_anybody_elses_invitation(client_en, organization) -> None:
    invitation = InvitationFactory(organization=organization, email="p@example.pe")
    intruder = UserFactory(email="intruder@example.pe")
    EmailAddress.objects.create(user=intruder, email="p@example.pe", verified=False)
    client_en.force_login(intruder)
    before = state()
    for name in ("members:invitation_accept_mine", "members:invitation_decline_mine"):
        assert client_en.post(reverse(name, args=[invitation.pk])).status_code == 404
        assert client_en.get(reverse(name, args=[invitation.pk])).status_code == 405
    with pytest.raises(services.InvitationError):
        services.invitation_decline(actor=intruder, invitation=invitation)
    assert state() == before
    anonymous = Client()
    response = anonymous.post(reverse("members:invitation_accept_mine", args=[invitation.pk]))
    assert response.status_code == 302
    assert state() == before


def test_a_member_sees_invitations_to_other_organizations_on_the_team_page(
    client_en, organization
) -> None:
    person = OrganizationMemberFactory(organization=organization).user
    other = InvitationFactory(email=person.email)
    InvitationFactory(organization=organization, email=person.email)  # already in: not listed
    client_en.force_login(person)
    body = client_en.get(reverse("members:team", args=[organization.pk])).content.decode()
    assert body.count('data-testid="pending-invitation"') == 1
    assert other.organization.display_name in body
