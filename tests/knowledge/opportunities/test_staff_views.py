"""The editors' opportunity pages (K3): permission matrix (role by page → status, the allowed
case asserting the effect), the list with counts (constant queries), creating and editing with
errors on the fields, publishing, linking studies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cluster_portal.core import roles
from knowledge.models import Article, ValueOpportunity
from members.models import User
from tests.knowledge.factories import (
    ArticleFactory,
    OpportunityInterestFactory,
    ValueOpportunityFactory,
)
from tests.knowledge.opportunities.world import auditor, editor, login, person_of
from tests.members.factories import UserFactory
from tests.queries import run_counted

pytestmark = pytest.mark.django_db

Status = ValueOpportunity.Status
LIST = reverse("knowledge_staff:opportunity_list")
CREATE = reverse("knowledge_staff:opportunity_create")


def url(name: str, opportunity: ValueOpportunity, *args: Any) -> str:
    return reverse(f"knowledge_staff:{name}", args=[opportunity.pk, *args])


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "product": "Moldes de cobre para colada",
        "product_en": "Copper moulds",
        "hs_code": "7419.80",
        "stage": "manufacturing",
        "summary": "Moldes para fundiciones.",
        "visibility": "public",
        "market_notes": "",
        "import_value_0": "3500000.00",
        "import_value_1": "USD",
        "import_year": "2024",
        "local_capability": "",
        "economic_rating": "3",
        "economic_justification": "Mercado pequeño pero estable.",
        "economic_sources": "",
        "financial_rating": "4",
        "financial_justification": "Inversión baja.",
        "financial_sources": "",
        "environmental_rating": "4",
        "environmental_justification": "Reciclaje de cobre.",
        "environmental_sources": "",
    }
    data.update(overrides)
    return data


PEOPLE: dict[str, Callable[[], User | None]] = {
    "anonymous": lambda: None,
    "visitor": lambda: UserFactory(),
    "member": lambda: person_of(admin=True),
    "staff-no-role": lambda: UserFactory(is_staff=True, totp=True),
    "auditor": auditor,
    "mission-coordinator": lambda: UserFactory(
        is_staff=True, totp=True, roles=[roles.MISSION_COORDINATOR]
    ),
    "editor": editor,
}
#: Expected status per person: reading staff pages, and changing anything.
READ = {
    "anonymous": 302,
    "visitor": 404,  # the staff area is not revealed to people who are not staff
    "member": 404,
    "staff-no-role": 403,
    "auditor": 200,
    "mission-coordinator": 200,
    "editor": 200,
}
WRITE_DENIED = {"anonymous", "visitor", "member", "staff-no-role", "auditor", "mission-coordinator"}


def client_for(who: str) -> Client:
    return login(PEOPLE[who]())


@pytest.mark.parametrize("who", list(PEOPLE))
def test_reading_the_staff_pages(who):
    opportunity = ValueOpportunityFactory(product="Alambrón reservado")
    client = client_for(who)
    for page in (LIST, url("opportunity_detail", opportunity)):
        response = client.get(page)
        assert response.status_code == READ[who], (who, page)
        if READ[who] == 200:
            assert "Alambrón reservado" in response.content.decode()


@pytest.mark.parametrize("who", list(PEOPLE))
def test_creating(who):
    response = client_for(who).post(CREATE, form_data())
    if who in WRITE_DENIED:
        assert response.status_code in (302, 403, 404)
        assert not ValueOpportunity.objects.exists()
    else:
        opportunity = ValueOpportunity.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("opportunity_detail", opportunity)
        assert opportunity.status == Status.DRAFT
        assert opportunity.product_en == "Copper moulds"
        assert str(opportunity.import_value.currency) == "USD"


@pytest.mark.parametrize("who", list(PEOPLE))
def test_publishing(who):
    opportunity = ValueOpportunityFactory(status=Status.DRAFT)
    response = client_for(who).post(url("opportunity_action", opportunity, "publish"))
    opportunity.refresh_from_db()
    if who in WRITE_DENIED:
        assert response.status_code in (302, 403, 404)
        assert opportunity.status == Status.DRAFT
    else:
        assert response.status_code == 302
        assert opportunity.status == Status.PUBLISHED


@pytest.mark.parametrize("who", list(PEOPLE))
def test_editing_and_linking_studies(who):
    opportunity = ValueOpportunityFactory(product="Antes")
    study = ArticleFactory()
    client = client_for(who)
    edit = client.post(url("opportunity_edit", opportunity), form_data(product="Después"))
    studies = client.post(url("opportunity_studies", opportunity), {"studies": [study.pk]})
    opportunity.refresh_from_db()
    if who in WRITE_DENIED:
        assert edit.status_code in (302, 403, 404)
        assert studies.status_code in (302, 403, 404)
        assert opportunity.product == "Antes"
        assert not opportunity.studies.exists()
    else:
        assert edit.status_code == 302
        assert studies.status_code == 302
        assert opportunity.product == "Después"
        assert list(opportunity.studies.all()) == [study]


def test_create_form_errors_land_on_their_fields():
    client = login(editor())
    response = client.post(CREATE, form_data(financial_justification=""))
    assert response.status_code == 400
    assert "financial_justification" in response.context["form"].errors
    # The service's rules come back on their fields too.
    response = client.post(CREATE, form_data(hs_code="74-08", economic_rating="7"))
    assert response.status_code == 400
    form = response.context["form"]
    assert "hs_code" in form.errors
    assert "economic_rating" in form.errors
    assert not ValueOpportunity.objects.exists()


def test_service_rules_come_back_to_the_form():
    response = login(editor()).post(CREATE, form_data(import_year=""))
    assert response.status_code == 400
    assert "import_year" in response.context["form"].errors
    assert not ValueOpportunity.objects.exists()


def test_linking_a_draft_article_is_refused():
    opportunity = ValueOpportunityFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT)
    response = login(editor()).post(
        url("opportunity_studies", opportunity), {"studies": [draft.pk]}
    )
    assert response.status_code == 400
    assert not opportunity.studies.exists()


def test_unknown_action_is_404_and_a_repeated_publish_is_a_message():
    opportunity = ValueOpportunityFactory(status=Status.PUBLISHED)
    client = login(editor())
    assert client.post(url("opportunity_action", opportunity, "archive")).status_code == 404
    response = client.post(url("opportunity_action", opportunity, "publish"), follow=True)
    assert response.status_code == 200
    assert "published" in response.content.decode().lower()
    opportunity.refresh_from_db()
    assert opportunity.status == Status.PUBLISHED


def test_staff_page_offers_the_lifecycle_action():
    opportunity = ValueOpportunityFactory(status=Status.DRAFT)
    body = login(editor()).get(url("opportunity_detail", opportunity)).content.decode()
    assert 'data-testid="publish"' in body
    body = login(auditor()).get(url("opportunity_detail", opportunity)).content.decode()
    assert 'data-testid="publish-reason"' in body  # shown disabled, with the reason


def test_list_counts_and_constant_queries():
    opportunity = ValueOpportunityFactory(product="Con intereses")
    OpportunityInterestFactory(opportunity=opportunity)
    OpportunityInterestFactory(opportunity=opportunity)
    opportunity.studies.add(ArticleFactory())
    client = login(editor())
    response, few = run_counted(6, client.get, LIST, expect=["Con intereses"])
    row = response.content.decode().split("Con intereses", 1)[1]
    assert '<td data-testid="interest-count">2</td>' in row
    assert '<td data-testid="study-count">1</td>' in row
    for n in range(8):
        ValueOpportunityFactory(product=f"Otra {n}", status=Status.DRAFT)
    _response, many = run_counted(6, client.get, LIST, expect=["Otra 7"])
    assert many == few
    drafts = client.get(LIST, {"status": "draft"}).content.decode()
    assert "Otra 7" in drafts
    assert "Con intereses" not in drafts


def test_detail_queries_are_constant():
    opportunity = ValueOpportunityFactory(product="Detalle")
    client = login(editor())
    _r, few = run_counted(
        10, client.get, url("opportunity_detail", opportunity), expect=["Detalle"]
    )
    for _ in range(5):
        OpportunityInterestFactory(opportunity=opportunity)
        opportunity.studies.add(ArticleFactory())
    _r, many = run_counted(
        10, client.get, url("opportunity_detail", opportunity), expect=["Detalle"]
    )
    assert many == few
