"""The download view: who gets the file, and how it is served.

Decision under test: missing and forbidden look the same. A signed-in user without access gets
404; an anonymous visitor is sent to the login page for every id (existing or not).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from auditlog.models import LogEntry
from django.test import Client

from cluster_portal.files.models import Attachment
from cluster_portal.files.permissions import (
    register_attachment_access,
)
from cluster_portal.files.services import attachment_create
from members.models import Organization
from tests.members.factories import UserFactory

from .samples import PDF_BYTES, png_bytes, upload

pytestmark = pytest.mark.django_db

NAME = "Carta de compromiso \u2013 Año 2026.pdf"


@pytest.fixture
def attachment(private_dir: Path, organization, user) -> Attachment:
    return attachment_create(
        actor=user,
        target=organization,
        uploaded_file=upload(NAME, PDF_BYTES),
        purpose="commitment_letter",
    )


def _download(client: Client, attachment_id: object) -> object:
    return client.get(f"/files/{attachment_id}/download/")


@pytest.mark.usefixtures("staff_may_download_org_files")
def test_authorized_user_downloads_the_file(attachment: Attachment, staff_user) -> None:
    client = Client()
    client.force_login(staff_user)
    response = _download(client, attachment.pk)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition
    assert 'filename="Carta de compromiso  Ano 2026.pdf"' in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.usefixtures("staff_may_download_org_files")
def test_image_is_still_a_download_with_its_detected_type(
    private_dir: Path, organization, staff_user
) -> None:
    logo = attachment_create(
        actor=staff_user,
        target=organization,
        uploaded_file=upload("logo.png", png_bytes(), content_type="text/html"),
        purpose="logo",
    )
    client = Client()
    client.force_login(staff_user)
    response = _download(client, logo.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"  # detected, not what the browser claimed
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.usefixtures("staff_may_download_org_files")
def test_download_is_recorded_as_access(attachment: Attachment, staff_user) -> None:
    client = Client()
    client.force_login(staff_user)
    _download(client, attachment.pk)
    entry = LogEntry.objects.get(object_pk=str(attachment.pk), action=LogEntry.Action.ACCESS)
    assert entry.actor == staff_user


@pytest.mark.usefixtures("staff_may_download_org_files")
def test_user_without_access_gets_404(attachment: Attachment, user) -> None:
    client = Client()
    client.force_login(user)
    assert _download(client, attachment.pk).status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


@pytest.mark.usefixtures("staff_may_download_org_files")
def test_unknown_id_gets_the_same_404(staff_user) -> None:
    client = Client()
    client.force_login(staff_user)
    assert _download(client, uuid.uuid4()).status_code == 404


@pytest.mark.usefixtures("staff_may_download_org_files")
def test_anonymous_is_sent_to_login_whether_or_not_the_file_exists(
    attachment: Attachment,
) -> None:
    client = Client()
    existing = _download(client, attachment.pk)
    missing = _download(client, uuid.uuid4())
    assert existing.status_code == missing.status_code == 302
    assert existing["Location"].startswith("/accounts/login/?next=/files/")
    assert missing["Location"].startswith("/accounts/login/?next=/files/")


def test_predicate_may_allow_anonymous_downloads(private_dir: Path, organization, user) -> None:
    """A public logo, for instance: the predicate decides, even for visitors."""
    register_attachment_access(Organization, lambda u, org: org.is_public, purpose="logo")
    logo = attachment_create(
        actor=user,
        target=organization,
        uploaded_file=upload("l.png", png_bytes()),
        purpose="logo",
    )
    letter = attachment_create(
        actor=user,
        target=organization,
        uploaded_file=upload("c.pdf", PDF_BYTES),
        purpose="commitment_letter",
    )
    client = Client()
    assert _download(client, logo.pk).status_code == 200
    # The purpose-specific rule does not open the organization's other files.
    assert _download(client, letter.pk).status_code == 302
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_unregistered_models_are_superuser_only(private_dir: Path, user, staff_user) -> None:
    """Default deny: staff are not enough where no rule was registered."""
    file_on_user = attachment_create(
        actor=user, target=user, uploaded_file=upload("cv.pdf", PDF_BYTES), purpose="cv"
    )
    owner, staff, superuser = Client(), Client(), Client()
    owner.force_login(user)
    staff.force_login(staff_user)
    superuser.force_login(UserFactory(is_staff=True, is_superuser=True, totp=True))
    assert _download(owner, file_on_user.pk).status_code == 404
    assert _download(staff, file_on_user.pk).status_code == 404
    assert _download(superuser, file_on_user.pk).status_code == 200


@pytest.mark.usefixtures("staff_may_download_org_files")
def test_inactive_superuser_is_not_let_in(attachment: Attachment) -> None:
    from cluster_portal.files.permissions import can_download_attachment

    ghost = UserFactory(is_superuser=True, is_active=False)
    assert can_download_attachment(ghost, attachment) is False


def test_attachment_of_a_deleted_record_is_superuser_only(private_dir: Path, staff_user) -> None:
    """A target without a GenericRelation leaves its attachments behind when deleted."""
    from members.models import User

    person = UserFactory()
    attachment = attachment_create(
        actor=staff_user, target=person, uploaded_file=upload("a.pdf", PDF_BYTES), purpose="doc"
    )
    register_attachment_access(User, lambda u, target: True)
    client = Client()
    client.force_login(staff_user)
    assert _download(client, attachment.pk).status_code == 200
    User.objects.filter(pk=person.pk).delete()
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert _download(client, attachment.pk).status_code == 404
    superuser = Client()
    superuser.force_login(UserFactory(is_staff=True, is_superuser=True, totp=True))
    assert _download(superuser, attachment.pk).status_code == 200


@pytest.mark.usefixtures("staff_may_download_org_files")
def test_missing_file_on_disk_is_404_not_500(attachment: Attachment, staff_user) -> None:
    attachment.file.storage.delete(attachment.file.name)
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    assert _download(client, attachment.pk).status_code == 404


@pytest.mark.usefixtures("staff_may_download_org_files")
def test_only_safe_methods(attachment: Attachment, staff_user) -> None:
    client = Client(enforce_csrf_checks=False)
    client.force_login(staff_user)
    assert client.post(f"/files/{attachment.pk}/download/").status_code == 405
    assert client.head(f"/files/{attachment.pk}/download/").status_code == 200


def test_malformed_id_is_404(client: Client) -> None:
    assert client.get("/files/not-a-uuid/download/").status_code == 404


def test_a_rule_can_skip_auditing_downloads(private_dir: Path, organization, staff_user) -> None:
    register_attachment_access(
        Organization, lambda u, org: True, purpose="logo", audit_downloads=False
    )
    logo = attachment_create(
        actor=staff_user,
        target=organization,
        uploaded_file=upload("l.png", png_bytes()),
        purpose="logo",
    )
    client = Client()
    client.force_login(staff_user)
    assert _download(client, logo.pk).status_code == 200
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
