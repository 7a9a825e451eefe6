"""Who may do what with members' records. Plain predicates, asked by views, the API and tasks.

Anonymous users are passed as ``AnonymousUser``; every predicate is safe to call with them.
The facts they look at (the person's organizations and roles there, staff permissions) come
from :func:`members.viewer.viewer_for`, computed once per request, so a page that asks ten
predicates queries the database once. Predicates a page may refuse with an explanation return a
:class:`~cluster_portal.core.predicates.Verdict` (truthy when allowed, with a translated reason
when not).

Staff power comes from staff roles (``cluster_portal.core.roles``): a predicate asks for a role
permission (:func:`has_staff_permission`), never for ``is_staff``, which only opens the staff
area.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, TypeAlias

from django.utils.translation import gettext_lazy as _

from cluster_portal.core import roles
from cluster_portal.core.predicates import Verdict

from .viewer import viewer_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import GoverningBody, MembershipApplication, Organization, User

    AnyUser: TypeAlias = User | AnonymousUser


def has_staff_permission(user: AnyUser, codename: str) -> bool:
    """Holds the staff permission ``codename`` (``cluster_portal.core.roles``) through a role:
    active staff accounts only; superusers hold every one."""
    return viewer_for(user).has_perm(roles.perm(codename))


def can_read_staff_area(user: AnyUser) -> bool:
    """Reads the staff pages (queues, every organization and team): any staff role, the
    auditor's included. A member of staff without a role reads nothing there."""
    return has_staff_permission(user, roles.VIEW_STAFF_AREA)


def membership_role(user: AnyUser, organization: Organization) -> str | None:
    """The user's role in the organization ("admin" / "member"), or None."""
    return viewer_for(user).role_in(organization.pk)


def is_org_member(user: AnyUser, organization: Organization) -> bool:
    return membership_role(user, organization) is not None


def is_org_admin(user: AnyUser, organization: Organization) -> bool:
    from .models import OrganizationMember

    return membership_role(user, organization) == OrganizationMember.Role.ADMIN


def is_cluster_member(user: AnyUser) -> bool:
    """Belongs to at least one organization whose membership is active (not suspended/lapsed).

    Member-only features ask this; a suspended organization's people lose them.
    """
    return viewer_for(user).is_cluster_member


# --- Organization profiles, directory and governance ----------------------------------------
# What each audience sees is decided here and nowhere else; the HTML pages, the API and the
# querysets of ``members.selectors.organizations`` all ask these functions.
#
# * Visitors (anonymous, or signed in without an active member organization) see the public
#   profiles of active members, public fields only.
# * Cluster members (people of an active member organization) also see private profiles of
#   active members and the member-only fields (employee band, certifications, reference clients,
#   team).
# * People of an organization always see their own organization in full, whatever its status.
# * Staff with a role (any role: the auditor's too) see every organization and every field.


class Audience(enum.IntEnum):
    """How much of the member directory someone may see (ordered: more is more)."""

    PUBLIC = 1
    MEMBER = 2
    STAFF = 3


def directory_audience(user: AnyUser) -> Audience:
    if can_read_staff_area(user):
        return Audience.STAFF
    if is_cluster_member(user):
        return Audience.MEMBER
    return Audience.PUBLIC


def organization_visible_to(
    audience: Audience, organization: Organization, *, own: bool = False
) -> bool:
    """The rule behind :func:`can_view_organization`, for callers that know the audience
    (a list page computes it once) or have no user (an API token)."""
    if audience >= Audience.STAFF or own:
        return True
    if not organization.is_active_member:
        return False
    return audience >= Audience.MEMBER or organization.is_public


def organization_details_visible_to(
    audience: Audience, organization: Organization, *, own: bool = False
) -> bool:
    """The rule behind :func:`can_view_organization_details` (member-only fields)."""
    if audience >= Audience.STAFF or own:
        return True
    return audience >= Audience.MEMBER and organization.is_active_member


def can_view_organization(user: AnyUser, organization: Organization) -> bool:
    """May see the organization's profile (and its logo) at all."""
    return organization_visible_to(
        directory_audience(user), organization, own=is_org_member(user, organization)
    )


def can_view_organization_details(user: AnyUser, organization: Organization) -> bool:
    """May see the member-only fields: employee band, certifications, reference clients, team."""
    return organization_details_visible_to(
        directory_audience(user), organization, own=is_org_member(user, organization)
    )


