"""Notifications are shown in the reader's current language, whatever the language they were
created in; the inbox costs the same number of queries however many it shows."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification
from notifications.services import notify
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")


def _join_request(recipient, n: int = 0) -> Notification:
    [notification] = notify(
        recipients=[recipient],
        event="members.join_request_created",
        context={
            "organization": "AndesTech",
            "organization_id": 1,
            "person": f"Rosa Paredes {n}",
            "person_email": f"rosa{n}@example.pe",
            "message": "",
        },
        email=False,
    )
    return notification


def _client(user, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_created_in_spanish_shown_in_english_after_switching() -> None:
    reader = UserFactory(language="es")
    notification = _join_request(reader)
    with translation.override("es"):
        spanish_title = str(notification.localized_title)
    assert notification.title == spanish_title  # stored in the recipient's language
    assert "asks to join" not in spanish_title
    assert notification.context["person"] == "Rosa Paredes 0"
    english = _client(reader, "en").get(INBOX).content.decode()
    assert "Rosa Paredes 0 asks to join AndesTech" in english
    spanish = _client(reader, "es").get(INBOX).content.decode()
    assert spanish_title in spanish


def test_rows_without_context_show_the_stored_text() -> None:
    reader = UserFactory(language="es")
    notification = _join_request(reader)
    Notification.objects.filter(pk=notification.pk).update(
        context=None, title="Texto guardado", body="Cuerpo guardado"
    )
    english = _client(reader, "en").get(INBOX).content.decode()
    assert "Texto guardado" in english
    assert "Cuerpo guardado" in english


def test_contexts_with_objects_are_not_kept() -> None:
    reader = UserFactory(language="es")
    [notification] = notify(
        recipients=[reader],
        event="members.join_request_created",
        context={"organization": reader, "person": "X", "person_email": "x@example.pe"},
        email=False,
    )
    assert notification.context is None  # the text needed an object: shown as stored


def test_inbox_query_count_does_not_grow(max_queries) -> None:
    reader = UserFactory(language="es")
    client = _client(reader, "en")
    _join_request(reader, 0)
    max_queries(10, client.get, INBOX, expect=["Rosa Paredes 0 asks to join AndesTech"])
    for n in range(1, 15):
        _join_request(reader, n)
    max_queries(
        10,
        client.get,
        INBOX,
        expect=["Rosa Paredes 14 asks to join AndesTech", "Rosa Paredes 1 asks to join"],
    )
