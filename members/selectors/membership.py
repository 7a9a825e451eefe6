"""Reads for membership applications, join requests, teams and invitations.

Querysets come with their joins done, so list pages cost the same number of queries however
many rows they show. The ``*_get_for_*`` accessors check permissions and raise ``Http404`` (the
object does not exist or the person may not know about it) or ``PermissionDenied`` (they may
see it but not do this).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cluster_portal.core.queues import ALL_TAB, OPEN_TAB, Queue, QueuePage

from .. import permissions
from ..models import (
    Invitation,
    JoinRequest,
    MembershipApplication,
    Organization,
    OrganizationMember,
    User,
)
from ..validators import compact_ruc, is_ruc_shaped, validate_ruc
from ..workflows import ACCEPTS_PEOPLE, APPLICATION, ORGANIZATION

JOIN_SEARCH_LIMIT = 20

#: Session key of the invitation link a person opened (its id and token digest, never the token).
INVITATION_SESSION_KEY = "members_invitation"


# --- Teams -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamAccess:
    """An organization as seen by one person: their own membership row, if any."""

    organization: Organization
    membership: OrganizationMember | None
    is_staff: bool

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def is_admin(self) -> bool:
        return self.role == OrganizationMember.Role.ADMIN

    @property
    def can_add_people(self) -> bool:
        return self.is_admin and permissions.organization_accepts_people(self.organization)

    @property
    def can_apply(self) -> bool:
        return self.is_admin and ORGANIZATION.state_allows(self.organization, "apply")


def memberships_of_user(*, user: User) -> QuerySet[OrganizationMember]:
    """The organizations a person belongs to (for the switcher), by name."""
    return (
        OrganizationMember.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__legal_name", "organization_id")
    )


def team_get_for_user(*, user: Any, organization_id: int) -> TeamAccess:
    """The organization's team page as ``user`` may see it.

    Raises ``Http404`` when the organization does not exist or ``user`` neither belongs to it
    nor is staff (a team is not public).
    """
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise Http404
    membership = (
        OrganizationMember.objects.filter(organization=organization, user=user).first()
        if user.is_authenticated
        else None
    )
    staff = permissions.can_read_staff_area(user)
    if membership is None and not staff:
        raise Http404
    if membership is not None:
        membership.organization = organization
    return TeamAccess(organization=organization, membership=membership, is_staff=staff)


def team_get_for_admin(*, user: Any, organization_id: int) -> TeamAccess:
    """Like :func:`team_get_for_user`, and ``PermissionDenied`` unless ``user`` is an admin."""
    access = team_get_for_user(user=user, organization_id=organization_id)
    if not access.is_admin:
        raise PermissionDenied
    return access


def team_members(*, organization: Organization) -> QuerySet[OrganizationMember]:
    """The organization's people, admins first, then by name."""
    return (
        OrganizationMember.objects.filter(organization=organization)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email")
    )


