"""GET /api/v1/me/ for people and partners, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import bearer
from tests.api.factories import PartnerClientFactory
from tests.members.factories import OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


def test_session_user(api_client: Client) -> None:
    user = UserFactory(full_name="Ana Quispe")
    membership = OrganizationMemberFactory(user=user, role="admin")
    api_client.force_login(user)

    response = api_client.get(ME)

    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "user"
    assert body["user"] == {
        "id": user.pk,
        "email": user.email,
        "full_name": "Ana Quispe",
        "is_staff": False,
    }
    assert body["client"] is None
    assert body["organization"] is None
    assert body["memberships"] == [
        {
            "organization": {
                "id": membership.organization.pk,
                "name": str(membership.organization),
            },
            "role": "admin",
        }
    ]
    assert "members:read" in body["scopes"]


def test_partner_token_me_runs_two_queries(
    api_client: Client, issue_token, django_assert_num_queries
) -> None:
    token = issue_token(PartnerClientFactory())

    # The token (with its application), then the partner client with its organization.
    with django_assert_num_queries(2):
        response = api_client.get(ME, **bearer(token))

    assert response.status_code == 200


def test_session_me_query_count_does_not_grow_with_memberships() -> None:
    def count_for(memberships: int) -> int:
        user = UserFactory()
        for _ in range(memberships):
            OrganizationMemberFactory(user=user)
        client = Client()
        client.force_login(user)
        client.get(ME)  # warm-up: session bookkeeping of the first request
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(ME).status_code == 200
        return len(queries)

    assert count_for(1) == count_for(5)
