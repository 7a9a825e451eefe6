"""Browser journeys around the directory: an organization admin edits the profile (kind-dependent
fields, capabilities, logo), and a visitor browses the governance pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cluster_portal.files.models import Attachment
from cluster_portal.files.storage import PrivateFileSystemStorage
from tests.files.samples import png_bytes
from tests.members.factories import (
    CapabilityFactory,
    GoverningBodyFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    SeatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def private_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    location = tmp_path / "private"
    location.mkdir()
    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", PrivateFileSystemStorage(location=str(location)))
    return location


def test_org_admin_edits_profile(page, login, private_dir) -> None:
    copper = CapabilityFactory(
        dimension="commodity", slug="copper", name_es="Cobre", name_en="Copper"
    )
    organization = OrganizationFactory(
        legal_name="Proveedora Andina S.A.C.", trade_name="Andina", kind="mets"
    )
    admin = OrganizationMemberFactory(organization=organization, role="admin").user
    login(page, admin)
    page.goto(f"/members/organizations/{organization.pk}/")
    page.locator("[data-testid=edit-profile]").click()
    page.wait_for_url(re.compile(r"/edit/$"))

    # The mining scale only appears for mining companies.
    scale = page.locator("select[name=mining_scale]")
    assert not scale.is_visible()
    page.select_option("select[name=kind]", "mining")
    assert scale.is_visible()
    page.select_option("select[name=mining_scale]", "small")
    page.check(f"input[name=commodities][value='{copper.pk}']")
    page.fill("input[name=trade_name]", "Andina Minería")
    page.fill("textarea[name=description]", "Pequeña minería de **cobre**.")
    page.set_input_files(
        "input[name=logo]",
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    page.locator("[data-testid=organization-form] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/members/organizations/{organization.pk}/$"))

    assert page.locator("h1").inner_text() == "Andina Minería"
    assert page.locator("[data-testid=description] strong").inner_text() == "cobre"
    organization.refresh_from_db()
    assert (organization.kind, organization.mining_scale) == ("mining", "small")
    assert list(organization.capabilities.all()) == [copper]
    # The logo shown is the uploaded file, served by the permission-checked download view.
    # (Fetched on its own: on SQLite, the browser's parallel requests of a signed-in session
    # can collide on the session table's write lock.)
    src = page.locator("img.organization-logo").get_attribute("src")
    assert src == organization.attachments.get(purpose="logo").get_download_url()
    response = page.request.get(src)
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"


def test_org_admin_sees_errors_and_nothing_changes(page, login) -> None:
    organization = OrganizationFactory(trade_name="Andina", kind="mets")
    admin = OrganizationMemberFactory(organization=organization, role="admin").user
    login(page, admin)
    page.goto(f"/members/organizations/{organization.pk}/edit/")
    # A mining company needs its mining scale: choosing the kind without one is refused.
    page.select_option("select[name=kind]", "mining")
    page.select_option("select[name=mining_scale]", "")
    page.fill("input[name=trade_name]", "Cambiado")
    page.locator("[data-testid=organization-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger").is_visible()
    assert page.locator("#id_mining_scale.is-invalid").count() == 1
    organization.refresh_from_db()
    assert organization.kind == "mets"
    assert organization.trade_name == "Andina"


def test_visitor_browses_governance(page) -> None:
    chachani = OrganizationFactory(trade_name="Minera Chachani")
    body = GoverningBodyFactory(
        name="Mesa técnica de agua y relaves",
        slug="mesa-agua-relaves",
        description="Gestión **hídrica** y relaves.",
        coordinator=UserFactory(full_name="Óscar Chávez", is_staff=True),
    )
    SeatFactory(body=body, organization=chachani, person__full_name="Ana Torres", role="chair")
    SeatFactory(
        body=body,
        organization=OrganizationFactory(is_public=False, trade_name="Privada SAC"),
        person__full_name="Luis Apaza",
    )

    page.goto("/")
    page.locator("header nav a[href='/members/governance/']").click()
    page.wait_for_url(re.compile(r"/members/governance/$"))
    page.get_by_role("link", name="Mesa técnica de agua y relaves").click()
    page.wait_for_url(re.compile(r"/members/governance/mesa-agua-relaves/$"))
    assert page.locator("h1").inner_text() == "Mesa técnica de agua y relaves"
    assert page.locator("[data-testid=coordinator]").inner_text() == "Óscar Chávez"
    seats = page.locator("[data-testid=seats] tbody tr")
    assert seats.count() == 2
    assert "Privada SAC" not in page.content()
    page.get_by_role("link", name="Minera Chachani").click()
    page.wait_for_url(re.compile(rf"/members/organizations/{chachani.pk}/$"))
    assert page.locator("h1").inner_text() == "Minera Chachani"
