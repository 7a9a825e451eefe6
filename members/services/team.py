"""People and roles inside an organization: invitations, role changes, removal, leaving.

Rule: an organization always keeps at least one admin. Every team change locks the organization
row first (``select_for_update``), so two admins demoting each other at the same moment cannot
leave the organization without one.

Invitations: the link carries ``secrets.token_urlsafe(32)``; only its SHA-256 digest is stored.
A link expires after ``settings.MEMBERS_INVITATION_DAYS`` days and works once, and only while
the organization takes in people (active or applicant). An organization creates at most
``settings.MEMBERS_INVITATIONS_PER_DAY`` invitations in 24 hours.

An opened link is carried in the session (``invitation_carry``: the invitation's id and digest,
never the token) through sign-up or login, so the token leaves the address bar after the first
request; the invitee may also accept or decline from "My organization" by id, since accepting
always checks that the invitation was sent to one of the person's verified addresses.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from notifications.services import notify, notify_email

from .. import permissions
from ..models import Invitation, JoinRequest, Organization, OrganizationMember, User
from ..selectors.membership import INVITATION_SESSION_KEY

Role = OrganizationMember.Role


def invitation_token_digest(token: str) -> str:
    """The SHA-256 hex digest under which an invitation token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_days() -> int:
    """How many days an invitation link works (``settings.MEMBERS_INVITATION_DAYS``)."""
    return int(settings.MEMBERS_INVITATION_DAYS)


def invitations_per_day() -> int:
    """How many invitations an organization may create in 24 hours
    (``settings.MEMBERS_INVITATIONS_PER_DAY``): the portal sends the emails, so the cap keeps
    it from being used to mail strangers in bulk."""
    return int(settings.MEMBERS_INVITATIONS_PER_DAY)


def invitation_path(token: str) -> str:
    """The portal path an invitee opens (the raw token is only ever in this link)."""
    return reverse("members:invitation_accept", kwargs={"token": token})


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str

    @property
    def path(self) -> str:
        return invitation_path(self.token)


class InvitationError(ValidationError):
    """An invitation link that cannot be used; ``code`` says why."""


def _lock_team(organization_id: int) -> Organization:
    """Lock the organization row: team changes of one organization happen one at a time.

    Locking the organization (one row, always first) rather than the member rows keeps the lock
    order the same in every service, so two admins acting at once queue instead of deadlocking.
    """
    return Organization.objects.select_for_update().get(pk=organization_id)