def team_open_invitations(*, organization: Organization) -> QuerySet[Invitation]:
    """Invitations neither accepted nor revoked (expired ones included, flagged by the page)."""
    return (
        Invitation.objects.filter(
            organization=organization, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )


def team_pending_join_requests(*, organization: Organization) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(organization=organization, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at")
    )


def team_member_get(*, access: TeamAccess, member_id: int) -> OrganizationMember:
    """A person of the team, by membership id (404 when not in this organization)."""
    member = (
        OrganizationMember.objects.filter(organization=access.organization, pk=member_id)
        .select_related("user")
        .first()
    )
    if member is None:
        raise Http404
    member.organization = access.organization
    return member


def team_invitation_get(*, access: TeamAccess, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(
        organization=access.organization, pk=invitation_id
    ).first()
    if invitation is None:
        raise Http404
    invitation.organization = access.organization
    return invitation


def team_join_request_get(*, access: TeamAccess, join_request_id: int) -> JoinRequest:
    join_request = (
        JoinRequest.objects.filter(organization=access.organization, pk=join_request_id)
        .select_related("user")
        .first()
    )
    if join_request is None:
        raise Http404
    join_request.organization = access.organization
    return join_request


# --- Applications ------------------------------------------------------------------------------


def membership_application_latest(*, organization: Organization) -> MembershipApplication | None:
    """The organization's most recent application (open or decided), or None."""
    application = (
        MembershipApplication.objects.filter(organization=organization)
        .select_related("decided_by")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if application is not None:
        application.organization = organization
    return application


def membership_application_get_for_admin(
    *, user: Any, organization_id: int
) -> MembershipApplication:
    """The open application of an organization ``user`` administers (404 if none is open)."""
    access = team_get_for_admin(user=user, organization_id=organization_id)
    application = (
        MembershipApplication.objects.filter(
            organization=access.organization, status__in=APPLICATION.open_values
        )
        .order_by("-submitted_at")
        .first()
    )
    if application is None:
        raise Http404
    application.organization = access.organization
    return application


def applications_and_requests_of_user(*, user: User) -> dict[str, Any]:
    """What a person has asked for: open applications they made and their pending join
    requests (shown on the apply page so nobody applies twice), and their rejected
    applications for organizations that were released (never a member, nobody in them any
    more, not applied for since), so they still read the secretariat's reason."""
    released = Organization.objects.filter(
        membership_status=Organization.MembershipStatus.NONE, memberships__isnull=True
    )
    return {
        "open_applications": list(
            MembershipApplication.objects.filter(
                applicant=user, status__in=APPLICATION.open_values
            ).select_related("organization")
        ),
        "rejected_applications": list(
            MembershipApplication.objects.filter(
                applicant=user,
                status=MembershipApplication.Status.REJECTED,
                organization__in=released,
            )
            .select_related("organization")
            .order_by("-decided_at", "-pk")
        ),
        "pending_join_requests": list(
            JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING)
            .select_related("organization")
            .order_by("-created_at")
        ),
    }


def join_request_get_for_requester(*, user: Any, join_request_id: int) -> JoinRequest:
    join_request = (
        JoinRequest.objects.filter(pk=join_request_id, user=user)
        .select_related("organization")
        .first()
    )
    if join_request is None:
        raise Http404
    return join_request


def _exact_ruc(query: str) -> str | None:
    """``query`` as an 11-digit RUC with a valid check digit (spaces and dashes ignored), or
    None when it is not one."""
    compact = compact_ruc(query)
    if not is_ruc_shaped(compact):
        return None
    try:
        validate_ruc(compact)
    except ValidationError:
        return None
    return compact


def _organizations_with_admin() -> QuerySet[Organization]:
    return Organization.objects.filter(
        pk__in=OrganizationMember.objects.filter(role=OrganizationMember.Role.ADMIN).values(
            "organization_id"
        )
    )


def _listed_by_name_q() -> Q:
    """Organizations a stranger may find by name: public profiles of active members (what the
    public directory shows)."""
    return Q(is_public=True, membership_status=Organization.MembershipStatus.ACTIVE)


def organizations_joinable_search(*, query: str) -> QuerySet[Organization]:
    """Organizations a person may ask to join.

    An exact, valid RUC finds any organization (the RUC is public at SUNAT and identifies the
    employer); a name finds only public profiles of active members, so private, applicant,
    suspended and former members are not listed to strangers. Organizations without an admin
    cannot decide and are left out.
    """
    query = (query or "").strip()
    if len(query) < 3:
        return Organization.objects.none()
    compact = query.replace(" ", "")
    if compact.isdigit() and len(compact) == 11:
        # Eleven digits (of any script): a RUC search. Only 11 ASCII digits with a valid check
        # digit can find anything; superscript or Arabic-Indic digits find nothing.
        ruc = _exact_ruc(compact)
        if ruc is None:  # an invalid RUC simply finds nothing
            return Organization.objects.none()
        return _organizations_with_admin().filter(ruc=ruc)
    return (
        _organizations_with_admin()
        .filter(_listed_by_name_q())
        .filter(Q(legal_name__icontains=query) | Q(trade_name__icontains=query))
        .order_by("legal_name")[:JOIN_SEARCH_LIMIT]
    )


def organizations_joinable(*, ruc: str = "") -> QuerySet[Organization]:
    """Organizations a join request may be addressed to: those the person could have found
    with :func:`organizations_joinable_search`.

    That is an organization with an admin that is either listed by name (public profile of an
    active member) or whose exact RUC the person gives (``ruc``, sent back by the search
    result). Any other organization is treated as unknown, so a guessed id reveals nothing.
    """
    findable = _listed_by_name_q()
    exact = _exact_ruc(ruc)
    if exact is not None:
        findable |= Q(ruc=exact)
    return _organizations_with_admin().filter(findable)


# --- The secretariat ---------------------------------------------------------------------------


def _application_search(query: str) -> Q:
    return (
        Q(organization__legal_name__icontains=query)
        | Q(organization__trade_name__icontains=query)
        | Q(organization__ruc__startswith=query)
        | Q(applicant__email__icontains=query)
        | Q(reference__iexact=query)
    )


#: The secretariat's application queue: "Open" (oldest first: a queue), one tab per status of
#: the lifecycle table, "All" (newest first).
APPLICATION_QUEUE = Queue.for_workflow(
    APPLICATION,
    open_tab=True,
    default=OPEN_TAB,
    search=_application_search,
    ordering=("-submitted_at", "-pk"),
    tab_ordering={OPEN_TAB: ("submitted_at", "pk")},
)


def membership_application_queue(*, params: Mapping[str, Any]) -> QueuePage:
    """A page of the secretariat's application queue for the request's ``status``, ``q`` and
    ``page`` parameters, with the counts of every tab (one query)."""
    return APPLICATION_QUEUE.page(
        MembershipApplication.objects.select_related("organization", "applicant"), params
    )


def membership_application_get_for_staff(
    *, user: Any, application_id: int
) -> MembershipApplication:
    if not permissions.can_view_membership_records(user):
        raise PermissionDenied
    application = (
        MembershipApplication.objects.select_related(
            "organization", "organization__created_by", "applicant", "decided_by"
        )
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404
    return application


def membership_applications_of_organization(
    *, organization: Organization
) -> QuerySet[MembershipApplication]:
    return (
        MembershipApplication.objects.filter(organization=organization)
        .select_related("applicant", "decided_by")
        .order_by("-submitted_at", "-pk")
    )


def _organization_search(query: str) -> Q:
    return (
        Q(legal_name__icontains=query) | Q(trade_name__icontains=query) | Q(ruc__startswith=query)
    )


#: The secretariat's organizations: "All" first, then one tab per membership status.
ORGANIZATION_QUEUE = Queue.for_workflow(
    ORGANIZATION,
    all_first=True,
    default=ALL_TAB,
    search=_organization_search,
    ordering=("legal_name", "pk"),
)


def organizations_for_staff(*, params: Mapping[str, Any]) -> QueuePage:
    """A page of every organization with its number of people, for the secretariat's list."""
    return ORGANIZATION_QUEUE.page(
        Organization.objects.annotate(people=Count("memberships", distinct=True)),
        params,
        count_queryset=Organization.objects.all(),
    )


def organization_get_for_staff(*, user: Any, organization_id: int) -> Organization:
    if not permissions.can_view_membership_records(user):
        raise PermissionDenied
    organization = (
        Organization.objects.select_related("created_by")
        .annotate(people=Count("memberships", distinct=True))
        .filter(pk=organization_id)
        .first()
    )
    if organization is None:
        raise Http404
    return organization


def invitation_is_expired(invitation: Invitation) -> bool:
    return invitation.expires_at <= timezone.now()


# --- Invitations as the invitee sees them ------------------------------------------------------


def invitation_in_session(*, session: SessionBase) -> Invitation | None:
    """The invitation whose link was opened in this session (``services.team.invitation_carry``),
    with its organization and inviter, in whatever state it is now (the caller checks it is
    still usable), or None. Both the id and the token digest must match."""
    data = session.get(INVITATION_SESSION_KEY)
    if not isinstance(data, dict):
        return None
    invitation_id, digest = data.get("id"), data.get("digest")
    if not isinstance(invitation_id, int) or not isinstance(digest, str):
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id, token_digest=digest)
        .first()
    )


def _verified_emails(user: User) -> set[str]:
    """The person's account address and their verified addresses, lower-cased."""
    emails = {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    if user.email:
        emails.add(user.email.lower())
    return emails


def invitations_pending_for_user(*, user: User) -> QuerySet[Invitation]:
    """Invitations a person can still accept: sent to one of their verified addresses, neither
    accepted, withdrawn nor expired, from an organization that takes in people and that they
    do not belong to yet; newest first."""
    emails = _verified_emails(user)
    if not emails:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            email__in=emails,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            organization__membership_status__in=ORGANIZATION.values_tagged(ACCEPTS_PEOPLE),
        )
        .exclude(organization__memberships__user=user)
        .select_related("organization", "invited_by")
        .order_by("-created_at")
    )


def invitation_get_for_invitee(*, user: User, invitation_id: int) -> Invitation:
    """An invitation sent to one of ``user``'s verified addresses, in any state (the service
    explains why it can no longer be used); ``Http404`` for anybody else's."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id, email__in=_verified_emails(user))
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def join_requests_pending_of_user(*, user: User) -> QuerySet[JoinRequest]:
    """The person's own join requests still waiting for an organization's admins."""
    return (
        JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING)
        .select_related("organization")
        .order_by("-created_at")
    )
