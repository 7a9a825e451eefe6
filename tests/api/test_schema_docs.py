"""The OpenAPI schema validates, and the docs pages load only the portal's own static files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)
ASSET = re.compile(r'(?:src|href)="([^"]+)"')


def test_schema_generation_validates_without_warnings(tmp_path: Path) -> None:
    output = tmp_path / "schema.yaml"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cluster_portal.settings.test"}

    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [
            sys.executable,
            str(BASE_DIR / "manage.py"),
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(output),
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    schema = yaml.safe_load(output.read_text())
    assert schema["info"]["title"] == "CMSP Portal API"
    oauth2 = schema["components"]["securitySchemes"]["oauth2"]
    assert oauth2["flows"]["clientCredentials"]["tokenUrl"] == "/o/token/"
    assert set(oauth2["flows"]["clientCredentials"]["scopes"]) == set(
        settings.OAUTH2_PROVIDER["SCOPES"]
    )
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert {"oauth2": []} in me["security"]
    assert me["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert not any(path.startswith("/api/schema") for path in schema["paths"])


def test_schema_endpoint_is_public(api_client: Client) -> None:
    response = api_client.get("/api/schema/")

    assert response.status_code == 200
    assert b"openapi: 3" in response.content


def _assets(html: str) -> list[str]:
    return ASSET.findall(html)


def test_swagger_docs_use_only_local_static_assets(api_client: Client) -> None:
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = _assets(html)
    assert assets, html
    for url in assets:
        # The init script is served by the docs view itself (?script), everything else is static.
        assert url.startswith(settings.STATIC_URL) or url.startswith("/api/docs/?script"), url
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script: the portal's CSP forbids them
    assert "<style" not in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_swagger_init_script_points_at_the_schema(api_client: Client) -> None:
    response = api_client.get("/api/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"/api/schema/" in response.content


def test_redoc_uses_only_local_static_assets(api_client: Client) -> None:
    response = api_client.get("/api/redoc/")

    assert response.status_code == 200
    html = response.content.decode()
    for url in _assets(html):
        assert url.startswith(settings.STATIC_URL), url
    assert "googleapis" not in html
    assert "<script>" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_referenced_static_files_exist(api_client: Client) -> None:
    from django.contrib.staticfiles import finders

    html = (
        api_client.get("/api/docs/").content.decode()
        + api_client.get("/api/redoc/").content.decode()
    )
    for url in _assets(html):
        if url.startswith(settings.STATIC_URL):
            assert finders.find(url.removeprefix(settings.STATIC_URL)), url


# --- Parameters say what the API accepts -------------------------------------------------------


def _parameters(path: str) -> dict[str, dict]:
    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator

    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


def test_choice_filters_and_ordering_list_their_values() -> None:
    from cluster_portal.core.peru import Region

    organizations = _parameters("/api/v1/organizations/")
    assert set(organizations["region"]["schema"]["enum"]) == {r.value for r in Region}
    assert "Southern Peru" not in organizations["region"]["schema"]["enum"]  # groups flattened
    ordering = organizations["ordering"]
    assert ordering["style"] == "form"
    assert ordering["explode"] is False
    assert ordering["schema"]["minItems"] == 1
    assert ordering["schema"]["items"]["enum"] == [
        "legal_name", "-legal_name", "trade_name", "-trade_name",
        "member_since", "-member_since", "id", "-id",
    ]  # fmt: skip
    groups = _parameters("/api/v1/working-groups/")
    assert groups["ordering"]["schema"]["items"]["enum"] == [
        "position",
        "-position",
        "name",
        "-name",
    ]


def test_taxonomy_codes_are_documented_by_format_not_by_the_database(
    django_assert_num_queries,
) -> None:
    """Codes come from the taxonomy staff edit: the schema gives their format (a slug, empty
    values ignored) and generating it reads nothing from the database."""
    with django_assert_num_queries(0):
        organizations = _parameters("/api/v1/organizations/")
    for name in ("capability", "commodity"):
        parameter = organizations[name]
        assert parameter["schema"]["type"] == "array"
        assert parameter["schema"]["items"] == {
            "type": "string",
            "pattern": "^[-a-zA-Z0-9_]*$",
            "maxLength": 60,
        }
        assert "matches nothing" in parameter["description"]
        assert "allowEmptyValue" not in parameter


def test_free_text_excludes_nul_and_empty_parameters_are_ignored() -> None:
    organizations = _parameters("/api/v1/organizations/")
    assert organizations["q"]["schema"] == {
        "type": "string",
        "maxLength": 100,
        "pattern": "^[^\\u0000]*$",
    }
    assert organizations["search"]["schema"]["pattern"] == "^[^\\u0000]*$"
    assert re.fullmatch(organizations["q"]["schema"]["pattern"], "Cerro Verde ñ")
    assert not re.fullmatch(organizations["q"]["schema"]["pattern"], "a\x00b")
    for name in ("q", "kind", "region", "page", "page_size", "search"):
        assert organizations[name]["allowEmptyValue"] is True, name
    assert "allowEmptyValue" not in organizations["ordering"]
