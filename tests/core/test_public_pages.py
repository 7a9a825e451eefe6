"""The public pages: home (what membership is and how to get it), contact, privacy notice and
terms; in both languages, for visitors, with links only to pages that exist."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from cluster_portal.core import legal
from members.models import Organization

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["home", "contact", "privacy", "terms"]


@pytest.fixture
def client_en() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_render_for_visitors_in_both_languages(name, language) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    # The footer links to the contact page, the privacy notice and the terms everywhere.
    for target in ("contact", "privacy", "terms"):
        assert f'href="{reverse(target)}"' in body


def test_privacy_notice_url_is_stable_for_sign_up() -> None:
    assert reverse("privacy") == "/privacy/"


def test_spanish_pages_are_translated() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    body = client.get(reverse("home")).content.decode()
    assert "Clúster Minero del Sur del Perú" in body


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_internal_link_of_a_public_page_exists(client, name) -> None:
    body = client.get(reverse(name)).content.decode()
    links = set(re.findall(r'href="(/[^"#]*)', body)) - {"/static/"}
    assert links
    for link in sorted(links):
        if link.startswith("/static/"):
            continue
        status = client.get(link).status_code
        assert status in (200, 302), (link, status)


def test_home_explains_membership(client_en) -> None:
    body = client_en.get(reverse("home")).content.decode()
    assert 'data-testid="home-membership"' in body
    assert "Why join" in body
    assert "The secretariat reviews the application" in body
    for _value, label in Organization.Kind.choices:
        assert str(label) in body
    assert reverse("members:membership_apply") in body
    assert reverse("contact") in body
    assert reverse("dashboard") not in body  # visitors get sign-up and log-in instead
    assert reverse("account_signup") in body


def test_home_sends_signed_in_people_to_their_dashboard(client_en, user) -> None:
    client_en.force_login(user)
    body = client_en.get(reverse("home")).content.decode()
    assert f'href="{reverse("dashboard")}"' in body
    assert 'data-testid="my-dashboard"' in body  # the user menu


@override_settings(
    CONTACT_EMAIL="secretaria@cmsp.example",
    CONTACT_PHONE="+51 54 123456",
    CONTACT_ADDRESS="Calle Mercaderes 100, Arequipa",
)
def test_contact_details_come_from_settings(client_en) -> None:
    body = client_en.get(reverse("contact")).content.decode()
    assert 'href="mailto:secretaria@cmsp.example"' in body
    assert 'href="tel:+5154123456"' in body
    assert "Calle Mercaderes 100, Arequipa" in body
    privacy = client_en.get(reverse("privacy")).content.decode()
    assert "secretaria@cmsp.example" in privacy
    assert "Calle Mercaderes 100, Arequipa" in privacy


@override_settings(CONTACT_PHONE="")
def test_an_empty_phone_is_not_shown(client_en) -> None:
    body = client_en.get(reverse("contact")).content.decode()
    assert 'data-testid="contact-phone"' not in body
    assert "tel:" not in body


def test_privacy_notice_covers_ley_29733(client_en) -> None:
    body = client_en.get(reverse("privacy")).content.decode()
    assert f"Version {legal.PRIVACY_NOTICE_VERSION}" in body
    assert "29733" in body
    for section in (
        "Who is responsible for your data",
        "What we use them for",
        "Legal basis: your consent",
        "Who receives your data",
        "How long we keep them",
        "Your rights (ARCO)",
    ):
        assert section in body
    for right in ("Access:", "Rectification:", "Cancellation:", "Opposition:"):
        assert right in body
    assert "National Authority for Personal Data Protection" in body


def test_terms_show_their_version(client_en) -> None:
    body = client_en.get(reverse("terms")).content.decode()
    assert f"Version {legal.TERMS_VERSION}" in body
    assert f'href="{reverse("privacy")}"' in body


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_refuse_post(client, name) -> None:
    assert client.post(reverse(name)).status_code == 405
