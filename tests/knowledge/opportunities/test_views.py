"""The public opportunity pages (K3): the list (published, visible, filters, rating badges in
words, constant queries) and an opportunity's page (assessments, studies the reader may see,
interested organizations by role, registering and withdrawing interest)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from djmoney.money import Money

from knowledge.models import Article, OpportunityInterest, ValueOpportunity
from members.models import Organization
from tests.knowledge.factories import (
    ArticleFactory,
    OpportunityInterestFactory,
    ValueOpportunityFactory,
)
from tests.knowledge.opportunities.world import editor, login, person_of
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from tests.queries import run_counted

pytestmark = pytest.mark.django_db

LIST = reverse("knowledge:opportunity_list")
Role = OpportunityInterest.Role


def detail(opportunity: ValueOpportunity) -> str:
    return reverse("knowledge:opportunity_detail", args=[opportunity.slug])


def interest_url(opportunity: ValueOpportunity) -> str:
    return reverse("knowledge:opportunity_interest", args=[opportunity.slug])


# --- List ------------------------------------------------------------------------------------


def test_list_shows_published_cards_with_ratings_in_words_and_imports():
    ValueOpportunityFactory(
        product_en="Copper wire rod",
        economic_rating=4,
        financial_rating=3,
        environmental_rating=2,
        import_value=Money(Decimal("120000000.00"), "USD"),
        import_year=2024,
    )
    ValueOpportunityFactory(product_en="Secret draft", status=ValueOpportunity.Status.DRAFT)
    body = login(None).get(LIST).content.decode()
    assert "Copper wire rod" in body
    assert "Secret draft" not in body
    assert "Economic: 4 of 5" in body
    assert "Financial: 3 of 5" in body
    assert "Environmental: 2 of 5" in body
    assert "(2024)" in body
    assert "120,000,000.00" in body or "120.000.000" in body or "120 000 000" in body


def test_members_only_opportunities_are_listed_for_members_and_staff_only():
    ValueOpportunityFactory(product_en="Members moulds", visibility="members")
    assert "Members moulds" not in login(None).get(LIST).content.decode()
    assert "Members moulds" not in login(UserFactory()).get(LIST).content.decode()
    assert "Members moulds" in login(person_of()).get(LIST).content.decode()
    assert "Members moulds" in login(editor()).get(LIST).content.decode()


def test_filters_by_stage_and_product_text():
    ValueOpportunityFactory(product_en="Copper wire rod", stage="manufacturing", hs_code="7408.11")
    ValueOpportunityFactory(
        product="Ánodos", product_en="Copper anodes", stage="smelting", hs_code="7402.00"
    )
    client = login(None)
    body = client.get(LIST, {"stage": "smelting"}).content.decode()
    assert "Copper anodes" in body
    assert "Copper wire rod" not in body
    body = client.get(LIST, {"q": "wire"}).content.decode()
    assert "Copper wire rod" in body
    assert "Copper anodes" not in body
    body = client.get(LIST, {"q": "7402"}).content.decode()
    assert "Copper anodes" in body
    assert "Copper wire rod" not in body
    response = client.get(LIST, {"stage": "mining"})
    assert response.status_code == 200
    assert 'data-testid="no-opportunities"' in response.content.decode()


def test_list_queries_are_constant():
    for n in range(3):
        ValueOpportunityFactory(product_en=f"Product {n}")
    client = login(person_of())
    _response, few = run_counted(6, client.get, LIST, expect=["Product 2"])
    for n in range(3, 12):
        ValueOpportunityFactory(product_en=f"Product {n}")
    _response, many = run_counted(6, client.get, LIST, expect=["Product 11"])
    assert many == few
    anonymous = login(None)
    _response, _visitor = run_counted(2, anonymous.get, LIST, expect=["Product 11"])


# --- Detail ----------------------------------------------------------------------------------


def test_detail_shows_facts_assessments_and_markdown_market():
    opportunity = ValueOpportunityFactory(
        product_en="Copper wire rod",
        hs_code="7408.11.00.00",
        market_notes="Demanda de **cables** <script>alert(1)</script>",
        economic_sources="SUNAT 2024",
        local_capability="Dos fundiciones en Ilo.",
    )
    body = login(None).get(detail(opportunity)).content.decode()
    assert "7408.11.00.00" in body
    assert "<strong>cables</strong>" in body
    assert "<script>alert(1)" not in body
    assert "Demanda local de cables." in body  # economic justification
    assert "SUNAT 2024" in body
    assert "Dos fundiciones en Ilo." in body
    assert 'data-testid="assessment-environmental"' in body


def test_detail_shows_only_the_studies_the_reader_may_see():
    opportunity = ValueOpportunityFactory()
    public = ArticleFactory(title="Estudio público de alambrón")
    members = ArticleFactory(title="Estudio reservado", visibility="members")
    draft = ArticleFactory(title="Borrador de estudio", status=Article.Status.DRAFT)
    opportunity.studies.add(public, members, draft)
    body = login(None).get(detail(opportunity)).content.decode()
    assert "Estudio público de alambrón" in body
    assert "Estudio reservado" not in body
    assert "Borrador de estudio" not in body
    body = login(person_of()).get(detail(opportunity)).content.decode()
    assert "Estudio reservado" in body
    assert "Borrador de estudio" not in body


def test_interested_organizations_by_role_link_to_the_directory_when_visible():
    opportunity = ValueOpportunityFactory()
    visible = OrganizationFactory(trade_name="Cables del Sur")
    private = OrganizationFactory(trade_name="Fundición Privada", is_public=False)
    OpportunityInterestFactory(opportunity=opportunity, organization=visible, role=Role.BUYER)
    OpportunityInterestFactory(opportunity=opportunity, organization=private, role=Role.BUYER)
    body = login(None).get(detail(opportunity)).content.decode()
    profile = reverse("members:organization_detail", args=[visible.pk])
    assert f'href="{profile}"' in body
    assert "Fundición Privada" not in body
    assert "1 more organization" in body
    body = login(person_of()).get(detail(opportunity)).content.decode()
    assert "Fundición Privada" in body


def test_detail_of_a_draft_or_members_only_is_404_to_those_who_may_not_see_it():
    draft = ValueOpportunityFactory(status=ValueOpportunity.Status.DRAFT)
    members = ValueOpportunityFactory(visibility="members")
    assert login(None).get(detail(draft)).status_code == 404
    assert login(person_of()).get(detail(draft)).status_code == 404
    assert login(None).get(detail(members)).status_code == 404
    assert login(person_of()).get(detail(members)).status_code == 200
    response = login(editor()).get(detail(draft))
    assert response.status_code == 200
    assert 'data-testid="draft-banner"' in response.content.decode()


def test_detail_queries_are_constant():
    opportunity = ValueOpportunityFactory(product_en="Copper wire rod")
    person = person_of()
    client = login(person)
    _r, few = run_counted(8, client.get, detail(opportunity), expect=["Copper wire rod"])
    for _ in range(6):
        OpportunityInterestFactory(opportunity=opportunity, role=Role.SUPPLIER)
        opportunity.studies.add(ArticleFactory())
    _r, many = run_counted(8, client.get, detail(opportunity), expect=["Copper wire rod"])
    assert many == few


# --- Register interest -----------------------------------------------------------------------


def test_a_person_with_one_organization_registers_interest_without_choosing_it():
    organization = OrganizationFactory(trade_name="Cables del Sur")
    person = person_of(organization)
    opportunity = ValueOpportunityFactory()
    client = login(person)
    page = client.get(detail(opportunity)).content.decode()
    assert 'data-testid="interest-form"' in page
    assert 'type="hidden" name="organization"' in page
    response = client.post(
        interest_url(opportunity),
        {"organization": organization.pk, "role": "buyer", "note": "200 t/mes"},
    )
    assert response.status_code == 302
    interest = OpportunityInterest.objects.get()
    assert (interest.organization, interest.role, interest.note) == (
        organization,
        "buyer",
        "200 t/mes",
    )
    page = client.get(detail(opportunity)).content.decode()
    assert "Cables del Sur" in page
    assert 'data-testid="withdraw-interest"' in page
    # Again: idempotent.
    client.post(interest_url(opportunity), {"organization": organization.pk, "role": "buyer"})
    assert OpportunityInterest.objects.count() == 1


def test_a_person_with_several_organizations_chooses_one():
    first = OrganizationFactory(trade_name="Primera")
    second = OrganizationFactory(trade_name="Segunda")
    person = person_of(first)
    OrganizationMemberFactory(organization=second, user=person)
    opportunity = ValueOpportunityFactory()
    client = login(person)
    page = client.get(detail(opportunity)).content.decode()
    assert '<select name="organization"' in page
    response = client.post(
        interest_url(opportunity), {"organization": second.pk, "role": "investor"}
    )
    assert response.status_code == 302
    assert OpportunityInterest.objects.get().organization == second


def test_bad_interest_input_shows_the_form_again_and_changes_nothing():
    organization = OrganizationFactory()
    opportunity = ValueOpportunityFactory()
    response = login(person_of(organization)).post(
        interest_url(opportunity), {"organization": organization.pk, "role": "partner"}
    )
    assert response.status_code == 400
    assert 'data-testid="interest-form"' in response.content.decode()
    assert not OpportunityInterest.objects.exists()


def test_someone_else_s_organization_is_refused():
    other = OrganizationFactory()
    opportunity = ValueOpportunityFactory()
    response = login(person_of()).post(
        interest_url(opportunity), {"organization": other.pk, "role": "buyer"}
    )
    assert response.status_code == 400  # not a choice of the form
    assert not OpportunityInterest.objects.exists()


def test_people_without_an_active_organization_see_why_they_cannot_register():
    opportunity = ValueOpportunityFactory()
    body = login(UserFactory()).get(detail(opportunity)).content.decode()
    assert 'data-testid="interest-form"' not in body
    assert "Only people of active member organizations can register interest." in body
    body = login(None).get(detail(opportunity)).content.decode()
    assert 'data-testid="interest-login"' in body
    suspended = OrganizationFactory(membership_status=Organization.MembershipStatus.SUSPENDED)
    body = login(person_of(suspended)).get(detail(opportunity)).content.decode()
    assert 'data-testid="interest-form"' not in body


def test_anonymous_post_goes_to_login():
    opportunity = ValueOpportunityFactory()
    response = login(None).post(interest_url(opportunity), {"role": "buyer"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not OpportunityInterest.objects.exists()


def test_withdraw_interest():
    interest = OpportunityInterestFactory()
    url = reverse(
        "knowledge:opportunity_interest_withdraw", args=[interest.opportunity.slug, interest.pk]
    )
    response = login(person_of()).post(url)
    assert response.status_code == 302
    assert OpportunityInterest.objects.filter(pk=interest.pk).exists()
    response = login(person_of(interest.organization)).post(url)
    assert response.status_code == 302
    assert not OpportunityInterest.objects.filter(pk=interest.pk).exists()
    assert login(person_of(interest.organization)).post(url).status_code == 404
