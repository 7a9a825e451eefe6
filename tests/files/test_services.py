"""attachment_create / attachment_delete and where files end up."""

from __future__ import annotations

from pathlib import Path

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.urls import Resolver404, resolve
from django.utils import translation

from cluster_portal.files.models import Attachment
from cluster_portal.files.selectors import attachment_list_for_target
from cluster_portal.files.services import attachment_create, attachment_delete
from cluster_portal.files.storage import PrivateFileSystemStorage

from .conftest import stored_files
from .samples import EXE_BYTES, HTML_BYTES, PDF_BYTES, png_bytes, upload

pytestmark = pytest.mark.django_db


def test_valid_pdf_is_stored_privately_under_a_random_name(
    private_dir: Path, organization, user
) -> None:
    attachment = attachment_create(
        actor=user,
        target=organization,
        uploaded_file=upload("Carta de compromiso \u2013 Año 2026.pdf", PDF_BYTES),
        purpose="commitment_letter",
    )
    attachment.refresh_from_db()
    assert attachment.target == organization
    assert attachment.original_name == "Carta de compromiso \u2013 Año 2026.pdf"
    assert attachment.mime_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    assert attachment.uploaded_by == user
    assert attachment.purpose == "commitment_letter"
    # The user's name never reaches the disk: a random name with the verified extension.
    assert "Carta" not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")
    assert attachment.file.name.endswith(".pdf")
    files = stored_files(private_dir)
    assert len(files) == 1
    assert files[0].read_bytes() == PDF_BYTES


def test_valid_png_is_accepted(private_dir: Path, organization, user) -> None:
    attachment = attachment_create(
        actor=user,
        target=organization,
        uploaded_file=upload("logo.PNG", png_bytes()),
        purpose="logo",
        allowed_types=["png", "jpeg", "webp"],
    )
    assert attachment.mime_type == "image/png"
    assert attachment.file.name.endswith(".png")


