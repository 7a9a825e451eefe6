"""The members demo dataset: realistic, valid and idempotent."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from cluster_portal.core.peru import SOUTHERN_REGIONS, Region
from cluster_portal.files.models import Attachment
from cluster_portal.files.storage import PrivateFileSystemStorage
from cluster_portal.files.validation import validate_upload
from members import demo
from members.demo import membership as demo_membership
from members.demo import organizations as demo_organizations
from members.models import (
    Capability,
    GoverningBody,
    MembershipApplication,
    Organization,
    OrganizationMember,
    Seat,
    User,
)
from members.validators import validate_ruc
from notifications.models import Notification, OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Demo logos are real uploads: keep them in a per-test directory."""
    location = tmp_path / "private"
    location.mkdir()
    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", PrivateFileSystemStorage(location=str(location)))
    return location


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Organization,
            OrganizationMember,
            GoverningBody,
            Seat,
            Capability,
            MembershipApplication,
            Attachment,
            Organization.capabilities.through,
            Organization.reference_clients.through,
        )
    }


def test_seed_twice_leaves_the_same_data() -> None:
    demo.seed(stdout=io.StringIO())
    first = _counts()
    demo.seed(stdout=io.StringIO())
    assert _counts() == first
    assert first["Organization"] >= 40
    assert first["Attachment"] == len(demo_organizations.LOGO_COLOURS)


def test_seed_demo_command_runs_members_demo() -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "demo data: members ready" in out.getvalue()
    # The services notify the demo's people in the portal, and mail nobody.
    assert Notification.objects.exists()
    assert not OutboxEmail.objects.exists()
    # The members demo plus the applicant organization registered through the membership
    # services by ``demo_membership`` (its application is waiting for more information).
    assert Organization.objects.count() == len(demo_organizations.ORGANIZATIONS) + 1
    assert Organization.objects.filter(
        ruc=demo_membership.INFO_REQUESTED_ORGANIZATION["ruc"],
        membership_status=Organization.MembershipStatus.APPLICANT,
    ).exists()


def test_demo_covers_every_kind_and_region_with_valid_rucs() -> None:
    demo.seed(stdout=io.StringIO())
    organizations = list(Organization.objects.all())
    for organization in organizations:
        validate_ruc(organization.ruc)
        organization.full_clean()
    assert {o.kind for o in organizations} == set(Organization.Kind.values)
    regions = {o.region for o in organizations}
    assert set(SOUTHERN_REGIONS) <= regions
    assert {Region.LIMA, Region.OUTSIDE_PERU} <= regions
    scales = {o.mining_scale for o in organizations if o.kind == Organization.Kind.MINING_COMPANY}
    assert scales == set(Organization.MiningScale.values)
    statuses = {o.membership_status for o in organizations}
    assert {"active", "applicant", "none", "suspended", "lapsed"} <= statuses
    assert any(not o.is_public for o in organizations)
    assert Organization.reference_clients.through.objects.exists()


def test_demo_users_administer_their_organizations_and_governance_is_staffed() -> None:
    demo.seed(stdout=io.StringIO())
    admins = {
        m.user.email: m.organization.trade_name
        for m in OrganizationMember.objects.filter(role="admin").select_related(
            "user", "organization"
        )
    }
    assert admins["ana.torres@minera-chachani.pe"] == "Minera Chachani"
    assert admins["jorge.huaman@andestech.pe"] == "AndesTech"
    assert admins["m.rivera@unsa.edu.pe"] == "UNSA"
    assert User.objects.get(email="secretaria@cmsp.pe").is_staff
    slugs = set(GoverningBody.objects.values_list("slug", flat=True))
    assert {
        "consejo-directivo",
        "comite-innovacion",
        "mesa-agua-relaves",
        "mesa-proveedores",
        "mesa-capital-humano",
        "mesa-regulacion",
    } <= slugs
    for seat in Seat.objects.select_related("organization", "person", "body"):
        seat.full_clean()  # every seat holder belongs to an active member organization
    assert GoverningBody.objects.filter(kind="working_group").count() == 4


def test_demo_logos_are_valid_images_shown_publicly(private_dir: Path) -> None:
    demo.seed(stdout=io.StringIO())
    chachani = Organization.objects.get(trade_name="Minera Chachani")
    logo = chachani.attachments.get(purpose="logo")
    assert logo.mime_type == "image/png"
    with logo.file.open("rb") as handle:
        from django.core.files import File

        validate_upload(File(handle, name="logo.png"), allowed_types=["png"])
    from django.test import Client

    assert Client().get(logo.get_download_url()).status_code == 200
