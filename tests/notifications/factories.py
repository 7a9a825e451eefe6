"""factory_boy factories for notifications and outbox rows."""

from __future__ import annotations

import factory
from django.utils import timezone

from notifications.models import Notification, NotificationBroadcast, OutboxEmail
from tests.members.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    event = "account.welcome"
    category = "account"
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened on the portal."
    url = "/"


class OutboxEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxEmail

    recipient = factory.SubFactory(UserFactory)
    to_email = factory.LazyAttribute(lambda o: o.recipient.email if o.recipient else "x@example.pe")
    event = "account.welcome"
    category = "account"
    frequency = "immediate"
    language = "en"
    subject = factory.Sequence(lambda n: f"Subject {n}")
    body_text = "Hello"
    body_html = "<p>Hello</p>"
    next_attempt_at = factory.LazyFunction(timezone.now)
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")


class NotificationBroadcastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationBroadcast

    event = "account.welcome"
    audience = "members.active_people"
    next_attempt_at = factory.LazyFunction(timezone.now)
    idempotency_key = factory.Sequence(lambda n: f"broadcast-test:{n}")
