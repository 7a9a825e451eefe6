"""The membership records are visible to staff in the admin but never edited there: decisions go
through the staff pages, whose services audit and notify."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.members.factories import (
    InvitationFactory,
    JoinRequestFactory,
    MembershipApplicationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, totp=True))
    return client


@pytest.mark.parametrize(
    ("factory", "url"),
    [
        (MembershipApplicationFactory, "/admin/members/membershipapplication/"),
        (JoinRequestFactory, "/admin/members/joinrequest/"),
        (InvitationFactory, "/admin/members/invitation/"),
    ],
)
def test_membership_records_are_read_only_in_the_admin(superuser_client, factory, url) -> None:
    record = factory()

    assert superuser_client.get(url).status_code == 200
    detail = superuser_client.get(f"{url}{record.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert b"token_digest" not in detail.content
    assert superuser_client.get(f"{url}add/").status_code == 403
    assert superuser_client.post(f"{url}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()