def _lock_member(member: OrganizationMember) -> OrganizationMember:
    _lock_team(member.organization_id)
    locked = (
        OrganizationMember.objects.select_related("organization", "user")
        .filter(pk=member.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("This person is no longer in the organization."), code="not_member")
    return locked


def _ensure_another_admin(member: OrganizationMember, message: str) -> None:
    """Raise unless the organization keeps an admin other than ``member`` (team locked)."""
    others = (
        OrganizationMember.objects.filter(organization_id=member.organization_id, role=Role.ADMIN)
        .exclude(pk=member.pk)
        .exists()
    )
    if not others:
        raise ValidationError(message, code="last_admin")


# --- Invitations -------------------------------------------------------------------------------


def _normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _invitee_language(email: str, *, fallback: str) -> str:
    """The invitee's own language when they already have an account, else the inviter's."""
    existing = User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
    return existing or fallback


def _belongs_already(organization: Organization, email: str) -> bool:
    return (
        OrganizationMember.objects.filter(organization=organization)
        .filter(
            Q(user__email__iexact=email)
            | Q(user__emailaddress__email__iexact=email, user__emailaddress__verified=True)
        )
        .exists()
    )


@transaction.atomic
def invitation_create(
    *, actor: User, organization: Organization, email: str, role: str = Role.MEMBER
) -> IssuedInvitation:
    """An organization admin invites a colleague by email.

    Preconditions: ``actor`` may add people (admin of an active or applicant organization);
    ``email`` does not belong to a person already in the organization; the organization has
    created fewer than ``settings.MEMBERS_INVITATIONS_PER_DAY`` invitations in the last 24 hours
    (revoked ones count too, so revoking does not reset the limit). An earlier open invitation
    to the same address is revoked (its link stops working): inviting again means sending a
    fresh link.
    The invitation email, with the raw token in its link, is written to the outbox in this
    transaction.
    """
    organization = _lock_team(organization.pk)
    if not permissions.can_add_people(actor, organization):
        raise PermissionDenied(_("Only an admin of an organization in good standing can invite."))
    email = _normalize_email(email)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    now = timezone.now()
    limit = invitations_per_day()
    sent = Invitation.objects.filter(
        organization=organization, created_at__gt=now - timedelta(days=1)
    ).count()
    if sent >= limit:
        raise ValidationError(
            _(
                "Your organization has reached its limit of %(limit)d invitations in 24 hours. "
                "Try again later."
            )
            % {"limit": limit},
            code="rate_limited",
        )
    if email and _belongs_already(organization, email):
        raise ValidationError(
            {"email": _("This person already belongs to the organization.")},
            code="already_member",
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        token_digest=invitation_token_digest(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=invitation_days()),
    )
    invitation.full_clean()
    # Re-inviting replaces the earlier link: only the newest invitation to an address works.
    Invitation.objects.select_for_update().filter(
        organization=organization,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    invitation.save()
    issued = IssuedInvitation(invitation=invitation, token=token)
    audit_decision(
        actor=actor,
        action="invitation.create",
        target=invitation,
        changes={"email": ("", email), "role": ("", role)},
    )
    notify_email(
        email=email,
        event="members.invitation",
        language=_invitee_language(email, fallback=actor.language),
        context={
            "invited_email": email,
            "organization": organization.display_name,
            "organization_id": organization.pk,
            "inviter": str(actor),
            "role": invitation.get_role_display(),
            "role_code": role,
            "expires_at": invitation.expires_at.isoformat(),
            "days": invitation_days(),
        },
        actor=actor,
        url=issued.path,
    )
    return issued


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """An organization admin cancels an open invitation; its link stops working.

    Preconditions: ``actor`` is an admin of the organization; the invitation is neither
    accepted nor revoked.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=invitation.pk)
    )
    if not permissions.can_manage_team(actor, invitation.organization):
        raise PermissionDenied(_("Only an admin of the organization can revoke invitations."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."), code="accepted")
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation has already been revoked."), code="revoked")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_decision(actor=actor, action="invitation.revoke", target=invitation)
    return invitation


def invitation_check_link(*, invitation: Invitation | None) -> Invitation:
    """Raise ``InvitationError`` unless the link itself still works, whoever opens it: it
    exists, was neither withdrawn (or declined) nor used, has not expired, and its organization
    still takes in people (active or applicant). Read-only; asked before anyone logs in.
    Returns the invitation."""
    if invitation is None:
        raise InvitationError(
            _("This invitation link is not valid. Check that you copied the whole link."),
            code="invalid",
        )
    if invitation.revoked_at is not None:
        raise InvitationError(
            _(
                "This invitation has been withdrawn or declined. If you wish to join, ask the "
                "organization's admin for a new one."
            ),
            code="revoked",
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            _("This invitation has already been used. Each link works only once."),
            code="used",
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("This invitation has expired. Ask the organization's admin to invite you again."),
            code="expired",
        )
    if not permissions.organization_accepts_people(invitation.organization):
        raise InvitationError(
            _(
                "This organization cannot take in new people at the moment (its membership of "
                "the cluster is not active). Ask its admin or the secretariat."
            ),
            code="organization_closed",
        )
    return invitation


def invitation_is_addressed_to(*, invitation: Invitation, user: User) -> bool:
    """Whether the invitation was sent to ``user``'s account address or one of their verified
    addresses (an unverified address proves nothing)."""
    email = invitation.email.lower()
    return (user.email or "").lower() == email or (
        EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )


def invitation_check_usable(*, invitation: Invitation | None, user: User) -> Invitation:
    """Raise ``InvitationError`` (with a translated message) unless ``user`` may accept.

    Read-only: the accept page asks it before showing the button, and ``invitation_accept``
    asks it again under a row lock. The link must work (:func:`invitation_check_link`), be
    addressed to ``user`` and ``user`` must not be in the organization yet.
    """
    invitation = invitation_check_link(invitation=invitation)
    if not invitation_is_addressed_to(invitation=invitation, user=user):
        raise InvitationError(
            _(
                "This invitation was sent to %(email)s, but you are logged in with another "
                "address. Log out and log in with the account of %(email)s (or create it), or "
                "add and verify that address in your email settings."
            )
            % {"email": invitation.email},
            code="wrong_email",
        )
    if OrganizationMember.objects.filter(
        organization_id=invitation.organization_id, user=user
    ).exists():
        raise InvitationError(
            _("You already belong to this organization."),
            code="already_member",
        )
    return invitation


def invitation_find(token: str) -> Invitation | None:
    """The invitation whose digest matches ``token``, or None. Never compares raw tokens."""
    if not token or len(token) > 128:
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_digest=invitation_token_digest(token))
        .first()
    )


@transaction.atomic
def invitation_accept(
    *, actor: User, token: str | None = None, invitation: Invitation | None = None
) -> OrganizationMember:
    """The invited person joins the organization with the invited role.

    The invitation is named by the link's ``token`` or, once the link was opened (carried in
    the session) or from the person's own list, by ``invitation`` itself.
    Preconditions (checked under a row lock): the invitation is neither revoked, used nor
    expired; it was sent to one of ``actor``'s verified addresses; ``actor`` is not in the
    organization yet; the organization takes in people (active or applicant).
    A pending join request of ``actor`` for the organization is closed as approved. Notifies
    the person who invited.
    """
    found = invitation_find(token or "") if invitation is None else invitation
    if found is not None:
        _lock_team(found.organization_id)
    locked = (
        # `of=("self",)`: lock the invitation only; `invited_by` is a nullable join, which
        # PostgreSQL refuses to lock ("FOR UPDATE cannot be applied to the nullable side…").
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization", "invited_by")
        .filter(pk=found.pk)
        .first()
        if found
        else None
    )
    invitation = invitation_check_usable(invitation=locked, user=actor)
    now = timezone.now()
    member = OrganizationMember(
        organization=invitation.organization, user=actor, role=invitation.role, joined_at=now
    )
    member.full_clean()
    member.save()
    invitation.accepted_at = now
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    JoinRequest.objects.filter(
        organization=invitation.organization, user=actor, status=JoinRequest.Status.PENDING
    ).update(status=JoinRequest.Status.APPROVED, decided_at=now, decided_by=invitation.invited_by)
    audit_decision(actor=actor, action="invitation.accept", target=invitation)
    if invitation.invited_by is not None:
        notify(
            recipients=[invitation.invited_by],
            event="members.invitation_accepted",
            context={
                "organization": invitation.organization.display_name,
                "organization_id": invitation.organization_id,
                "person": str(actor),
                "person_email": actor.email,
            },
            actor=actor,
            url=reverse("members:team", kwargs={"organization_id": invitation.organization_id}),
        )
    return member


@transaction.atomic
def invitation_decline(*, actor: User, invitation: Invitation) -> Invitation:
    """The invited person says no: the link stops working (recorded as withdrawn, with an
    ``invitation.decline`` audit entry saying who).

    Preconditions (under a row lock): the invitation was sent to one of ``actor``'s verified
    addresses and is neither accepted nor withdrawn. An expired invitation may be declined too
    (it simply leaves the person's list).
    """
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(pk=invitation.pk)
        .first()
    )
    if locked is None or not invitation_is_addressed_to(invitation=locked, user=actor):
        raise InvitationError(
            _("This invitation was not sent to any of your verified addresses."),
            code="wrong_email",
        )
    if locked.accepted_at is not None:
        raise InvitationError(_("This invitation has already been accepted."), code="used")
    if locked.revoked_at is not None:
        raise InvitationError(
            _("This invitation has already been withdrawn or declined."), code="revoked"
        )
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_decision(actor=actor, action="invitation.decline", target=locked)
    return locked


# --- The invitation carried through sign-up or login -------------------------------------------


def invitation_carry(*, session: SessionBase, invitation: Invitation) -> None:
    """Remember an opened invitation link in ``session`` so it survives sign-up or login.

    Stores the invitation's id and token digest (never the token): the portal then sends the
    person to a page without the token in its address, pre-fills and trusts the invited
    address at sign-up and accepts after login (``members.adapters``). Only a link that works
    (:func:`invitation_check_link`) should be carried.
    """
    data = {"id": invitation.pk, "digest": invitation.token_digest}
    if session.get(INVITATION_SESSION_KEY) != data:
        session[INVITATION_SESSION_KEY] = data


def invitation_forget(*, session: SessionBase) -> None:
    """Drop the carried invitation (accepted, declined, dismissed or no longer usable)."""
    if INVITATION_SESSION_KEY in session:
        del session[INVITATION_SESSION_KEY]


# --- Roles, removal, leaving -------------------------------------------------------------------


@transaction.atomic
def member_change_role(*, actor: User, member: OrganizationMember, role: str) -> OrganizationMember:
    """An organization admin makes a person admin or member.

    Preconditions: ``actor`` is an admin of the organization; ``role`` is a valid role; the
    organization keeps at least one admin afterwards.
    """
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    member = _lock_member(member)
    if not permissions.can_manage_team(actor, member.organization):
        raise PermissionDenied(_("Only an admin of the organization can change roles."))
    if member.role == role:
        return member
    if member.role == Role.ADMIN:
        _ensure_another_admin(
            member,
            _(
                "%(person)s is the organization's only admin. Make someone else admin first: "
                "an organization always keeps at least one admin."
            )
            % {"person": member.user},
        )
    previous = member.role
    member.role = role
    member.full_clean()
    member.save(update_fields=["role"])
    audit_decision(
        actor=actor,
        action="member.change_role",
        target=member,
        changes={"role": (previous, role)},
    )
    return member


@transaction.atomic
def member_remove(*, actor: User, member: OrganizationMember) -> None:
    """An organization admin removes a person from the organization.

    Preconditions: ``actor`` is an admin of the organization; the organization keeps at least
    one admin afterwards. (To leave, a person uses ``member_leave``.)
    """
    member = _lock_member(member)
    if not permissions.can_manage_team(actor, member.organization):
        raise PermissionDenied(_("Only an admin of the organization can remove people."))
    if member.role == Role.ADMIN:
        _ensure_another_admin(
            member,
            _(
                "%(person)s is the organization's only admin and cannot be removed: an "
                "organization always keeps at least one admin."
            )
            % {"person": member.user},
        )
    audit_decision(
        actor=actor,
        action="member.remove",
        target=member,
        changes={"person": (member.user.email, None)},
    )
    member.delete()


@transaction.atomic
def member_leave(*, actor: User, organization: Organization) -> None:
    """A person leaves an organization.

    Preconditions: ``actor`` belongs to the organization; if ``actor`` is an admin, another
    admin remains.
    """
    _lock_team(organization.pk)
    member = (
        OrganizationMember.objects.select_related("organization", "user")
        .filter(organization=organization, user=actor)
        .first()
    )
    if member is None:
        raise ValidationError(_("You do not belong to this organization."), code="not_member")
    if member.role == Role.ADMIN:
        _ensure_another_admin(
            member,
            _(
                "You are the organization's only admin. Make a colleague admin before you "
                "leave: an organization always keeps at least one admin."
            ),
        )
    audit_decision(
        actor=actor,
        action="member.leave",
        target=member,
        changes={"person": (member.user.email, None)},
    )
    member.delete()
