"""The hot lists stay fast: nested data without per-row serializers, cached filter choices,
logos re-encoded with a small rendition the directory uses, logo downloads without writes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from PIL import Image

from cluster_portal.files.models import Attachment
from cluster_portal.files.storage import PrivateFileSystemStorage
from members.api.serializers import (
    CapabilitySerializer,
    OrganizationRefSerializer,
    TeamMemberSerializer,
    capability_data,
    organization_ref_data,
    team_member_data,
)
from members.filters import OrganizationFilter
from members.models import Capability, Organization
from members.selectors.organizations import capability_choices, organization_logo
from members.services.organizations import organization_update
from tests.members.factories import (
    CapabilityFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_plain_nested_data_equals_the_documented_serializers() -> None:
    capability = CapabilityFactory(dimension=Capability.Dimension.COMMODITY)
    organization = OrganizationFactory(trade_name="Nombre Comercial")
    member = OrganizationMemberFactory(organization=organization, position="Gerente")
    assert capability_data(capability) == CapabilitySerializer(capability).data
    assert organization_ref_data(organization) == OrganizationRefSerializer(organization).data
    assert team_member_data(member) == TeamMemberSerializer(member).data


def _capability_queries(ctx: CaptureQueriesContext) -> int:
    return sum(
        1
        for q in ctx.captured_queries
        if 'FROM "members_capability"' in q["sql"] and "organization_id" not in q["sql"]
    )


@translation.override("es")
def test_filter_choices_are_cached_and_refreshed_when_a_term_changes() -> None:
    term = CapabilityFactory(dimension=Capability.Dimension.COMMODITY, name_es="Litio")
    OrganizationFilter({})  # fills the cache
    with CaptureQueriesContext(connection) as ctx:
        form = OrganizationFilter({}).form
        choices = dict(form.fields["commodity"].choices)
    assert _capability_queries(ctx) == 0
    assert choices[term.slug] == "Litio"

    term.name_es = "Litio (salmueras)"
    term.save()
    assert dict(OrganizationFilter({}).form.fields["commodity"].choices)[term.slug] == (
        "Litio (salmueras)"
    )
    term.delete()
    assert term.slug not in {c.slug for c in capability_choices(Capability.Dimension.COMMODITY)}


def test_directory_does_not_query_the_taxonomy_for_its_filters(client: Client) -> None:
    OrganizationFactory.create_batch(3)
    client.get("/members/directory/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/members/directory/")
    assert response.status_code == 200
    assert _capability_queries(ctx) == 0


# --- Logos ---------------------------------------------------------------------------------


@pytest.fixture
def private_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    storage = PrivateFileSystemStorage(location=str(tmp_path))
    for name in ("file", "thumbnail"):
        monkeypatch.setattr(Attachment._meta.get_field(name), "storage", storage)
    return tmp_path


def _photo_with_exif(size: tuple[int, int] = (3000, 1500)) -> bytes:
    exif = Image.Exif()
    exif[0x0131] = "SecretSoftware 1.0"
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 90, 160)).save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


@pytest.fixture
def logo_of(private_dir: Path):
    def make(organization: Organization) -> Attachment:
        staff = UserFactory(is_staff=True, is_superuser=True)
        organization_update(
            actor=staff,
            organization=organization,
            logo=SimpleUploadedFile("logo.jpg", _photo_with_exif()),
        )
        logo = organization_logo(organization)
        assert logo is not None
        return logo

    return make


def test_uploaded_logo_is_reencoded_capped_and_has_a_rendition(logo_of) -> None:
    logo = logo_of(OrganizationFactory())
    with logo.file.open("rb") as handle:
        content = handle.read()
    assert b"SecretSoftware" not in content
    image = Image.open(io.BytesIO(content))
    assert max(image.size) == 1024
    assert not image.getexif()
    with logo.thumbnail.open("rb") as handle:
        assert max(Image.open(io.BytesIO(handle.read())).size) == 160


def test_directory_shows_the_small_rendition(client: Client, logo_of) -> None:
    logo = logo_of(OrganizationFactory(legal_name="Minera del Logo S.A.", trade_name=""))
    response = client.get("/members/directory/")
    body = response.content.decode()
    assert "Minera del Logo" in body
    assert f'src="{logo.get_thumbnail_url()}"' in body
    assert "?size=small" in logo.get_thumbnail_url()


def _count_writes(client: Client, url: str) -> tuple[object, int]:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    return response, len(writes)


@pytest.mark.parametrize("signed_in", [False, True])
def test_logo_download_writes_nothing_and_is_cacheable(logo_of, signed_in: bool) -> None:
    logo = logo_of(OrganizationFactory(is_public=True))
    client = Client()
    if signed_in:
        client.force_login(OrganizationMemberFactory().user)
    for url in (logo.get_download_url(), logo.get_thumbnail_url()):
        response, writes = _count_writes(client, url)
        assert response.status_code == 200
        assert writes == 0
        assert "public" in response["Cache-Control"]
        assert "max-age" in response["Cache-Control"]
        assert response["ETag"]
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_private_members_logo_is_cacheable_by_the_browser_only(logo_of) -> None:
    organization = OrganizationFactory(is_public=False)
    logo = logo_of(organization)
    assert Client().get(logo.get_download_url()).status_code == 302  # visitors: login
    client = Client()
    client.force_login(OrganizationMemberFactory().user)  # a member of another active org
    response = client.get(logo.get_download_url())
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
