"""The notifications demo data: in-app messages for the demo logins, no email, idempotent."""

from __future__ import annotations

import io

import pytest

from members.demo import DEMO_USERS
from notifications import demo
from notifications.models import Notification, OutboxEmail
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_sends_nothing() -> None:
    for email, *_rest in DEMO_USERS:
        UserFactory(email=email)
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    assert Notification.objects.count() == len(DEMO_USERS)
    assert Notification.objects.filter(read_at__isnull=True).count() == len(DEMO_USERS)
    assert OutboxEmail.objects.count() == 0
