"""Members and governance: people, organizations, membership, invitations, governance bodies."""

from .governance import GoverningBody, Seat
from .membership import (
    Invitation,
    JoinRequest,
    MembershipApplication,
    OrganizationMember,
)
from .organizations import Capability, Organization
from .people import User, UserManager

__all__ = [
    "Capability",
    "GoverningBody",
    "Invitation",
    "JoinRequest",
    "MembershipApplication",
    "Organization",
    "OrganizationMember",
    "Seat",
    "User",
    "UserManager",
]
