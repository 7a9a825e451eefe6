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
