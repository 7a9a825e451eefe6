"""The organization forms' fields: a website typed without its scheme, explicit empty choices
(no "---------", no silently preselected region) and reference clients limited to what the
editor may see, shown as a filterable checkbox list."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from members.forms.membership import OrganizationApplicationForm
from members.forms.organizations import OrganizationForm, WebsiteField
from members.models import Organization
from tests.members.factories import (
    OrganizationFactory,
    OrganizationMemberFactory,
    make_ruc,
)

pytestmark = pytest.mark.django_db


def application_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "legal_name": "Metalsur Ingenieros S.A.C.",
        "trade_name": "Metalsur",
        "ruc": make_ruc(7301),
        "kind": Organization.Kind.METS_SUPPLIER,
        "region": "arequipa",
        "city": "Arequipa",
        "website": "www.metalsur.pe",
        "motivation": "Queremos aportar al clúster.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("www.metalsur.pe", "https://www.metalsur.pe"),
        ("metalsur.pe/contacto", "https://metalsur.pe/contacto"),
        ("http://metalsur.pe", "http://metalsur.pe"),
        ("  https://www.metalsur.pe  ", "https://www.metalsur.pe"),
        ("", ""),
    ],
)
def test_website_accepts_a_bare_domain_and_adds_https(typed: str, stored: str) -> None:
    assert WebsiteField(required=False).clean(typed) == stored


@pytest.mark.parametrize("typed", ["not a website", "https://", "metalsur", "javascript:alert(1)"])
def test_website_is_still_validated_on_the_server(typed: str) -> None:
    form = OrganizationApplicationForm(data=application_data(website=typed))
    assert not form.is_valid()
    assert "website" in form.errors


def test_website_renders_as_text_so_the_browser_does_not_refuse_a_bare_domain() -> None:
    html = str(OrganizationApplicationForm()["website"])
    assert 'type="text"' in html
    assert 'inputmode="url"' in html
    assert 'type="url"' not in html


def test_application_form_normalises_the_website() -> None:
    form = OrganizationApplicationForm(data=application_data())
    assert form.is_valid(), form.errors
    assert form.organization_data()["website"] == "https://www.metalsur.pe"


def test_kind_select_has_an_explicit_translated_empty_label() -> None:
    with translation.override("en"):
        html = str(OrganizationApplicationForm()["kind"])
        assert '<option value="" selected>Select the kind…</option>' in html
        assert "---------" not in html
    with translation.override("es"):
        assert "---------" not in str(OrganizationApplicationForm()["kind"])


def test_region_is_not_preselected_and_must_be_chosen() -> None:
    form = OrganizationApplicationForm()
    html = str(form["region"])
    assert '<option value="" selected>' in html
    assert "selected" not in html.replace('<option value="" selected>', "")
    bound = OrganizationApplicationForm(data=application_data(region=""))
    assert not bound.is_valid()
    assert "region" in bound.errors
    # The model's default (Arequipa) is not slipped in either.
    assert bound.cleaned_data.get("region") in (None, "")


def test_region_given_as_initial_is_kept() -> None:
    html = str(OrganizationApplicationForm(initial={"region": "cusco"})["region"])
    assert '<option value="cusco" selected>' in html


def test_profile_form_of_an_existing_organization_keeps_its_region() -> None:
    organization = OrganizationFactory(region="puno")
    admin = OrganizationMemberFactory(organization=organization, role="admin").user
    form = OrganizationForm(instance=organization, user=admin)
    assert '<option value="puno" selected>' in str(form["region"])
    assert "---------" not in str(form["kind"])


def test_reference_clients_offer_only_organizations_the_editor_may_see() -> None:
    public = OrganizationFactory(trade_name="Pública Minera", is_public=True)
    private = OrganizationFactory(trade_name="Privada Minera", is_public=False)
    applicant = OrganizationFactory(
        trade_name="Postulante", membership_status=Organization.MembershipStatus.APPLICANT
    )
    # The admin of an organization that has only applied sees the public directory only.
    own = OrganizationFactory(membership_status=Organization.MembershipStatus.APPLICANT)
    applicant_admin = OrganizationMemberFactory(organization=own, role="admin").user
    offered = set(
        OrganizationForm(instance=own, user=applicant_admin)
        .fields["reference_clients"]
        .queryset.values_list("pk", flat=True)
    )
    assert public.pk in offered
    assert private.pk not in offered
    assert applicant.pk not in offered
    assert own.pk not in offered

    # A member of the cluster also sees (and may name) private members, never applicants.
    member_org = OrganizationFactory()
    member_admin = OrganizationMemberFactory(organization=member_org, role="admin").user
    offered = set(
        OrganizationForm(instance=member_org, user=member_admin)
        .fields["reference_clients"]
        .queryset.values_list("pk", flat=True)
    )
    assert {public.pk, private.pk} <= offered
    assert applicant.pk not in offered
    assert member_org.pk not in offered


def test_a_reference_client_that_is_not_offered_is_refused() -> None:
    private = OrganizationFactory(is_public=False)
    own = OrganizationFactory(membership_status=Organization.MembershipStatus.APPLICANT)
    admin = OrganizationMemberFactory(organization=own, role="admin").user
    form = OrganizationForm(instance=own, user=admin, data={"reference_clients": [private.pk]})
    form.is_valid()
    assert "reference_clients" in form.errors


def test_reference_clients_are_a_filterable_checkbox_list() -> None:
    organization = OrganizationFactory()
    OrganizationFactory(trade_name="Cliente Uno")
    admin = OrganizationMemberFactory(organization=organization, role="admin").user
    form = OrganizationForm(instance=organization, user=admin)
    html = str(form["reference_clients"])
    assert 'type="checkbox"' in html
    assert "<select" not in html
    assert getattr(form.fields["reference_clients"], "filterable", False) is True
