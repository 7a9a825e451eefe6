"""Fixtures for private-file tests: an isolated private storage and a test-only access rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from cluster_portal.files import permissions
from cluster_portal.files.models import Attachment
from cluster_portal.files.permissions import register_attachment_access
from cluster_portal.files.storage import PrivateFileSystemStorage
from members.models import Organization
from tests.members.factories import OrganizationFactory


@pytest.fixture(autouse=True)
def _isolated_access_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules registered by a test vanish after it, and rules the apps registered come back."""
    monkeypatch.setattr(permissions, "_registry", dict(permissions._registry))


@pytest.fixture
def private_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the Attachment file field at a per-test directory, so tests can count files
    without seeing other tests' (or other xdist workers') uploads."""
    location = tmp_path / "private"
    location.mkdir()
    storage = PrivateFileSystemStorage(location=str(location))
    for name in ("file", "thumbnail"):
        monkeypatch.setattr(Attachment._meta.get_field(name), "storage", storage)
    return location


def stored_files(location: Path) -> list[Path]:
    return [p for p in location.rglob("*") if p.is_file()]


@pytest.fixture
def organization(db) -> Organization:
    return OrganizationFactory()


@pytest.fixture
def staff_may_download_org_files() -> None:
    """Test-only rule: staff may download an organization's files (production registers its
    own rules from the owning app)."""
    register_attachment_access(
        Organization, lambda user, org: bool(user.is_authenticated and user.is_staff)
    )


@pytest.fixture
def client_en() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")
