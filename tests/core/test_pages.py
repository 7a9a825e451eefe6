"""The public shell: home page, language, error pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_is_spanish_by_default(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    body = response.content.decode()
    assert '<html lang="es">' in body
    assert "Clúster Minero del Sur del Perú" in body


def test_language_switch_changes_to_english(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Mining Cluster of Southern Peru" in body


def test_language_switch_rejects_unsafe_next(client: Client) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_404_page_is_translated(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


ERROR_TEXTS = {
    403: {
        "es": ("Acceso denegado", "Usted no tiene permiso para abrir esta página."),
        "en": ("Access denied", "You do not have permission to open this page."),
    },
    500: {
        "es": ("Error del servidor", "Algo salió mal de nuestro lado."),
        "en": ("Server error", "Something went wrong on our side."),
    },
}


def _client(language: str) -> Client:
    """Spanish is the default (no Accept-Language header); English is asked for."""
    return Client(HTTP_ACCEPT_LANGUAGE="en") if language == "en" else Client()


def _assert_error_page(response, status: int, language: str) -> None:
    assert response.status_code == status
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    for text in ERROR_TEXTS[status][language]:
        assert text in body
    other = "en" if language == "es" else "es"
    assert ERROR_TEXTS[status][other][0] not in body


@pytest.mark.parametrize("language", ["es", "en"])
def test_403_page_is_translated(language: str) -> None:
    """A real PermissionDenied: someone of another organization opens a profile's editor."""
    from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

    organization = OrganizationFactory()
    client = _client(language)
    client.force_login(OrganizationMemberFactory().user)
    response = client.get(reverse("members:organization_edit", args=[organization.pk]))
    _assert_error_page(response, 403, language)


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.urls("tests.core.urls")
def test_500_page_is_translated(language: str) -> None:
    client = _client(language)
    client.raise_request_exception = False
    response = client.get("/probe/broken/")
    _assert_error_page(response, 500, language)


def test_500_page_renders_without_context(rf) -> None:
    from cluster_portal.core.views import server_error

    request = rf.get("/")
    response = server_error(request)
    assert response.status_code == 500
    assert b"500" in response.content


def test_no_inline_scripts_and_csp_header(client: Client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    body = response.content.decode()
    # Every <script> tag loads a file; none carries code.
    import re

    for tag in re.findall(r"<script[^>]*>(.*?)</script>", body, flags=re.S):
        assert tag.strip() == ""
    assert "cdn" not in body.lower()
