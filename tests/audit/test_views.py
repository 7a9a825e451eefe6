"""The staff audit page: access, filters, constant query count."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cluster_portal.audit.services import audit_decision
from members.models import Organization, User
from tests.members.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/staff/audit/"


def rows(response) -> int:
    return response.content.decode().count('data-testid="audit-row"')


# --- access ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/staff/audit/")


def test_non_staff_gets_404(user: User) -> None:
    client = Client()
    client.force_login(user)
    assert client.get(URL).status_code == 404


def test_view_itself_refuses_non_staff(rf, user: User) -> None:
    """Defence in depth: even without the middleware, the view says 404."""
    from django.http import Http404

    from cluster_portal.audit.views import logentry_list_view

    request = rf.get(URL)
    request.user = user
    with pytest.raises(Http404):
        logentry_list_view(request)


def test_staff_with_mfa_sees_the_page(staff_client: Client) -> None:
    OrganizationFactory(legal_name="Minera Visible S.A.")
    response = staff_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Audit log" in body
    assert "Minera Visible S.A." in body


# --- filters ---------------------------------------------------------------------------------


def test_staff_home_links_to_the_audit_log(staff_client: Client) -> None:
    body = staff_client.get(reverse("staff_home")).content.decode()
    assert f'href="{reverse("audit:logentry_list")}"' in body


@pytest.fixture
def history(mfa_staff_user: User) -> dict[str, object]:
    """Some entries by two people on two kinds of record, one staff decision, one old entry."""
    other_staff = UserFactory(is_staff=True, email="otra@clusterminero.pe")
    from auditlog.context import set_actor

    with set_actor(mfa_staff_user):
        org_a = OrganizationFactory(legal_name="Alfa Minera")
    with set_actor(other_staff):
        org_b = OrganizationFactory(legal_name="Beta Servicios")
        org_b.legal_name = "Beta Servicios Mineros"
        org_b.save()
    decision = audit_decision(
        actor=mfa_staff_user, target=org_a, action="membership.approve", reason="Cumple."
    )
    old = audit_decision(actor=other_staff, target=org_b, action="membership.suspend")
    LogEntry.objects.filter(pk=old.pk).update(
        timestamp=timezone.now() - datetime.timedelta(days=40)
    )
    return {"org_a": org_a, "org_b": org_b, "decision": decision, "old": old}


def test_filter_by_actor_email(staff_client: Client, history) -> None:
    response = staff_client.get(URL, {"actor": "otra@"})
    body = response.content.decode()
    assert rows(response) == 3  # create + update + suspend, all by the other staff member
    assert "Alfa Minera" not in body


def test_filter_by_record_type(staff_client: Client, history) -> None:
    org_type = ContentType.objects.get_for_model(Organization)
    response = staff_client.get(URL, {"content_type": org_type.pk})
    expected = LogEntry.objects.filter(content_type=org_type).count()
    assert rows(response) == expected
    user_type = ContentType.objects.get_for_model(User)
    response = staff_client.get(URL, {"content_type": user_type.pk})
    assert "Alfa Minera" not in response.content.decode()


def test_filter_by_action(staff_client: Client, history) -> None:
    decisions = staff_client.get(URL, {"action": "decision"})
    assert rows(decisions) == 2
    assert "membership.approve" in decisions.content.decode()
    assert "Cumple." in decisions.content.decode()
    creates = staff_client.get(URL, {"action": "create"})
    assert rows(creates) == LogEntry.objects.filter(action=LogEntry.Action.CREATE).count()
    assert "membership.approve" not in creates.content.decode()


def test_filter_by_object_id(staff_client: Client, history) -> None:
    org_b = history["org_b"]
    org_type = ContentType.objects.get_for_model(Organization)
    response = staff_client.get(URL, {"content_type": org_type.pk, "object_id": org_b.pk})
    assert rows(response) == 3
    assert "Alfa Minera" not in response.content.decode()


def test_filter_by_date_range(staff_client: Client, history) -> None:
    today = timezone.localdate()
    recent = staff_client.get(URL, {"date_from": (today - datetime.timedelta(days=7)).isoformat()})
    assert "membership.suspend" not in recent.content.decode()
    old_day = timezone.localtime(LogEntry.objects.get(pk=history["old"].pk).timestamp).date()
    old = staff_client.get(URL, {"date_from": old_day.isoformat(), "date_to": old_day.isoformat()})
    assert rows(old) == 1
    assert "membership.suspend" in old.content.decode()


def test_inverted_date_range_shows_an_error_not_a_500(staff_client: Client, history) -> None:
    response = staff_client.get(URL, {"date_from": "2026-05-10", "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert "The end date must not be before the start date." in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"content_type": "abc"},
        {"content_type": "999999"},
        {"action": "drop table"},
        {"date_from": "yesterday"},
        {"page": "9999"},
        {"page": "x"},
        {"object_id": "' OR 1=1 --"},
    ],
)
def test_bad_filter_values_never_500(staff_client: Client, history, params) -> None:
    assert staff_client.get(URL, params).status_code == 200


def test_before_and_after_are_shown(staff_client: Client, history) -> None:
    body = staff_client.get(URL, {"action": "update", "actor": "otra@"}).content.decode()
    # One change: a sentence with the field's label, before and after.
    assert "changed the legal name of <strong>" in body
    assert "from <del>Beta Servicios</del> to <ins>Beta Servicios Mineros</ins> on " in body


# --- pagination and query count ---------------------------------------------------------------


def _make_entries(count: int, actor: User) -> None:
    organization = OrganizationFactory()
    for n in range(count):
        audit_decision(
            actor=actor,
            target=organization,
            action="membership.review",
            changes={"note": (str(n), str(n + 1))},
        )


def _queries_for_page(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"action": "decision"})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_the_same_for_5_and_50_entries(
    staff_client: Client, mfa_staff_user: User
) -> None:
    _make_entries(5, mfa_staff_user)
    staff_client.get(URL)  # warm caches (content types, session)
    few = _queries_for_page(staff_client)
    _make_entries(45, mfa_staff_user)
    many = _queries_for_page(staff_client)
    assert LogEntry.objects.filter(additional_data__has_key="decision").count() == 50
    assert few == many


def _make_mixed_entries(count: int, actors: list[User]) -> None:
    """At least ``count`` entries of every shape the unfiltered page shows: creations and edits
    of organizations and people, many-to-many changes, decisions, by several people and by
    nobody (a command or a task)."""
    from auditlog.context import set_actor

    target = LogEntry.objects.count() + count
    n = 0
    while LogEntry.objects.count() < target:
        actor = actors[n % len(actors)]
        kind = n % 5
        if kind == 0:
            with set_actor(actor):
                OrganizationFactory(legal_name=f"Mezcla {n} S.A.")
        elif kind == 1:
            organization = Organization.objects.order_by("-pk").first() or OrganizationFactory()
            with set_actor(actor):
                organization.legal_name = f"{organization.legal_name} (editada {n})"
                organization.save()
        elif kind == 2:
            organization = Organization.objects.order_by("-pk").first() or OrganizationFactory()
            with set_actor(actor):
                organization.reference_clients.add(OrganizationFactory())
        elif kind == 3:
            UserFactory()  # no actor: "System"
        else:
            audit_decision(
                actor=actor,
                target=Organization.objects.order_by("-pk").first() or OrganizationFactory(),
                action="membership.review",
                reason=f"Revisión {n}",
            )
        n += 1


def test_unfiltered_query_count_is_the_same_for_5_and_50_entries(
    staff_client: Client, mfa_staff_user: User
) -> None:
    actors = [mfa_staff_user, UserFactory(is_staff=True, email="otra@clusterminero.pe")]
    LogEntry.objects.all().delete()
    _make_mixed_entries(5, actors)
    staff_client.get(URL)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        response = staff_client.get(URL)
    assert response.status_code == 200
    assert 5 <= rows(response) < 50
    _make_mixed_entries(50, actors)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(URL)
    assert response.status_code == 200
    assert rows(response) == 50  # a full page of mixed entries
    assert len(few) == len(many), (len(few), len(many))
    print(f"/staff/audit/ unfiltered: {len(few)} queries for a few and for 50 entries")


def test_pagination_keeps_filters(staff_client: Client, mfa_staff_user: User) -> None:
    _make_entries(60, mfa_staff_user)
    first = staff_client.get(URL, {"action": "decision"})
    assert rows(first) == 50
    assert "?action=decision&amp;page=2" in first.content.decode()
    second = staff_client.get(URL, {"action": "decision", "page": 2})
    assert rows(second) == 10


def test_creation_lists_only_filled_in_fields(staff_client: Client, history) -> None:
    body = staff_client.get(URL, {"action": "create", "actor": "secretaria@"}).content.decode()
    assert "<ins>Alfa Minera</ins>" in body
    assert "<del>None</del>" not in body