def test_sha256_is_of_the_content(private_dir: Path, organization, user) -> None:
    import hashlib

    attachment = attachment_create(
        actor=user, target=organization, uploaded_file=upload("a.pdf", PDF_BYTES), purpose="doc"
    )
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.pdf", b"not a pdf at all", "The file “x.pdf” is not a valid PDF document."),
        ("report.pdf", EXE_BYTES, "The file “report.pdf” is not a valid PDF document."),
        ("report.pdf", HTML_BYTES, "The file “report.pdf” is not a valid PDF document."),
        ("page.html", HTML_BYTES, "The file “page.html” is not an accepted type."),
        ("big.pdf", PDF_BYTES + b"0" * 4096, "The file “big.pdf” is too large"),
    ],
)
def test_bad_files_are_rejected_and_nothing_is_stored(
    private_dir: Path, organization, user, name: str, content: bytes, message: str
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as exc_info:
        attachment_create(
            actor=user,
            target=organization,
            uploaded_file=upload(name, content, "application/pdf"),
            purpose="doc",
            max_bytes=1024,
        )
    # Messages are lazy: render them in the language the user would read them in.
    with translation.override("en"):
        assert message in " ".join(exc_info.value.messages)
    assert Attachment.objects.count() == 0
    assert stored_files(private_dir) == []


def test_invalid_purpose_is_rejected_and_nothing_is_stored(
    private_dir: Path, organization, user
) -> None:
    with pytest.raises(ValidationError) as exc_info:
        attachment_create(
            actor=user,
            target=organization,
            uploaded_file=upload("a.pdf", PDF_BYTES),
            purpose="../Logo",
        )
    assert "purpose" in exc_info.value.message_dict
    assert Attachment.objects.count() == 0
    assert stored_files(private_dir) == []


def test_unsaved_target_is_refused(private_dir: Path, user) -> None:
    from members.models import Organization

    with pytest.raises(ValueError, match="saved records"):
        attachment_create(
            actor=user,
            target=Organization(legal_name="X"),
            uploaded_file=upload("a.pdf", PDF_BYTES),
            purpose="doc",
        )


def test_delete_removes_row_and_file_after_commit(
    private_dir: Path, organization, user, django_capture_on_commit_callbacks
) -> None:
    attachment = attachment_create(
        actor=user, target=organization, uploaded_file=upload("a.pdf", PDF_BYTES), purpose="doc"
    )
    assert len(stored_files(private_dir)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=user, attachment=attachment)
    assert not Attachment.objects.exists()
    assert stored_files(private_dir) == []


def test_create_and_delete_are_audited_with_the_actor(
    private_dir: Path, organization, user, django_capture_on_commit_callbacks
) -> None:
    with set_actor(user):
        attachment = attachment_create(
            actor=user,
            target=organization,
            uploaded_file=upload("a.pdf", PDF_BYTES),
            purpose="doc",
        )
        attachment_pk = str(attachment.pk)  # delete() resets pk to None
        with django_capture_on_commit_callbacks(execute=True):
            attachment_delete(actor=user, attachment=attachment)
    entries = LogEntry.objects.filter(object_pk=attachment_pk).order_by("timestamp", "pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]
    assert all(e.actor == user for e in entries)


def test_list_for_target(private_dir: Path, organization, user) -> None:
    for purpose in ("logo", "doc", "doc"):
        attachment_create(
            actor=user,
            target=organization,
            uploaded_file=upload("a.pdf", PDF_BYTES),
            purpose=purpose,
        )
    assert attachment_list_for_target(target=organization).count() == 3
    assert attachment_list_for_target(target=organization, purpose="doc").count() == 2


# --- where private files live --------------------------------------------------------------


def _is_within(path: Path, root: str | Path) -> bool:
    return path.resolve().is_relative_to(Path(root).resolve())


def test_the_field_uses_the_private_storage() -> None:
    storage = Attachment._meta.get_field("file").storage
    assert storage is storages["private"]
    assert isinstance(storage, PrivateFileSystemStorage)


def test_private_storage_is_outside_media_and_static_roots() -> None:
    location = Path(storages["private"].location)
    assert not _is_within(location, settings.MEDIA_ROOT)
    assert not _is_within(location, settings.STATIC_ROOT)
    # The production default too (base settings, before the test override).
    from cluster_portal.settings import base

    default = Path(base.STORAGES["private"]["OPTIONS"]["location"])
    assert not _is_within(default, base.MEDIA_ROOT)
    assert not _is_within(default, base.STATIC_ROOT)


def test_stored_file_is_not_under_media_or_static(private_dir: Path, organization, user) -> None:
    attachment = attachment_create(
        actor=user, target=organization, uploaded_file=upload("a.pdf", PDF_BYTES), purpose="doc"
    )
    stored = Path(attachment.file.path)
    assert _is_within(stored, private_dir)
    assert not _is_within(stored, settings.MEDIA_ROOT)
    assert not _is_within(stored, settings.STATIC_ROOT)


def test_private_files_have_no_public_url(private_dir: Path, organization, user) -> None:
    attachment = attachment_create(
        actor=user, target=organization, uploaded_file=upload("a.pdf", PDF_BYTES), purpose="doc"
    )
    with pytest.raises(NotImplementedError):
        _ = attachment.file.url
    assert attachment.get_download_url() == f"/files/{attachment.pk}/download/"


@pytest.mark.parametrize(
    "path",
    ["/media/attachments/x.pdf", "/private_media/attachments/x.pdf", "/.test_private/x.pdf"],
)
def test_no_url_serves_stored_files(path: str) -> None:
    with pytest.raises(Resolver404):
        resolve(path)


def test_deleting_an_organization_removes_its_attachments_and_files(
    private_dir: Path, organization, user, django_capture_on_commit_callbacks
) -> None:
    """Organization declares GenericRelation("files.Attachment"): rows and files go with it."""
    attachment_create(
        actor=user, target=organization, uploaded_file=upload("a.pdf", PDF_BYTES), purpose="doc"
    )
    with django_capture_on_commit_callbacks(execute=True):
        organization.delete()
    assert not Attachment.objects.exists()
    assert stored_files(private_dir) == []
