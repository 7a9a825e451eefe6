"""The knowledge base's landing page: each area's count is what the reader may see, the latest
items link to their pages, and the queries are constant."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from knowledge.models import Article, ValueOpportunity, Visibility
from members.models import Organization
from tests.knowledge.factories import (
    ArticleFactory,
    RegulatoryBarrierFactory,
    ValueOpportunityFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from tests.queries import run_counted

URL = reverse("knowledge:home")


def _member() -> Client:
    client = Client()
    client.force_login(OrganizationMemberFactory(organization=OrganizationFactory()).user)
    return client


def _editor() -> Client:
    client = Client()
    client.force_login(UserFactory(roles=["editor"], totp=True))
    return client


def _person_of_former_member() -> Client:
    client = Client()
    former = OrganizationFactory(membership_status=Organization.MembershipStatus.LAPSED)
    client.force_login(OrganizationMemberFactory(organization=former).user)
    return client


@pytest.fixture
def content(db: Any) -> None:
    ArticleFactory(title="ArticuloPublico", visibility=Visibility.PUBLIC)
    ArticleFactory(title="ArticuloSocios", visibility=Visibility.MEMBERS)
    ArticleFactory(title="ArticuloBorrador", status=Article.Status.DRAFT, published_on=None)
    RegulatoryBarrierFactory(title="BarreraPublica", visibility=Visibility.PUBLIC)
    RegulatoryBarrierFactory(title="BarreraSocios", visibility=Visibility.MEMBERS)
    ValueOpportunityFactory(product="OportunidadPublica", visibility=Visibility.PUBLIC)
    ValueOpportunityFactory(product="OportunidadSocios", visibility=Visibility.MEMBERS)
    ValueOpportunityFactory(product="OportunidadBorrador", status=ValueOpportunity.Status.DRAFT)
    OrganizationFactory(is_public=False)


def _counts(response: Any) -> dict[str, int]:
    return {area.key: area.count for area in response.context["areas"]}


def _expected_members(*, private_too: bool) -> int:
    active = Organization.objects.filter(membership_status=Organization.MembershipStatus.ACTIVE)
    return sum(1 for org in active if org.is_public or private_too)


@pytest.mark.parametrize(
    ("reader", "articles", "barriers", "opportunities", "private_too"),
    [
        ("visitor", 1, 1, 1, False),
        ("former_member", 1, 1, 1, False),
        ("member", 2, 2, 2, True),
        ("editor", 2, 2, 2, True),
    ],
)
def test_counts_are_what_the_reader_may_see(
    content: None,
    reader: str,
    articles: int,
    barriers: int,
    opportunities: int,
    private_too: bool,
) -> None:
    client = {
        "visitor": Client,
        "former_member": _person_of_former_member,
        "member": _member,
        "editor": _editor,
    }[reader]()
    response = client.get(URL)
    assert response.status_code == 200
    assert _counts(response) == {
        "articles": articles,
        "barriers": barriers,
        "opportunities": opportunities,
        "ecosystem": _expected_members(private_too=private_too),
    }
    body = response.content.decode()
    assert "ArticuloBorrador" not in body
    assert "OportunidadBorrador" not in body
    assert ("ArticuloSocios" in body) is (articles == 2)
    assert ("BarreraSocios" in body) is (barriers == 2)


def test_latest_items_link_to_their_pages(content: None) -> None:
    with translation.override("en"):
        body = Client().get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        public_article = Article.objects.get(title="ArticuloPublico")
        assert reverse("knowledge:article_detail", args=[public_article.slug]) in body
        assert reverse("knowledge:ecosystem") in body
        assert reverse("knowledge:relations") in body
        assert "Regulatory barriers" in body
    opportunity = ValueOpportunity.objects.get(product="OportunidadPublica")
    assert reverse("knowledge:opportunity_detail", args=[opportunity.slug]) in body
    assert opportunity.product_en in body  # the English name in English


def test_navigation_links_the_knowledge_base(db: Any) -> None:
    body = Client().get(reverse("home")).content.decode()
    assert 'data-testid="nav-knowledge"' in body
    assert f'href="{URL}"' in body


@pytest.mark.parametrize(("reader", "bound"), [("visitor", 7), ("member", 11)])
def test_query_count_is_constant(content: None, reader: str, bound: int) -> None:
    client = Client() if reader == "visitor" else _member()
    _, few = run_counted(bound, client.get, URL, expect=["ArticuloPublico"])
    for _i in range(4):
        ArticleFactory()
        RegulatoryBarrierFactory()
        ValueOpportunityFactory()
    _, many = run_counted(bound, client.get, URL)
    assert few == many
