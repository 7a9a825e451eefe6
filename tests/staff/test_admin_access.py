"""The secretariat's roles open the Django admin pages the README sends them to (issue 8, item 9).

The README sends the secretariat to ``/admin/`` for the taxonomy, the governance bodies and seats
and the partner API clients, but the roles held no model permission, so a non-superuser
administrator met "You don't have permission to view or edit anything". The roles now carry
the admin's model permissions (``core.roles.ADMIN_MODEL_PERMISSIONS``), and the navigation shows
"Administration" only to people with at least one admin page.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cluster_portal.core import roles
from cluster_portal.staff.permissions import can_use_admin
from members.models import GoverningBody
from tests.members.factories import GoverningBodyFactory, UserFactory
from tests.permission_matrix import STAFF_NO_ROLE, client_for

pytestmark = pytest.mark.django_db

ADMIN_LINK = 'href="/admin/"'
GOVERNANCE_CHANGELIST = "admin:members_governingbody_changelist"


def staff_client(*role_codes: str) -> tuple[Client, object]:
    user = UserFactory(is_staff=True, totp=True, roles=list(role_codes))
    assert not user.is_superuser
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client, user


def test_administrator_without_superuser_uses_the_admin() -> None:
    client, user = staff_client(roles.ADMINISTRATOR)
    body = client.get(reverse("admin:index")).content.decode()
    assert "have permission to view or edit anything" not in body
    for url_name in (
        GOVERNANCE_CHANGELIST,
        "admin:members_seat_changelist",
        "admin:members_capability_changelist",
        "admin:api_partnerclient_changelist",
    ):
        assert client.get(reverse(url_name)).status_code == 200, url_name
    assert client.get(reverse("admin:members_governingbody_add")).status_code == 200
    # The seat form's autocomplete finds people (it needs the view permission on people).
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "seat", "field_name": "person", "term": "a"},
    )
    assert autocomplete.status_code == 200
    # The effect: the administrator edits a governance body through the admin.
    body = GoverningBodyFactory(name="Mesa de Agua")
    change_url = reverse("admin:members_governingbody_change", args=[body.pk])
    assert client.get(change_url).status_code == 200
    assert user.has_perm("members.change_governingbody")
    assert user.has_perm("api.add_partnerclient")
    assert can_use_admin(user)


def test_membership_officer_manages_taxonomy_and_governance_but_not_api_clients() -> None:
    client, user = staff_client(roles.MEMBERSHIP_OFFICER)
    assert client.get(reverse(GOVERNANCE_CHANGELIST)).status_code == 200
    assert client.get(reverse("admin:members_seat_add")).status_code == 200
    assert client.get(reverse("admin:members_capability_changelist")).status_code == 200
    assert client.get(reverse("admin:api_partnerclient_changelist")).status_code == 403
    assert user.has_perm("members.delete_seat")


def test_auditor_views_but_does_not_change() -> None:
    client, user = staff_client(roles.AUDITOR)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse(GOVERNANCE_CHANGELIST)).status_code == 200
    assert client.get(reverse("admin:api_partnerclient_changelist")).status_code == 200
    body = GoverningBodyFactory()
    change_url = reverse("admin:members_governingbody_change", args=[body.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only view
    assert client.get(reverse("admin:members_governingbody_add")).status_code == 403
    before = GoverningBody.objects.get(pk=body.pk).name
    response = client.post(change_url, {"name": "Cambiado"})
    assert response.status_code == 403
    assert GoverningBody.objects.get(pk=body.pk).name == before
    assert not user.has_perm("members.change_seat")
    assert not user.has_perm("members.add_capability")


@pytest.mark.parametrize("role", [roles.EVALUATION_COORDINATOR])
def test_roles_without_admin_pages_get_no_admin(role: str) -> None:
    client, user = staff_client(role)
    assert not can_use_admin(user)
    assert ADMIN_LINK not in client.get(reverse("home")).content.decode()


def test_editor_keeps_the_topics_and_reads_the_knowledge_records() -> None:
    from tests.knowledge.factories import ArticleFactory, TopicFactory

    client, user = staff_client(roles.EDITOR)
    assert can_use_admin(user)
    assert ADMIN_LINK in client.get(reverse("home")).content.decode()
    topic = TopicFactory()
    response = client.post(
        reverse("admin:knowledge_topic_change", args=[topic.pk]),
        {"slug": topic.slug, "name_es": "Relaves", "name_en": "Tailings", "position": 3},
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.name_en == "Tailings"
    article = ArticleFactory()
    change_url = reverse("admin:knowledge_article_change", args=[article.pk])
    assert client.get(change_url).status_code == 200
    before = article.title
    assert client.post(change_url, {"title": "Cambiado"}).status_code == 403
    article.refresh_from_db()
    assert article.title == before


def test_call_manager_reads_the_open_innovation_records_and_changes_none() -> None:
    from tests.challenges.factories import CallFactory

    call = CallFactory()
    client, _user = staff_client(roles.CALL_MANAGER)
    change_url = reverse("admin:challenges_call_change", args=[call.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only view
    assert client.post(change_url, {"title": "Cambiado"}).status_code == 403
    assert type(call).objects.get(pk=call.pk).title == call.title
    assert client.get(reverse("admin:challenges_proposal_changelist")).status_code == 200
    assert client.get(reverse("admin:members_governingbody_changelist")).status_code == 403


def test_role_less_staff_gets_no_admin_link() -> None:
    client = client_for(STAFF_NO_ROLE)
    body = client.get(reverse("home")).content.decode()
    assert "Staff area" in body
    assert ADMIN_LINK not in body
    verdict = can_use_admin(client.user)  # type: ignore[attr-defined]
    assert not verdict
    assert "no administration page" in str(verdict.reason)


@pytest.mark.parametrize(
    "role", [roles.ADMINISTRATOR, roles.MEMBERSHIP_OFFICER, roles.AUDITOR, roles.CALL_MANAGER]
)
def test_roles_with_admin_pages_see_the_link(role: str) -> None:
    client, _user = staff_client(role)
    assert ADMIN_LINK in client.get(reverse("home")).content.decode()


def test_superuser_sees_the_link_and_members_do_not() -> None:
    superuser = UserFactory(is_staff=True, is_superuser=True, totp=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(superuser)
    assert ADMIN_LINK in client.get(reverse("home")).content.decode()
    member = Client(HTTP_ACCEPT_LANGUAGE="en")
    member.force_login(UserFactory())
    assert ADMIN_LINK not in member.get(reverse("home")).content.decode()


def test_sync_creates_admin_permissions_even_before_their_app_post_migrate() -> None:
    from django.contrib.auth.models import Group, Permission

    Permission.objects.filter(content_type__app_label="api", codename="view_partnerclient").delete()
    roles.sync_staff_roles()
    auditor = Group.objects.get(name=roles.AUDITOR)
    assert auditor.permissions.filter(
        content_type__app_label="api", codename="view_partnerclient"
    ).exists()
