"""Who reaches the report runs pages (role x page → status). Deny by default: the area for those
who may generate a kind or read the dashboard; a run only for its requester (the monthly pack
for dashboard readers); everything else is a 404, and a refused action changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cluster_portal.core import roles
from cluster_portal.core.jobs import JobStatus
from reports.models import ReportRun
from reports.permissions import can_read_reports_area, can_view_dashboard
from tests.members.factories import OrganizationMemberFactory, UserFactory
from tests.permission_matrix import STAFF_NO_ROLE, STAFF_ROLES, staff_user
from tests.reports.factories import ReportRunFactory

from .kinds import FAKE_KIND

pytestmark = pytest.mark.django_db
LIST = reverse("reports_staff:run_list")
CREATE = reverse("reports_staff:run_create", args=[FAKE_KIND])
#: The fake kind's predicate: core.view_reports.
GENERATORS = frozenset({roles.REPORTING_OFFICER, roles.AUDITOR, roles.ADMINISTRATOR})


def url(name: str, run: Any) -> str:
    return reverse(f"reports_staff:{name}", args=[run.pk])


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def person(role: str) -> Any:
    return staff_user() if role == STAFF_NO_ROLE else staff_user(role)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_area_and_create_matrix(fake_kind, role: str) -> None:
    user = person(role)
    client = client_for(user)
    # The list is open to whoever may generate some kind (the real kinds follow their data's
    # own permissions) or read the dashboard; refused staff get 403.
    expected_list = 200 if can_read_reports_area(user) else 403
    if role in GENERATORS:
        assert expected_list == 200
    if role == STAFF_NO_ROLE:
        assert expected_list == 403
    assert client.get(LIST).status_code == expected_list
    expected_create = 200 if role in GENERATORS else 403
    assert client.get(CREATE).status_code == expected_create
    response = client.post(CREATE, {"rows": "1", "run-format": "xlsx"})
    assert response.status_code == (302 if role in GENERATORS else 403)
    assert ReportRun.objects.exists() == (role in GENERATORS)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_someone_elses_run_is_404_for_every_role(fake_kind, role: str) -> None:
    run = ReportRunFactory(
        kind=FAKE_KIND, requester=staff_user(roles.REPORTING_OFFICER), status=JobStatus.FAILED
    )
    client = client_for(person(role))
    for name in ("run_detail", "run_progress", "run_download"):
        assert client.get(url(name, run)).status_code == 404, name
    assert client.post(url("run_retry", run)).status_code == 404
    assert ReportRun.objects.count() == 1


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_monthly_pack_is_for_dashboard_readers(fake_kind, role: str) -> None:
    pack = ReportRunFactory(
        kind="cluster_kpis",
        requester=None,
        filters={"starts_on": "2026-10-01"},
        status=JobStatus.FAILED,
        idempotency_key="kpi-pack:2026-10",
    )
    user = person(role)
    client = client_for(user)
    expected = 200 if can_view_dashboard(user) else 404
    assert client.get(url("run_detail", pack)).status_code == expected
    # Nobody retries the schedule's run from the page: the refusal changes nothing.
    client.post(url("run_retry", pack))
    assert ReportRun.objects.count() == 1


def test_my_run_is_hidden_once_i_may_no_longer_generate_its_kind(fake_kind) -> None:
    officer = staff_user(roles.REPORTING_OFFICER)
    run = ReportRunFactory(kind=FAKE_KIND, requester=officer)
    client = client_for(officer)
    assert client.get(url("run_detail", run)).status_code == 200
    officer.groups.clear()
    officer = type(officer).objects.get(pk=officer.pk)  # no cached permissions
    client = client_for(officer)
    assert client.get(url("run_detail", run)).status_code == 404


@pytest.mark.parametrize("who", ["member", "member_admin", "visitor"])
def test_people_meet_the_staff_gate(fake_kind, who: str) -> None:
    run = ReportRunFactory(kind=FAKE_KIND, status=JobStatus.FAILED)
    if who == "visitor":
        user = None
    else:
        user = OrganizationMemberFactory(role="admin" if who == "member_admin" else "member").user
    client = client_for(user)
    for target in (LIST, CREATE, url("run_detail", run), url("run_download", run)):
        response = client.get(target)
        if user is None:
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404
    client.post(url("run_retry", run))
    assert ReportRun.objects.count() == 1


def test_staff_without_an_authenticator_app_is_sent_to_set_one_up(fake_kind) -> None:
    user = UserFactory(is_staff=True, roles=[roles.REPORTING_OFFICER])
    response = client_for(user).get(LIST)
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]
