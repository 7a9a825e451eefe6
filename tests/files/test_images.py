"""Images re-encoded on upload (Pillow) and public images served cacheable without writes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from cluster_portal.files.images import MAX_PIXELS, reencode_image
from cluster_portal.files.models import Attachment
from cluster_portal.files.permissions import register_attachment_access
from cluster_portal.files.services import attachment_create, attachment_delete
from members.models import Organization

from .conftest import stored_files
from .samples import PDF_BYTES, upload

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def photo_bytes(
    size: tuple[int, int] = (2400, 1200), image_format: str = "JPEG", *, exif: bool = True
) -> bytes:
    """A photo with EXIF (camera, GPS-like comment, orientation) and an ICC-like comment."""
    image = Image.new("RGB", size, (200, 40, 40))
    buffer = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "CameraMaker"  # Make
        data[0x0131] = "SecretSoftware 1.0"  # Software
        data[0x0112] = 1  # Orientation
        kwargs["exif"] = data.tobytes()
    image.save(buffer, format=image_format, **kwargs)
    return buffer.getvalue()


def _image(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def test_reencode_strips_metadata_and_caps_the_size() -> None:
    source = photo_bytes()
    assert b"SecretSoftware" in source
    result = reencode_image(io.BytesIO(source), max_side=1024, thumbnail_side=160)
    assert result.image.mime_type == "image/webp"
    assert b"SecretSoftware" not in result.image.content
    stored = _image(result.image.content)
    assert stored.size == (1024, 512)
    assert not stored.getexif()
    assert result.thumbnail is not None
    assert _image(result.thumbnail.content).size == (160, 80)


def test_png_stays_png_and_small_images_are_not_enlarged() -> None:
    result = reencode_image(io.BytesIO(photo_bytes((90, 60), "PNG", exif=False)), max_side=1024)
    assert result.image.mime_type == "image/png"
    assert _image(result.image.content).size == (90, 60)


def test_decompression_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cluster_portal.files.images.MAX_PIXELS", 100 * 100)
    with pytest.raises(ValidationError) as excinfo:
        reencode_image(io.BytesIO(photo_bytes((200, 200), "PNG", exif=False)), name="b.png")
    assert excinfo.value.code == "image_too_many_pixels"
    assert MAX_PIXELS > 100 * 100


def test_truncated_image_is_a_validation_error() -> None:
    content = photo_bytes((300, 300), "PNG", exif=False)[:200]
    with pytest.raises(ValidationError) as excinfo:
        reencode_image(io.BytesIO(content), name="t.png")
    assert excinfo.value.code == "image_invalid"


def test_upload_stores_the_reencoded_image_and_a_rendition(
    private_dir: Path, organization: Organization, user
) -> None:
    attachment = attachment_create(
        actor=user,
        target=organization,
        uploaded_file=upload("Foto del equipo.jpg", photo_bytes()),
        purpose="logo",
        allowed_types=("png", "jpeg", "webp"),
        image_max_side=1024,
        thumbnail_side=160,
    )
    content = _read(attachment.file)
    assert b"SecretSoftware" not in content
    assert _image(content).size == (1024, 512)
    assert attachment.mime_type == "image/webp"
    assert attachment.original_name == "Foto del equipo.webp"
    assert attachment.size == len(content)
    assert _image(_read(attachment.thumbnail)).size == (160, 80)
    assert len(stored_files(private_dir)) == 2
    attachment_delete(actor=user, attachment=attachment)


@pytest.mark.django_db(transaction=True)
def test_deleting_removes_the_rendition_too(
    private_dir: Path, organization: Organization, user
) -> None:
    attachment = attachment_create(
        actor=user,
        target=organization,
        uploaded_file=upload("logo.png", photo_bytes((300, 300), "PNG", exif=False)),
        purpose="logo",
        allowed_types=("png",),
        image_max_side=1024,
        thumbnail_side=160,
    )
    assert len(stored_files(private_dir)) == 2
    attachment_delete(actor=user, attachment=attachment)
    assert stored_files(private_dir) == []


def test_reencoding_documents_is_a_programming_error(
    private_dir: Path, organization: Organization, user
) -> None:
    with pytest.raises(ValueError, match="image kinds"):
        attachment_create(
            actor=user,
            target=organization,
            uploaded_file=upload("a.pdf", PDF_BYTES),
            purpose="letter",
            image_max_side=1024,
        )


# --- Cacheable downloads ---------------------------------------------------------------------


@pytest.fixture
def logo(private_dir: Path, organization: Organization, user) -> Attachment:
    register_attachment_access(
        Organization, lambda viewer, org: org.is_public, purpose="logo", cacheable=True
    )
    return attachment_create(
        actor=user,
        target=organization,
        uploaded_file=upload("logo.png", photo_bytes((400, 200), "PNG", exif=False)),
        purpose="logo",
        allowed_types=("png",),
        image_max_side=1024,
        thumbnail_side=160,
    )


def _writes(client: Client, url: str, **headers: str) -> tuple[object, list[str]]:
    client.get(url, **headers)  # warm: session, content types
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    writes = [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]
    return response, writes


@pytest.mark.parametrize("signed_in", [False, True])
def test_public_logo_download_writes_nothing_and_is_cacheable(
    logo: Attachment, user, signed_in: bool
) -> None:
    client = Client()
    if signed_in:
        client.force_login(user)
    response, writes = _writes(client, logo.get_download_url())
    assert response.status_code == 200
    assert writes == []
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
    assert response["ETag"]
    assert response["Last-Modified"]
    assert b"".join(response.streaming_content) == _read(logo.file)


def test_revalidation_answers_304_without_the_file(logo: Attachment) -> None:
    client = Client()
    first = client.get(logo.get_download_url())
    again = client.get(logo.get_download_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert "max-age=" in again["Cache-Control"]


def test_the_small_rendition_is_served_on_request(logo: Attachment) -> None:
    response = Client().get(logo.get_thumbnail_url())
    assert response.status_code == 200
    assert _image(b"".join(response.streaming_content)).size == (160, 80)
    full = Client().get(logo.get_download_url())
    assert response["ETag"] != full["ETag"]


def test_a_logo_only_members_may_see_is_not_publicly_cacheable(
    logo: Attachment, organization: Organization, user
) -> None:
    register_attachment_access(
        Organization,
        lambda viewer, org: viewer.is_authenticated,
        purpose="logo",
        cacheable=True,
    )
    client = Client()
    client.force_login(user)
    response = client.get(logo.get_download_url())
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


@pytest.mark.usefixtures("staff_may_download_org_files")
def test_private_documents_stay_no_store_and_audited(
    private_dir: Path, organization: Organization, staff_user
) -> None:
    document = attachment_create(
        actor=staff_user,
        target=organization,
        uploaded_file=upload("carta.pdf", PDF_BYTES),
        purpose="commitment_letter",
    )
    client = Client()
    client.force_login(staff_user)
    response = client.get(document.get_download_url())
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 1
    # A document has no rendition: ?size=small is the document itself.
    assert document.get_thumbnail_url() == document.get_download_url()
