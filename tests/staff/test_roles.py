"""Staff roles: the catalogue as groups, the viewer, the role services and the roles pages."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cluster_portal.core import roles
from cluster_portal.staff import services
from members.permissions import (
    Audience,
    can_decide_membership,
    directory_audience,
    is_cluster_member,
)
from members.viewer import viewer_for
from tests.members.factories import OrganizationMemberFactory, UserFactory
from tests.permission_matrix import STAFF_NO_ROLE, STAFF_ROLES, client_for, staff_user

pytestmark = pytest.mark.django_db


def role_codes(user) -> set[str]:
    return set(user.groups.filter(name__in=roles.ROLES).values_list("name", flat=True))


# --- Catalogue and groups ----------------------------------------------------------------------


def test_every_role_is_a_group_holding_exactly_its_permissions() -> None:
    for role in roles.ROLES.values():
        group = Group.objects.get(name=role.code)
        held = {
            f"{app_label}.{codename}"
            for app_label, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        # The catalogue's permissions plus the Django admin's model permissions of the role.
        expected = role.perms | roles.ADMIN_MODEL_PERMISSIONS.get(role.code, frozenset())
        assert held == expected, role.code
    administrator = roles.ROLES[roles.ADMINISTRATOR]
    assert administrator.permissions == roles.CODENAMES
    auditor = roles.ROLES[roles.AUDITOR]
    # Auditors read everything, the KPI dashboard and reports included; they act on nothing.
    assert auditor.permissions == {roles.VIEW_STAFF_AREA, roles.VIEW_AUDIT_LOG, roles.VIEW_REPORTS}


def test_sync_is_idempotent_and_repairs_hand_edits() -> None:
    group = Group.objects.get(name=roles.AUDITOR)
    group.permissions.add(Permission.objects.get(codename=roles.DECIDE_MEMBERSHIP))
    roles.sync_staff_roles()
    roles.sync_staff_roles()
    assert set(group.permissions.values_list("codename", flat=True)) == {
        roles.VIEW_STAFF_AREA,
        roles.VIEW_AUDIT_LOG,
        roles.VIEW_REPORTS,
        *(name.split(".")[1] for name in roles.ADMIN_MODEL_PERMISSIONS[roles.AUDITOR]),
    }
    assert Group.objects.filter(name__in=roles.ROLES).count() == len(roles.ROLES)


def test_unknown_permission_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Unknown staff permission"):
        roles.perm("fly")


# --- Viewer -----------------------------------------------------------------------------------


def test_roles_count_only_for_active_staff() -> None:
    outsider = UserFactory(roles=[roles.ADMINISTRATOR], roles__staff=False)
    assert not outsider.is_staff
    assert not can_decide_membership(outsider)
    officer = UserFactory(roles=[roles.MEMBERSHIP_OFFICER])
    assert can_decide_membership(officer)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert not can_decide_membership(officer)
    assert can_decide_membership(UserFactory(is_staff=True, is_superuser=True))
    assert not can_decide_membership(AnonymousUser())


@translation.override("en")  # the reason is read in English
def test_refusal_says_why() -> None:
    verdict = can_decide_membership(staff_user())
    assert not verdict
    assert "membership officer" in str(verdict.reason)


def test_viewer_asks_once_per_request_whatever_the_number_of_predicates() -> None:
    membership = OrganizationMemberFactory()
    member, organization = membership.user, membership.organization
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(5):
            assert is_cluster_member(member)
            assert directory_audience(member) == Audience.MEMBER
            assert viewer_for(member).role_in(organization.pk) == "member"
    assert len(ctx.captured_queries) == 1

    auditor = staff_user(roles.AUDITOR)
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(5):
            assert directory_audience(auditor) == Audience.STAFF
            assert not can_decide_membership(auditor)
    assert len(ctx.captured_queries) == 1  # permissions only: memberships were never asked


def test_viewer_is_not_stale_after_a_change_in_the_same_request() -> None:
    user = staff_user()
    assert not can_decide_membership(user)
    assert not is_cluster_member(user)
    services.staff_role_grant(
        actor=staff_user(roles.ADMINISTRATOR), user=user, role=roles.MEMBERSHIP_OFFICER
    )
    OrganizationMemberFactory(user=user)
    assert can_decide_membership(user)  # same object: the cached viewer was recomputed
    assert is_cluster_member(user)


# --- Services ---------------------------------------------------------------------------------


def test_administrator_grants_and_revokes_a_role_and_it_is_audited() -> None:
    administrator = staff_user(roles.ADMINISTRATOR)
    person = staff_user()
    assert services.staff_role_grant(actor=administrator, user=person, role=roles.AUDITOR)
    assert role_codes(person) == {roles.AUDITOR}
    assert not services.staff_role_grant(actor=administrator, user=person, role=roles.AUDITOR)
    assert services.staff_role_revoke(actor=administrator, user=person, role=roles.AUDITOR)
    assert role_codes(person) == set()
    decisions = [
        e.additional_data["decision"]
        for e in LogEntry.objects.filter(object_pk=str(person.pk)).order_by("pk")
        if e.additional_data
    ]
    assert decisions == ["staff_role.grant", "staff_role.revoke"]


@pytest.mark.parametrize("actor_roles", [(), (roles.AUDITOR,), (roles.MEMBERSHIP_OFFICER,)])
def test_only_administrators_manage_roles(actor_roles: tuple[str, ...]) -> None:
    actor = staff_user(*actor_roles)
    person = staff_user()
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(actor=actor, user=person, role=roles.ADMINISTRATOR)
    assert role_codes(person) == set()
    assert role_codes(actor) == set(actor_roles)


def test_roles_are_for_active_staff_accounts_and_known_roles() -> None:
    administrator = staff_user(roles.ADMINISTRATOR)
    with pytest.raises(ValidationError) as excinfo:
        services.staff_role_grant(actor=administrator, user=UserFactory(), role=roles.AUDITOR)
    assert excinfo.value.code == "not_staff"
    with pytest.raises(ValidationError):
        services.staff_role_grant(actor=administrator, user=staff_user(), role="king")


def test_the_last_administrator_cannot_be_removed() -> None:
    only = staff_user(roles.ADMINISTRATOR)
    with pytest.raises(ValidationError) as excinfo:
        services.staff_role_revoke(actor=only, user=only, role=roles.ADMINISTRATOR)
    assert excinfo.value.code == "last_administrator"
    assert role_codes(only) == {roles.ADMINISTRATOR}
    # An inactive administrator does not count.
    staff_user(roles.ADMINISTRATOR, is_active=False)
    with pytest.raises(ValidationError):
        services.staff_role_revoke(actor=only, user=only, role=roles.ADMINISTRATOR)
    second = staff_user(roles.ADMINISTRATOR)
    assert services.staff_role_revoke(actor=only, user=only, role=roles.ADMINISTRATOR)
    assert role_codes(only) == set()
    assert not can_decide_membership(only)
    assert role_codes(second) == {roles.ADMINISTRATOR}


def test_an_existing_account_becomes_staff_with_a_role() -> None:
    administrator = staff_user(roles.ADMINISTRATOR)
    person = UserFactory(email="nueva@cmsp.pe")
    account = services.staff_account_add(
        actor=administrator, email="NUEVA@cmsp.pe", role=roles.MEMBERSHIP_OFFICER
    )
    assert account == person
    person.refresh_from_db()
    assert person.is_staff
    assert role_codes(person) == {roles.MEMBERSHIP_OFFICER}
    with pytest.raises(ValidationError) as excinfo:
        services.staff_account_add(actor=administrator, email="nadie@cmsp.pe", role=roles.EDITOR)
    assert "email" in excinfo.value.message_dict


# --- Pages ------------------------------------------------------------------------------------

ROLE_PAGE_EXPECTED = {"visitor": 302, "member": 404, **dict.fromkeys(STAFF_ROLES, 403)}
ROLE_PAGE_EXPECTED[roles.ADMINISTRATOR] = 200


@pytest.mark.parametrize("role", ["visitor", "member", *STAFF_ROLES])
def test_roles_pages_matrix(role: str) -> None:
    person = staff_user()
    if role == "member":
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(OrganizationMemberFactory().user)
    else:
        client = client_for(role)
    expected = ROLE_PAGE_EXPECTED[role]
    for url in (
        reverse("staff:role_list"),
        reverse("staff:role_account", args=[person.pk]),
        reverse("staff:account_add"),
    ):
        assert client.get(url).status_code == expected, (role, url)
    response = client.post(
        reverse("staff:role_grant", args=[person.pk]), {"role": roles.ADMINISTRATOR}
    )
    assert response.status_code == (302 if expected == 200 else expected)
    assert (roles.ADMINISTRATOR in role_codes(person)) == (expected == 200)


def test_roles_page_lists_searches_and_filters_staff(max_queries) -> None:
    client = client_for(roles.ADMINISTRATOR)
    for n in range(30):
        staff_user(*([roles.AUDITOR] if n % 2 else []), full_name=f"Persona Staff {n:02d}")
    UserFactory(full_name="Miembro Sin Staff")
    url = reverse("staff:role_list")
    response = max_queries(12, client.get, url, expect=["Persona Staff 00", "Auditor"])
    body = response.content.decode()
    assert "Miembro Sin Staff" not in body
    assert "Page 1 of 2" in body
    body = client.get(url, {"q": "staff 07"}).content.decode()
    assert "Persona Staff 07" in body
    assert "Persona Staff 08" not in body
    body = client.get(url, {"role": "none"}).content.decode()
    assert "Persona Staff 02" in body
    assert "Persona Staff 03" not in body


def test_grant_and_revoke_from_the_account_page() -> None:
    client = client_for(roles.ADMINISTRATOR)
    person = staff_user(full_name="Rosa Condori")
    page = client.get(reverse("staff:role_account", args=[person.pk])).content.decode()
    assert 'data-testid="grant-membership_officer"' in page
    response = client.post(
        reverse("staff:role_grant", args=[person.pk]),
        {"role": roles.MEMBERSHIP_OFFICER},
        follow=True,
    )
    assert "Rosa Condori is now Membership officer." in response.content.decode()
    assert role_codes(person) == {roles.MEMBERSHIP_OFFICER}
    client.post(reverse("staff:role_revoke", args=[person.pk]), {"role": roles.MEMBERSHIP_OFFICER})
    assert role_codes(person) == set()
    # A bad role changes nothing and does not fail.
    response = client.post(reverse("staff:role_grant", args=[person.pk]), {"role": "king"})
    assert response.status_code == 302
    assert role_codes(person) == set()


def test_last_administrator_refusal_is_shown_not_a_500() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    administrator = staff_user(roles.ADMINISTRATOR)
    client.force_login(administrator)
    response = client.post(
        reverse("staff:role_revoke", args=[administrator.pk]),
        {"role": roles.ADMINISTRATOR},
        follow=True,
    )
    assert response.status_code == 200
    assert "is the last administrator" in response.content.decode()
    assert role_codes(administrator) == {roles.ADMINISTRATOR}


def test_add_staff_page_makes_an_account_staff() -> None:
    client = client_for(roles.ADMINISTRATOR)
    person = UserFactory(email="nuevo@cmsp.pe")
    response = client.post(
        reverse("staff:account_add"), {"email": "nuevo@cmsp.pe", "role": roles.EDITOR}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_staff
    assert role_codes(person) == {roles.EDITOR}
    response = client.post(
        reverse("staff:account_add"), {"email": "nadie@cmsp.pe", "role": roles.EDITOR}
    )
    assert response.status_code == 200
    assert "There is no active account with this email" in response.content.decode()


# --- Staff home -------------------------------------------------------------------------------

AREA_URLS = {
    "queue": "members_staff:application_list",
    "audit": "audit:logentry_list",
    "roles": "staff:role_list",
}

HOME_EXPECTED = {
    STAFF_NO_ROLE: set(),
    roles.MEMBERSHIP_OFFICER: {"queue"},
    roles.AUDITOR: {"queue", "audit"},
    roles.ADMINISTRATOR: {"queue", "audit", "roles"},
    roles.CALL_MANAGER: set(),
}


@pytest.mark.parametrize("role", list(HOME_EXPECTED))
def test_staff_home_shows_only_the_areas_the_roles_open(role: str) -> None:
    body = client_for(role).get(reverse("staff_home")).content.decode()
    shown = {name for name, url_name in AREA_URLS.items() if reverse(url_name) in body}
    assert shown == HOME_EXPECTED[role]
    assert ('data-testid="no-staff-role"' in body) == (role == STAFF_NO_ROLE)
