"""Permission matrix of every membership, team, invitation and secretariat page:
role x page → HTTP status, and a refused request changes nothing.

Roles: a visitor, the admin of another organization, a member and an admin of the organization,
and staff (with an authenticator app, which ``/staff/`` requires). Non-staff people get a 404 in
``/staff/`` (core.middleware does not reveal the area); people outside an organization get a 404
for its team pages; its plain members a 403 for admin actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cluster_portal.core.roles import ADMINISTRATOR
from members.models import (
    Invitation,
    JoinRequest,
    MembershipApplication,
    Organization,
    OrganizationMember,
)
from tests.members.factories import (
    InvitationFactory,
    JoinRequestFactory,
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("visitor", "other", "member", "admin", "staff")


@dataclass
class World:
    organization: Organization
    other_organization: Organization
    application: MembershipApplication
    member: OrganizationMember
    admin: OrganizationMember
    invitation: Invitation
    join_request: JoinRequest
    users: dict[str, Any]


@pytest.fixture
def world() -> World:
    organization = OrganizationFactory(
        membership_status=Organization.MembershipStatus.APPLICANT, member_since=None
    )
    admin = OrganizationMemberFactory(organization=organization, role=OrganizationMember.Role.ADMIN)
    member = OrganizationMemberFactory(organization=organization)
    application = MembershipApplicationFactory(
        organization=organization,
        applicant=admin.user,
        status=MembershipApplication.Status.INFO_REQUESTED,
        decision_message="¿Cuántos trabajadores tienen en Arequipa?",
    )
    other_organization = OrganizationFactory()
    other = OrganizationMemberFactory(
        organization=other_organization, role=OrganizationMember.Role.ADMIN
    ).user
    return World(
        organization=organization,
        other_organization=other_organization,
        application=application,
        member=member,
        admin=admin,
        invitation=InvitationFactory(organization=organization, invited_by=admin.user),
        join_request=JoinRequestFactory(organization=organization),
        users={
            "visitor": None,
            "other": other,
            "member": member.user,
            "admin": admin.user,
            "staff": UserFactory(is_staff=True, totp=True, roles=[ADMINISTRATOR]),
        },
    )


def snapshot() -> tuple:
    return (
        tuple(Organization.objects.order_by("pk").values_list("pk", "membership_status")),
        tuple(MembershipApplication.objects.order_by("pk").values_list("pk", "status")),
        tuple(OrganizationMember.objects.order_by("pk").values_list("pk", "user", "role")),
        tuple(Invitation.objects.order_by("pk").values_list("pk", "revoked_at", "accepted_at")),
        tuple(JoinRequest.objects.order_by("pk").values_list("pk", "status")),
    )


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World], str]
    expected: dict[str, int]
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    #: Visitors are sent to the login page (pages meant for visitors too say False).
    visitor_login: bool = True


def team_url(name: str, **extra: Any) -> Callable[[World], str]:
    def build(w: World) -> str:
        kwargs = {"organization_id": w.organization.pk}
        for key, attr in extra.items():
            kwargs[key] = getattr(w, attr).pk
        return reverse(f"members:{name}", kwargs=kwargs)

    return build


OPEN_TO_SIGNED_IN = {"visitor": 302, "other": 200, "member": 200, "admin": 200, "staff": 200}
# The team's own pages: outsiders 404, staff may look.
TEAM_PAGE = {"visitor": 302, "other": 404, "member": 200, "admin": 200, "staff": 200}
# Admin actions: outsiders 404, members and staff 403, admins succeed (302 back to the team).
ADMIN_ACTION = {"visitor": 302, "other": 404, "member": 403, "admin": 302, "staff": 403}
STAFF_PAGE = {"visitor": 302, "other": 404, "member": 404, "admin": 404, "staff": 200}
STAFF_ACTION = {"visitor": 302, "other": 404, "member": 404, "admin": 404, "staff": 302}

CASES = [
    Case("apply", "get", lambda w: reverse("members:membership_apply"), OPEN_TO_SIGNED_IN),
    Case("apply_new", "get", lambda w: reverse("members:membership_apply_new"), OPEN_TO_SIGNED_IN),
    Case("join", "get", lambda w: reverse("members:membership_join"), OPEN_TO_SIGNED_IN),
    Case(
        "my_organization",
        "get",
        lambda w: reverse("members:my_organization"),
        {"visitor": 302, "other": 302, "member": 302, "admin": 302, "staff": 302},
    ),
    Case("team", "get", team_url("team"), TEAM_PAGE),
    Case(
        "apply_again",
        "get",
        team_url("membership_apply_again"),
        # The organization is an applicant already: its admin is sent back with a message.
        {"visitor": 302, "other": 404, "member": 403, "admin": 302, "staff": 403},
    ),
    Case(
        "application_respond",
        "post",
        team_url("application_respond"),
        ADMIN_ACTION,
        lambda w: {"response": "Somos 40 personas."},
    ),
    Case("application_withdraw", "post", team_url("application_withdraw"), ADMIN_ACTION),
    Case(
        "invitation_create",
        "post",
        team_url("invitation_create"),
        ADMIN_ACTION,
        lambda w: {"email": "colega@example.pe", "role": "member"},
    ),
    Case(
        "invitation_revoke",
        "post",
        team_url("invitation_revoke", invitation_id="invitation"),
        ADMIN_ACTION,
    ),
    Case(
        "member_change_role",
        "post",
        team_url("member_change_role", member_id="member"),
        ADMIN_ACTION,
        lambda w: {"role": "admin"},
    ),
    Case("member_remove", "post", team_url("member_remove", member_id="member"), ADMIN_ACTION),
    Case(
        "join_request_approve",
        "post",
        team_url("join_request_approve", join_request_id="join_request"),
        ADMIN_ACTION,
    ),
    Case(
        "join_request_reject",
        "post",
        team_url("join_request_reject", join_request_id="join_request"),
        ADMIN_ACTION,
    ),
    Case(
        "member_leave",
        "post",
        team_url("member_leave"),
        # Members leave; the only admin is told why not; staff outside it are told so.
        {"visitor": 302, "other": 404, "member": 302, "admin": 302, "staff": 302},
    ),
    Case(
        "join_request_cancel",
        "post",
        lambda w: reverse(
            "members:join_request_cancel", kwargs={"join_request_id": w.join_request.pk}
        ),
        # Only the person who asked (none of these roles) may cancel it.
        {"visitor": 302, "other": 404, "member": 404, "admin": 404, "staff": 404},
    ),
    Case(
        # The emailed link only carries the invitation in the session and goes on to the
        # invitation page, for anyone; that page checks the person (another address: 403,
        # tests/members/test_invitations.py), as does POST on the link (below).
        "invitation_accept",
        "get",
        lambda w: reverse("members:invitation_accept", kwargs={"token": w.invitation.token}),
        {"visitor": 302, "other": 302, "member": 302, "admin": 302, "staff": 302},
        visitor_login=False,
    ),
    Case(
        # The invitation opened in this browser: none here (tests/members/test_invitations.py
        # covers it carried through sign-up and login).
        "invitation_pending",
        "get",
        lambda w: reverse("members:invitation_pending"),
        {"visitor": 404, "other": 404, "member": 404, "admin": 404, "staff": 404},
        visitor_login=False,
    ),
    *(
        Case(
            name,
            "post",
            lambda w, name=name: reverse(f"members:{name}", args=[w.invitation.pk]),
            # Only the invitee answers; to everybody else it does not exist.
            {"visitor": 302, "other": 404, "member": 404, "admin": 404, "staff": 404},
        )
        for name in ("invitation_accept_mine", "invitation_decline_mine")
    ),
    Case(
        "staff_application_list",
        "get",
        lambda w: reverse("members_staff:application_list"),
        STAFF_PAGE,
    ),
    Case(
        "staff_application_detail",
        "get",
        lambda w: reverse(
            "members_staff:application_detail", kwargs={"application_id": w.application.pk}
        ),
        STAFF_PAGE,
    ),
    Case(
        "staff_application_approve",
        "post",
        lambda w: reverse(
            "members_staff:application_approve", kwargs={"application_id": w.application.pk}
        ),
        STAFF_ACTION,
        lambda w: {"message": ""},
    ),
    Case(
        "staff_application_reject",
        "post",
        lambda w: reverse(
            "members_staff:application_reject", kwargs={"application_id": w.application.pk}
        ),
        STAFF_ACTION,
        lambda w: {"reason": "No cumple los requisitos."},
    ),
    Case(
        "staff_application_request_info",
        "post",
        lambda w: reverse(
            "members_staff:application_request_info", kwargs={"application_id": w.application.pk}
        ),
        STAFF_ACTION,
        lambda w: {"message": "Envíen su ficha RUC."},
    ),
    Case(
        "staff_organization_list",
        "get",
        lambda w: reverse("members_staff:organization_list"),
        STAFF_PAGE,
    ),
    Case(
        "staff_organization_detail",
        "get",
        lambda w: reverse(
            "members_staff:organization_detail",
            kwargs={"organization_id": w.other_organization.pk},
        ),
        STAFF_PAGE,
    ),
    *(
        Case(
            f"staff_organization_{action}",
            "post",
            lambda w, action=action: reverse(
                f"members_staff:organization_{action}",
                kwargs={"organization_id": w.other_organization.pk},
            ),
            STAFF_ACTION,
            lambda w: {"reason": "Cuotas impagas."},
        )
        for action in ("suspend", "reinstate", "lapse")
    ),
    *(
        Case(
            "staff_organization_dues",
            method,
            lambda w: reverse(
                "members_staff:organization_dues",
                kwargs={"organization_id": w.other_organization.pk},
            ),
            expected,
            lambda w: {
                "amount_0": "2500",
                "amount_1": "PEN",
                "paid_until": str(timezone.localdate()),
            },
        )
        for method, expected in (("get", STAFF_PAGE), ("post", STAFF_ACTION))
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_permission_matrix(world: World, case: Case, role: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    before = snapshot()
    response = getattr(client, case.method)(case.url(world), case.data(world))
    expected = case.expected[role]
    assert response.status_code == expected, (case.name, role, response.status_code)
    if role == "visitor" and case.visitor_login:
        assert response["Location"].startswith("/accounts/login/?next=")
    if expected in (403, 404) or role == "visitor":
        assert snapshot() == before, "a refused request changed something"


def test_every_membership_url_is_in_the_matrix() -> None:
    from members.urls import membership as urls_membership
    from members.urls import staff as urls_staff

    names = {p.name for p in urls_membership.urlpatterns} | {
        f"staff_{p.name}" for p in urls_staff.urlpatterns
    }
    covered = {c.name for c in CASES}
    aliases = {"membership_apply": "apply", "membership_apply_new": "apply_new"}
    aliases |= {"membership_join": "join", "membership_apply_again": "apply_again"}
    missing = {aliases.get(n, n) for n in names} - covered
    assert missing == set()


@pytest.mark.parametrize("role", ["other", "member", "admin"])
def test_get_is_not_allowed_on_actions(world: World, role: str) -> None:
    client = Client()
    client.force_login(world.users[role])
    before = snapshot()
    for case in CASES:
        if case.method == "post" and not case.name.startswith("staff_"):
            response = client.get(case.url(world))
            assert response.status_code in (404, 405), case.name
    assert snapshot() == before


def test_staff_without_mfa_is_sent_to_set_it_up(world: World, staff_user_without_mfa) -> None:
    client = Client()
    client.force_login(staff_user_without_mfa)
    response = client.get(reverse("members_staff:application_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