def can_edit_organization(user: AnyUser, organization: Organization) -> Verdict:
    """Organization admins edit their profile; staff who manage organizations edit any."""
    return Verdict.of(
        is_org_admin(user, organization) or has_staff_permission(user, roles.MANAGE_ORGANIZATIONS),
        _("Only the organization's admins and the secretariat can edit this profile."),
    )


def can_change_organization_identity(user: AnyUser, organization: Organization) -> Verdict:
    """The RUC and the legal name identify the legal entity: only the secretariat (staff who
    manage organizations) corrects them once registered."""
    return Verdict.of(
        has_staff_permission(user, roles.MANAGE_ORGANIZATIONS),
        _("Only the secretariat can correct the RUC or the legal name. Please contact it."),
    )


def can_view_governing_body(user: AnyUser, body: GoverningBody) -> bool:
    """Public bodies are for everyone; a body without a public page is for members and staff."""
    return body.is_public or can_read_staff_area(user) or is_cluster_member(user)


def can_manage_governance(user: AnyUser) -> Verdict:
    """Create and change governance bodies and their seats."""
    return Verdict.of(
        has_staff_permission(user, roles.MANAGE_GOVERNANCE),
        _("Only the secretariat can manage governance bodies."),
    )


# --- Membership applications, join requests and teams ---------------------------------------
# People of an organization see its team page, its application and its status whatever the
# status is; its admins manage the team. Staff (the secretariat) decide on memberships and may
# look at any team, read-only. Only an active or applicant organization adds people
# (invitations, join requests): being in a member organization is itself a member-only benefit,
# and an organization outside the cluster must not use the portal to send invitations.


def has_member_access(organization: Organization) -> bool:
    """The organization's people get member-only features (its membership is active)."""
    return organization.is_active_member


def can_view_team(user: AnyUser, organization: Organization) -> bool:
    return can_read_staff_area(user) or is_org_member(user, organization)


def can_manage_team(user: AnyUser, organization: Organization) -> Verdict:
    """Change roles, remove people, revoke invitations, decline join requests."""
    return Verdict.of(
        is_org_admin(user, organization),
        _("Only the organization's admins can manage its team."),
    )


def organization_accepts_people(organization: Organization) -> bool:
    """New people may come in (invitations, join requests) only while the membership is active
    or applied for: a suspended, lapsed or never-admitted organization takes in nobody, so an
    organization outside the cluster cannot use the portal to send invitations."""
    from .workflows import ACCEPTS_PEOPLE, ORGANIZATION

    return ORGANIZATION.has_tag(organization, ACCEPTS_PEOPLE)


def can_add_people(user: AnyUser, organization: Organization) -> bool:
    """Invite colleagues or accept join requests: admins of an organization that accepts
    people (:func:`organization_accepts_people`)."""
    return organization_accepts_people(organization) and is_org_admin(user, organization)


def can_apply_for_organization(user: AnyUser, organization: Organization) -> bool:
    """Apply (again) for membership: admins of an organization that is not, or no longer, a
    member and has no open application."""
    from .workflows import ORGANIZATION

    return ORGANIZATION.state_allows(organization, "apply") and is_org_admin(user, organization)


def can_act_on_application(user: AnyUser, application: MembershipApplication) -> bool:
    """Answer the secretariat or withdraw: the organization's admins."""
    return is_org_admin(user, application.organization)


def can_view_membership_records(user: AnyUser) -> bool:
    """Read the secretariat's membership queue, applications and organizations: any staff
    role (the auditor reads them too; acting is :func:`can_decide_membership`)."""
    return can_read_staff_area(user)


def can_decide_membership(user: AnyUser) -> Verdict:
    """Approve, reject, ask for information, suspend, reinstate, lapse: membership officers
    and administrators."""
    return Verdict.of(
        has_staff_permission(user, roles.DECIDE_MEMBERSHIP),
        _("Only a membership officer or an administrator can decide on memberships."),
    )


def can_edit_profile(user: AnyUser, person: User) -> bool:
    """Changes ``person``'s name, position, phone and language: that person only. Staff correct
    other people's records in the admin, where every change is audited."""
    return bool(user.is_authenticated and user.pk == person.pk and user.is_active)
