"""Pages of mission applications: the permission matrix of every page and action (the allowed
cases assert the effect), the pages' content, and query counts of the lists."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cluster_portal.core import roles
from missions.models import Application, ApplicationScore, Mission
from missions.services import applications as services
from tests.members.factories import OrganizationMemberFactory, UserFactory
from tests.missions.applications.world import (
    World,
    admin_of,
    apply,
    coordinator,
    selecting_world,
)
from tests.missions.factories import MissionFactory
from tests.permission_matrix import STAFF_NO_ROLE, staff_user
from tests.queries import run_counted

pytestmark = pytest.mark.django_db
S = Application.Status

#: Roles towards an application: people of its organization, of another one, staff.
MEMBER_ROLES = ("visitor", "other_member", "org_member", "org_admin", "coordinator", "auditor")


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def person(role: str, application: Application):
    if role == "visitor":
        return None
    if role == "other_member":
        return OrganizationMemberFactory(role="admin").user
    if role in ("org_member", "org_admin"):
        return OrganizationMemberFactory(
            organization=application.organization, role=role.removeprefix("org_")
        ).user
    if role == "coordinator":
        return coordinator()
    if role == STAFF_NO_ROLE:
        return staff_user()
    return staff_user(roles.AUDITOR)


def detail(application: Application) -> str:
    return reverse("missions:application_detail", args=[application.pk])


def action(application: Application, name: str) -> str:
    return reverse("missions:application_action", args=[application.pk, name])


@pytest.fixture
def published() -> World:
    world = selecting_world()
    services.selection_publish(actor=world.coordinator, mission=world.mission)
    world.refresh()
    return world


# --- Member pages ------------------------------------------------------------------------------

DETAIL = {
    "visitor": 302,
    "other_member": 404,
    "org_member": 200,
    "org_admin": 200,
    "coordinator": 200,
    "auditor": 200,
}


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_application_page_matrix(published: World, role: str) -> None:
    application = published.a
    response = login(person(role, application)).get(detail(application))
    assert response.status_code == DETAIL[role]
    if response.status_code == 200:
        body = response.content.decode()
        assert application.organization.display_name in body
        assert 'data-testid="hold-until"' in body
        assert "(Lima time)" in body
        assert ('data-testid="accept"' in body) is True
        # Only the organization's admin gets working buttons.
        assert ("disabled" not in body.split('data-testid="accept-form"')[1][:800]) is (
            role == "org_admin"
        )
        assert "90.00" not in body  # applicants never see scores (a scored 90)


ACT = {
    "visitor": 302,
    "other_member": 404,
    "org_member": 302,
    "org_admin": 302,
    "coordinator": 302,
    "auditor": 302,
}


@pytest.mark.parametrize("role", MEMBER_ROLES)
@pytest.mark.parametrize(
    ("name", "after"), [("accept", S.ACCEPTED), ("decline", S.DECLINED), ("withdraw", S.WITHDRAWN)]
)
def test_offer_actions_matrix(published: World, role: str, name: str, after: str) -> None:
    application = published.a
    response = login(person(role, application)).post(action(application, name))
    assert response.status_code == ACT[role]
    application.refresh_from_db()
    if role == "org_admin":
        assert application.status == after
        assert response["Location"] == detail(application)
    else:
        assert application.status == S.OFFERED


def test_decline_from_the_page_promotes_the_next(published: World) -> None:
    client = login(admin_of(published.a))
    response = client.post(action(published.a, "decline"), follow=True)
    assert "The place was declined." in response.content.decode()
    published.refresh()
    assert published.b.status == S.OFFERED


def test_actions_need_post_and_a_known_name(published: World) -> None:
    client = login(admin_of(published.a))
    assert client.get(action(published.a, "accept")).status_code == 405
    assert client.post(action(published.a, "lapse")).status_code == 404
    published.a.refresh_from_db()
    assert published.a.status == S.OFFERED


def test_admin_applies_from_the_page() -> None:
    mission = MissionFactory()
    member = OrganizationMemberFactory(role="admin")
    colleague = OrganizationMemberFactory(organization=member.organization).user
    client = login(member.user)
    url = reverse("missions:application_create", args=[mission.slug])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="criteria"' in body
    assert mission.criteria.first().name in body  # type: ignore[union-attr]
    response = client.post(
        url, {"motivation": "We build sensors.", "delegate_1": colleague.pk, "role_1": "CTO"}
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(application)
    assert application.delegates.get().person == colleague


def test_a_bad_application_shows_the_error_and_saves_nothing() -> None:
    mission = MissionFactory(max_delegates_per_organization=2)
    member = OrganizationMemberFactory(role="admin")
    colleague = OrganizationMemberFactory(organization=member.organization).user
    url = reverse("missions:application_create", args=[mission.slug])
    response = login(member.user).post(
        url, {"motivation": "x", "delegate_1": colleague.pk, "delegate_2": colleague.pk}
    )
    assert response.status_code == 400
    assert "only once" in response.content.decode()
    assert not Application.objects.exists()


def test_several_organizations_choose_first() -> None:
    mission = MissionFactory()
    user = UserFactory()
    first = OrganizationMemberFactory(user=user, role="admin").organization
    OrganizationMemberFactory(user=user, role="admin")
    client = login(user)
    url = reverse("missions:application_create", args=[mission.slug])
    body = client.get(url).content.decode()
    assert 'data-testid="organization-choice"' in body
    assert client.get(url, {"organization": first.pk}).status_code == 200
    stranger = OrganizationMemberFactory(role="admin").organization
    assert client.get(url, {"organization": stranger.pk}).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("visitor", 302), ("org_member", 404), ("other_member", 404), ("org_admin", 200)],
)
def test_edit_page_matrix(role: str, status: int) -> None:
    application = apply(MissionFactory(), score=None, delegates=1)
    client = login(person(role, application))
    url = reverse("missions:application_edit", args=[application.pk])
    response = client.get(url)
    assert response.status_code == status
    if role == "org_admin":
        kept = application.delegates.get().person
        client.post(url, {"motivation": "Changed", "delegate_1": kept.pk})
        application.refresh_from_db()
        assert application.motivation == "Changed"


def test_our_missions_lists_applications_and_delegations(published: World) -> None:
    delegate = published.a.delegates.first()
    admin = admin_of(published.a)
    body = login(delegate.person).get(reverse("missions:our_missions")).content.decode()  # type: ignore[union-attr]
    assert published.mission.title in body
    assert 'data-testid="our-delegation"' in body
    body = login(admin).get(reverse("missions:our_missions")).content.decode()
    assert 'data-testid="our-application"' in body
    assert "(Lima time)" in body
    assert login(None).get(reverse("missions:our_missions")).status_code == 302


def test_our_missions_queries_do_not_grow_with_rows() -> None:
    user = UserFactory()
    organization = OrganizationMemberFactory(user=user, role="admin").organization

    def add(n: int) -> None:
        for _ in range(n):
            application = apply(MissionFactory(), score=None, delegates=1, legal_name="x")
            OrganizationMemberFactory(user=user, organization=application.organization)

    add(2)
    del organization
    client = login(user)
    url = reverse("missions:our_missions")
    _response, few = run_counted(7, client.get, url, expect=['data-testid="our-application"'])
    add(4)
    _response, more = run_counted(7, client.get, url)
    assert more == few


# --- Staff pages -------------------------------------------------------------------------------

STAFF_READ = {
    "coordinator": 200,
    "auditor": 200,
    STAFF_NO_ROLE: 403,
    "org_admin": 404,  # the staff area does not exist for people outside the staff
}


@pytest.mark.parametrize("role", list(STAFF_READ))
@pytest.mark.parametrize("page", ["applications", "application_score", "selection"])
def test_staff_pages_matrix(published: World, role: str, page: str) -> None:
    mission = published.mission
    args = [mission.pk, published.a.pk] if page == "application_score" else [mission.pk]
    response = login(person(role, published.a)).get(reverse(f"missions_staff:{page}", args=args))
    expected = STAFF_READ[role]
    assert response.status_code == expected
    if expected == 200:
        assert published.a.organization.display_name in response.content.decode()


@pytest.mark.parametrize(("role", "allowed"), [("coordinator", True), ("auditor", False)])
def test_scoring_from_the_page(role: str, allowed: bool) -> None:
    mission = MissionFactory(status=Mission.Status.SELECTING)
    application = apply(mission, score=None)
    first, second = mission.criteria.order_by("position")
    url = reverse("missions_staff:application_score", args=[mission.pk, application.pk])
    response = login(person(role, application)).post(
        url, {f"criterion_{first.pk}": "5", f"criterion_{second.pk}": "2.5"}
    )
    application.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert application.score == 80  # 60 + 40 * 2.5 / 5
    else:
        assert response.status_code == 403
        assert not ApplicationScore.objects.exists()


def test_a_score_over_the_maximum_is_shown_on_the_form() -> None:
    mission = MissionFactory(status=Mission.Status.SELECTING)
    application = apply(mission, score=None)
    first = mission.criteria.order_by("position").first()
    url = reverse("missions_staff:application_score", args=[mission.pk, application.pk])
    response = login(coordinator()).post(url, {f"criterion_{first.pk}": "9"})  # type: ignore[union-attr]
    assert response.status_code == 400
    assert not ApplicationScore.objects.exists()


def test_selection_preview_explains_quotas_and_offers_publishing() -> None:
    world = selecting_world()
    body = (
        login(world.coordinator)
        .get(reverse("missions_staff:selection", args=[world.mission.pk]))
        .content.decode()
    )
    assert 'data-testid="preview-notice"' in body
    assert "Small companies: 1 of at least 1 (met)" in body
    assert "2 of 2 places for organizations" in body
    assert world.b.organization.display_name in body.split('data-testid="preview-waitlist"')[1]
    assert 'data-testid="publish-selection"' in body
    assert (
        reverse("missions_staff:mission_action", args=[world.mission.pk, "publish_selection"])
        in body
    )


def test_selection_after_publishing_shows_delegation_waitlist_and_report(published) -> None:
    body = (
        login(published.coordinator)
        .get(reverse("missions_staff:selection", args=[published.mission.pk]))
        .content.decode()
    )
    delegation = body.split('data-testid="delegation"')[1].split("</table>")[0]
    assert published.a.organization.display_name in delegation
    assert published.b.organization.display_name in body.split('data-testid="waitlist"')[1]
    assert 'data-testid="report"' in body


def test_staff_list_queries_do_not_grow_with_rows(published: World) -> None:
    client = login(published.coordinator)
    url = reverse("missions_staff:applications", args=[published.mission.pk])
    _response, few = run_counted(10, client.get, url, expect=['data-testid="application-row"'])
    for score in ("20", "10", "5"):
        apply(published.mission, score=score)
    _response, more = run_counted(10, client.get, url)
    assert more == few


def test_staff_list_filters_by_status(published: World) -> None:
    client = login(published.coordinator)
    url = reverse("missions_staff:applications", args=[published.mission.pk])
    body = client.get(url, {"status": S.WAITLISTED}).content.decode()
    assert body.count('data-testid="application-row"') == 2
