"""Organization profiles: the model's rules, the services, the profile and edit pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cluster_portal.files.models import Attachment
from cluster_portal.files.storage import PrivateFileSystemStorage
from members.models import Capability, Organization, OrganizationMember
from members.services.organizations import organization_create, organization_update
from members.validators import ruc_check_digit
from tests.files.samples import PDF_BYTES, png_bytes, upload
from tests.members.factories import (
    CapabilityFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
    make_ruc,
)

pytestmark = pytest.mark.django_db

VALID_RUC = make_ruc(55_555_555)
BAD_CHECK_DIGIT = VALID_RUC[:10] + str((int(VALID_RUC[10]) + 1) % 10)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def private_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    location = tmp_path / "private"
    location.mkdir()
    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", PrivateFileSystemStorage(location=str(location)))
    return location


@pytest.fixture
def org_admin(db):
    membership = OrganizationMemberFactory(role=OrganizationMember.Role.ADMIN)
    return membership.user, membership.organization


def _messages(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return [str(m) for m in exc.value.message_dict[field]]


# --- RUC ----------------------------------------------------------------------------------


def test_make_ruc_factory_helper_is_valid() -> None:
    assert ruc_check_digit(VALID_RUC[:10]) == int(VALID_RUC[10])


@pytest.mark.parametrize(
    ("ruc", "message"),
    [
        ("2010000000", "A RUC has exactly 11 digits."),
        ("2010000000A", "A RUC has exactly 11 digits."),
        ("", "This field cannot be blank."),
        ("30100000001", "A RUC starts with 10, 15, 16, 17 or 20."),
        (BAD_CHECK_DIGIT, "This RUC is not valid: its check digit does not match (SUNAT)."),
    ],
)
def test_create_with_invalid_ruc_gives_a_clear_error_and_creates_nothing(
    english, user, ruc: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        organization_create(
            actor=user, legal_name="Minera Prueba S.A.", ruc=ruc, kind="mets", region="arequipa"
        )
    assert message in _messages(exc, "ruc")
    assert Organization.objects.count() == 0


def test_create_with_duplicate_ruc_is_refused(english, user) -> None:
    OrganizationFactory(ruc=VALID_RUC)
    with pytest.raises(ValidationError) as exc:
        organization_create(actor=user, legal_name="Otra S.A.", ruc=VALID_RUC, kind="mets")
    assert _messages(exc, "ruc") == ["An organization with this RUC is already registered."]
    assert Organization.objects.count() == 1


def test_staff_update_to_a_duplicate_ruc_changes_nothing(english, staff_user) -> None:
    taken = OrganizationFactory()
    organization = OrganizationFactory(legal_name="Original S.A.")
    with pytest.raises(ValidationError) as exc:
        organization_update(
            actor=staff_user, organization=organization, ruc=taken.ruc, legal_name="Cambiado S.A."
        )
    assert _messages(exc, "ruc") == ["An organization with this RUC is already registered."]
    organization.refresh_from_db()
    assert organization.legal_name == "Original S.A."
    assert organization.ruc != taken.ruc


# --- Kind-dependent fields ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "values", "field", "message"),
    [
        ("mining", {}, "mining_scale", "Choose the mining scale of a mining company."),
        ("mets", {"mining_scale": "large"}, "mining_scale", "Only mining companies have"),
        ("government", {}, "government_level", "Choose the level of a government institution."),
        ("academia", {"government_level": "local"}, "government_level", "Only government"),
    ],
)
def test_kind_dependent_fields(english, user, kind, values, field, message) -> None:
    with pytest.raises(ValidationError) as exc:
        organization_create(actor=user, legal_name="X S.A.", ruc=VALID_RUC, kind=kind, **values)
    assert any(m.startswith(message) for m in _messages(exc, field))
    assert not Organization.objects.exists()


def test_create_mining_company_with_capabilities_and_admin(user) -> None:
    copper = CapabilityFactory(dimension="commodity", slug="copper")
    water = CapabilityFactory(dimension="service_area", slug="water")
    client = OrganizationFactory()
    organization = organization_create(
        actor=user,
        legal_name="  Minera Nueva S.A.  ",
        ruc=f" {VALID_RUC} ",
        kind="mining",
        mining_scale="small",
        region="puno",
        capabilities=[copper, water],
        reference_clients=[client],
        add_actor_as_admin=True,
    )
    assert organization.legal_name == "Minera Nueva S.A."
    assert organization.ruc == VALID_RUC
    assert organization.membership_status == Organization.MembershipStatus.NONE
    assert set(organization.capabilities.all()) == {copper, water}
    assert list(organization.reference_clients.all()) == [client]
    assert organization.memberships.get().role == "admin"
    assert organization.created_by == user


def test_create_rejects_unknown_fields(user) -> None:
    with pytest.raises(TypeError):
        organization_create(
            actor=user, legal_name="X", ruc=VALID_RUC, kind="mets", membership_status="active"
        )


# --- Update -------------------------------------------------------------------------------


def test_admin_updates_profile_capabilities_and_clients(org_admin) -> None:
    admin, organization = org_admin
    gold = CapabilityFactory(dimension="commodity", slug="gold")
    client = OrganizationFactory()
    updated = organization_update(
        actor=admin,
        organization=organization,
        trade_name="Nuevo Nombre",
        is_public=False,
        capabilities=[gold],
        reference_clients=[client],
    )
    assert updated.trade_name == "Nuevo Nombre"
    assert updated.is_public is False
    assert list(updated.capabilities.all()) == [gold]
    assert list(updated.reference_clients.all()) == [client]


def test_plain_member_and_outsider_cannot_update(org_admin) -> None:
    _admin, organization = org_admin
    member = OrganizationMemberFactory(organization=organization).user
    for actor in (member, UserFactory()):
        with pytest.raises(PermissionDenied):
            organization_update(actor=actor, organization=organization, city="Tacna")
    organization.refresh_from_db()
    assert organization.city == "Arequipa"


def test_only_staff_change_the_ruc(org_admin, staff_user) -> None:
    admin, organization = org_admin
    with pytest.raises(PermissionDenied):
        organization_update(actor=admin, organization=organization, ruc=VALID_RUC)
    # Passing the unchanged RUC is fine.
    organization_update(actor=admin, organization=organization, ruc=organization.ruc)
    organization_update(actor=staff_user, organization=organization, ruc=VALID_RUC)
    organization.refresh_from_db()
    assert organization.ruc == VALID_RUC


def test_only_staff_change_the_legal_name(org_admin, staff_user) -> None:
    admin, organization = org_admin
    original = organization.legal_name
    with pytest.raises(PermissionDenied):
        organization_update(
            actor=admin, organization=organization, legal_name="Otra Empresa Conocida S.A."
        )
    organization.refresh_from_db()
    assert organization.legal_name == original
    organization_update(actor=admin, organization=organization, legal_name=original)
    organization_update(actor=staff_user, organization=organization, legal_name="Corregida S.A.C.")
    organization.refresh_from_db()
    assert organization.legal_name == "Corregida S.A.C."


def test_organization_cannot_be_its_own_reference_client(english, org_admin) -> None:
    admin, organization = org_admin
    with pytest.raises(ValidationError) as exc:
        organization_update(
            actor=admin, organization=organization, reference_clients=[organization]
        )
    assert "own reference client" in _messages(exc, "reference_clients")[0]


def test_kind_change_without_scale_changes_nothing(english, org_admin) -> None:
    admin, organization = org_admin
    with pytest.raises(ValidationError):
        organization_update(
            actor=admin, organization=organization, kind="mining", city="Ilo", capabilities=[]
        )
    organization.refresh_from_db()
    assert (organization.kind, organization.city) == ("mets", "Arequipa")


# --- Logo ---------------------------------------------------------------------------------


def test_logo_upload_replaces_previous_and_rejects_non_images(
    english, private_dir, org_admin
) -> None:
    admin, organization = org_admin
    organization_update(actor=admin, organization=organization, logo=upload("a.png", png_bytes()))
    organization_update(actor=admin, organization=organization, logo=upload("b.png", png_bytes()))
    logos = organization.attachments.filter(purpose="logo")
    assert [a.original_name for a in logos] == ["b.png"]

    with pytest.raises(ValidationError) as exc:
        organization_update(
            actor=admin, organization=organization, city="Ilo", logo=upload("c.pdf", PDF_BYTES)
        )
    assert "not an accepted type" in _messages(exc, "logo")[0]
    organization.refresh_from_db()
    assert organization.city == "Arequipa"
    assert [a.original_name for a in logos.all()] == ["b.png"]

    organization_update(actor=admin, organization=organization, remove_logo=True)
    assert not logos.all().exists()


def test_public_logo_is_downloadable_by_anyone_private_only_by_members(
    private_dir, org_admin
) -> None:
    admin, organization = org_admin
    organization_update(actor=admin, organization=organization, logo=upload("a.png", png_bytes()))
    logo = organization.attachments.get()
    url = logo.get_download_url()
    assert Client().get(url).status_code == 200

    organization.is_public = False
    organization.save()
    assert Client().get(url).status_code == 302  # visitors: login (the file is not revealed)
    outsider = Client()
    outsider.force_login(UserFactory())
    assert outsider.get(url).status_code == 404
    member = Client()
    member.force_login(OrganizationMemberFactory().user)  # member of another active org
    assert member.get(url).status_code == 200


# --- Pages --------------------------------------------------------------------------------


def test_profile_renders_sanitized_markdown(client: Client) -> None:
    organization = OrganizationFactory(
        description="**Fuerte** <script>alert(1)</script> [x](javascript:alert(2))"
    )
    body = client.get(reverse("members:organization_detail", args=[organization.pk])).content
    html = body.decode()
    assert "<strong>Fuerte</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "javascript:alert" not in html


def test_profile_hides_member_fields_from_visitors(client: Client) -> None:
    organization = OrganizationFactory(
        employee_band="51-200", certifications="ISO 9001", other_reference_clients="Minera X"
    )
    url = reverse("members:organization_detail", args=[organization.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ISO 9001" not in html
    assert "Minera X" not in html
    assert 'data-testid="member-details"' not in html
    assert "Members of the cluster see more" in html

    client.force_login(OrganizationMemberFactory().user)
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ISO 9001" in html
    assert "Minera X" in html
    assert "51 to 200 employees" in html


def test_edit_page_saves_profile(client: Client, org_admin) -> None:
    admin, organization = org_admin
    copper = CapabilityFactory(dimension="commodity", slug="copper")
    water = CapabilityFactory(dimension="service_area", slug="water")
    client.force_login(admin)
    url = reverse("members:organization_edit", args=[organization.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    for name in ("ruc", "legal_name"):
        assert f'name="{name}"' in page.content.decode()
        assert "disabled" in page.content.decode().split(f'name="{name}"')[1].split(">")[0]

    response = client.post(
        url,
        {
            "legal_name": "Empresa Suplantada S.A.",  # ignored: read-only for non-staff
            "trade_name": "Andina",
            "ruc": VALID_RUC,  # ignored: the field is read-only for non-staff
            "kind": "mets",
            "region": "tacna",
            "city": "Tacna",
            "website": "andina.pe",
            "description": "Hola",
            "employee_band": "11-50",
            "certifications": "",
            "other_reference_clients": "",
            "commodities": [copper.pk],
            "service_areas": [water.pk],
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.trade_name == "Andina"
    assert organization.website == "https://andina.pe"
    assert organization.ruc != VALID_RUC
    assert organization.legal_name != "Empresa Suplantada S.A."
    assert set(organization.capabilities.all()) == {copper, water}


def test_edit_page_shows_ruc_errors_and_changes_nothing(client: Client, staff_user) -> None:
    organization = OrganizationFactory(kind="mining", legal_name="Minera Uno S.A.")
    taken = OrganizationFactory()
    client.force_login(staff_user)
    url = reverse("members:organization_edit", args=[organization.pk])
    base = {
        "legal_name": "Cambiado S.A.",
        "kind": "mining",
        "mining_scale": "large",
        "region": "arequipa",
    }
    for ruc, message in (
        ("123", "A RUC has exactly 11 digits."),
        (BAD_CHECK_DIGIT, "its check digit does not match"),
        (taken.ruc, "An organization with this RUC is already registered."),
    ):
        response = client.post(url, {**base, "ruc": ruc}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        assert "Nothing has been saved." in html
    organization.refresh_from_db()
    assert organization.legal_name == "Minera Uno S.A."


def test_edit_page_kind_rules(client: Client, staff_user) -> None:
    organization = OrganizationFactory()
    client.force_login(staff_user)
    url = reverse("members:organization_edit", args=[organization.pk])
    response = client.post(
        url,
        {"legal_name": "X", "ruc": organization.ruc, "kind": "mining", "region": "arequipa"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Choose the mining scale of a mining company." in response.content.decode()
    organization.refresh_from_db()
    assert organization.kind == "mets"


def test_edit_page_logo_upload(client: Client, private_dir, org_admin) -> None:
    admin, organization = org_admin
    client.force_login(admin)
    url = reverse("members:organization_edit", args=[organization.pk])
    data = {
        "legal_name": organization.legal_name,
        "kind": "mets",
        "region": "arequipa",
        "is_public": "on",
    }
    response = client.post(url, {**data, "logo": upload("logo.pdf", PDF_BYTES)})
    assert response.status_code == 200
    assert not Attachment.objects.exists()
    response = client.post(url, {**data, "logo": upload("logo.png", png_bytes())})
    assert response.status_code == 302
    logo = organization.attachments.get(purpose="logo")
    profile = client.get(reverse("members:organization_detail", args=[organization.pk]))
    assert logo.get_download_url() in profile.content.decode()


def _reference_client_options(client: Client, organization: Organization) -> str:
    html = client.get(
        reverse("members:organization_edit", args=[organization.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    return html.split('name="reference_clients"')[1].split("</select>")[0]


def test_reference_clients_offered_are_those_the_editor_may_see(client: Client) -> None:
    """An applicant's admin is a visitor of the directory: the reference-client list must not
    reveal private members (nor organizations outside the cluster)."""
    private = OrganizationFactory(trade_name="Privada Confidencial", is_public=False)
    public = OrganizationFactory(trade_name="Publica Visible")
    OrganizationFactory(
        trade_name="Suspendida Oculta", membership_status=Organization.MembershipStatus.SUSPENDED
    )
    applicant = OrganizationFactory(
        trade_name="Postulante", membership_status=Organization.MembershipStatus.APPLICANT
    )
    applicant_admin = OrganizationMemberFactory(
        organization=applicant, role=OrganizationMember.Role.ADMIN
    ).user
    client.force_login(applicant_admin)
    options = _reference_client_options(client, applicant)
    assert "Publica Visible" in options
    assert "Privada Confidencial" not in options
    assert "Suspendida Oculta" not in options
    assert "Postulante" not in options  # never its own client

    # A private organization's id cannot be posted either; nothing is saved.
    url = reverse("members:organization_edit", args=[applicant.pk])
    data = {
        "legal_name": applicant.legal_name,
        "kind": "mets",
        "region": "arequipa",
        "is_public": "on",
    }
    response = client.post(
        url, {**data, "reference_clients": [private.pk]}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Privada Confidencial" not in response.content.decode()
    assert not applicant.reference_clients.exists()
    response = client.post(url, {**data, "reference_clients": [public.pk]})
    assert response.status_code == 302
    assert list(applicant.reference_clients.all()) == [public]

    # A cluster member's admin sees private members too.
    member_admin = OrganizationMemberFactory(role=OrganizationMember.Role.ADMIN)
    member_org = member_admin.organization
    client.force_login(member_admin.user)
    options = _reference_client_options(client, member_org)
    assert "Privada Confidencial" in options
    assert "Suspendida Oculta" not in options


def test_reference_clients_already_named_stay_selectable(client: Client) -> None:
    private = OrganizationFactory(trade_name="Privada Confidencial", is_public=False)
    applicant = OrganizationFactory(membership_status=Organization.MembershipStatus.APPLICANT)
    applicant.reference_clients.set([private])
    admin = OrganizationMemberFactory(organization=applicant, role=OrganizationMember.Role.ADMIN)
    client.force_login(admin.user)
    options = _reference_client_options(client, applicant)
    assert "Privada Confidencial" in options
    response = client.post(
        reverse("members:organization_edit", args=[applicant.pk]),
        {
            "legal_name": applicant.legal_name,
            "kind": "mets",
            "region": "arequipa",
            "reference_clients": [private.pk],
        },
    )
    assert response.status_code == 302
    assert list(applicant.reference_clients.all()) == [private]


def test_capability_taxonomy_is_seeded_by_migration() -> None:
    counts = {
        dimension: Capability.objects.filter(dimension=dimension).count()
        for dimension in Capability.Dimension.values
    }
    assert counts == {"value_chain": 6, "service_area": 9, "commodity": 8}
    copper = Capability.objects.get(dimension="commodity", slug="copper")
    assert (copper.name_es, copper.name_en) == ("Cobre", "Copper")
    with translation.override("en"):
        assert str(copper) == "Copper"


def test_logo_is_found_for_any_organization_id(private_dir, staff_user) -> None:
    """Regression: a reverse generic lookup matched ids as UUIDs (id 14 ≠ UUID 0x14)."""
    organizations = [OrganizationFactory() for _ in range(16)]
    target = organizations[-1]
    assert target.pk >= 16
    organization_update(actor=staff_user, organization=target, logo=upload("logo.png", png_bytes()))
    organization_update(
        actor=staff_user, organization=target, logo=upload("logo2.png", png_bytes())
    )
    assert target.attachments.count() == 1
    logo = target.attachments.get()
    directory = Client().get(reverse("members:directory"), {"q": target.legal_name})
    assert logo.get_download_url() in directory.content.decode()
    profile = Client().get(reverse("members:organization_detail", args=[target.pk]))
    assert logo.get_download_url() in profile.content.decode()
    api = Client().get(f"/api/v1/organizations/{target.pk}/").json()
    assert api["logo_url"].endswith(logo.get_download_url())
