"""GET /api/v1/knowledge/articles/ and {id}/: knowledge:read reads public and members-only
published articles, public:read public ones only, people what the pages show them; never drafts;
shape, filters (kind, topic, updated_since), bad values, constant queries, read only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from knowledge.models import Article, Visibility
from knowledge.services import articles as services
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.knowledge.factories import ArticleFactory, TopicFactory
from tests.members.factories import OrganizationFactory

from .helpers import editor, login, member, pdf

pytestmark = pytest.mark.django_db

LIST = "/api/v1/knowledge/articles/"
Status = Article.Status


def token_client(*scopes: str) -> Client:
    partner = PartnerClientFactory(organization=OrganizationFactory(), allowed_scopes=list(scopes))
    response = request_token(Client(), partner, " ".join(scopes))
    assert response.status_code == 200, response.content
    return Client(HTTP_ACCEPT_LANGUAGE="en", **bearer(response.json()["access_token"]))


class Rows:
    def __init__(self) -> None:
        self.public = ArticleFactory(title="Público")
        self.members = ArticleFactory(title="Solo socios", visibility=Visibility.MEMBERS)
        self.archived = ArticleFactory(title="Archivado", status=Status.ARCHIVED)
        self.draft = ArticleFactory(title="Borrador", status=Status.DRAFT, published_on=None)
        self.review = ArticleFactory(title="En revisión", status=Status.IN_REVIEW)


@pytest.fixture
def rows() -> Rows:
    return Rows()


def titles(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


# --- Who reads what -------------------------------------------------------------------------


def test_no_credentials_is_401(rows: Rows) -> None:
    assert Client().get(LIST).status_code == 401
    assert Client().get(f"{LIST}{rows.public.pk}/").status_code == 401


def test_a_token_without_either_scope_is_403_and_names_both(rows: Rows) -> None:
    response = token_client("members:read").get(LIST)
    assert response.status_code == 403
    detail = response.json()["error"]["detail"]
    assert "knowledge:read" in detail
    assert "public:read" in detail


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("knowledge", {"Público", "Solo socios", "Archivado"}),
        ("public", {"Público", "Archivado"}),
        ("both", {"Público", "Solo socios", "Archivado"}),
        ("visitor_session", {"Público", "Archivado"}),
        ("member_session", {"Público", "Solo socios", "Archivado"}),
        ("editor_session", {"Público", "Solo socios", "Archivado"}),
    ],
)
def test_scope_and_session_matrix(rows: Rows, caller: str, expected: set[str]) -> None:
    from tests.members.factories import UserFactory

    client = {
        "knowledge": lambda: token_client("knowledge:read"),
        "public": lambda: token_client("public:read"),
        "both": lambda: token_client("public:read", "knowledge:read"),
        "visitor_session": lambda: login(UserFactory()),
        "member_session": lambda: login(member()),
        "editor_session": lambda: login(editor()),
    }[caller]()
    assert titles(client.get(LIST)) == expected
    for article in (rows.public, rows.members, rows.draft, rows.review):
        status = client.get(f"{LIST}{article.pk}/").status_code
        assert status == (200 if article.title in expected else 404), article.title


def test_writes_are_405(rows: Rows) -> None:
    client = token_client("knowledge:read")
    assert client.post(LIST, {}).status_code in (403, 405)
    assert client.delete(f"{LIST}{rows.public.pk}/").status_code in (403, 405)
    assert Article.objects.count() == 5


# --- Shape ----------------------------------------------------------------------------------


def test_shape_with_topics_organization_documents_and_sanitized_html() -> None:
    topic = TopicFactory(slug="relaves", name_es="Relaves", name_en="Tailings")
    organization = OrganizationFactory(trade_name="Minera Sur")
    article = services.article_create(
        actor=editor(),
        data={
            "kind": "report",
            "title": "Informe",
            "body": "**Hola** <script>x()</script>",
            "language": "es",
            "visibility": "public",
            "topics": [topic],
            "author_organization": organization,
        },
        files=[pdf()],
    )
    Article.objects.filter(pk=article.pk).update(
        status=Status.PUBLISHED, published_on=datetime.date(2026, 1, 15)
    )
    row = token_client("public:read").get(f"{LIST}{article.pk}/").json()
    assert set(row) == {
        "id",
        "slug",
        "kind",
        "status",
        "visibility",
        "language",
        "title",
        "summary",
        "body",
        "body_html",
        "published_on",
        "author_organization",
        "topics",
        "documents",
        "url",
        "updated_at",
    }
    assert row["author_organization"] == {"id": organization.pk, "name": "Minera Sur"}
    assert row["topics"] == [{"code": "relaves", "name_es": "Relaves", "name_en": "Tailings"}]
    assert row["published_on"] == "2026-01-15"
    assert "<strong>Hola</strong>" in row["body_html"]
    assert "<script>" not in row["body_html"]
    assert row["documents"][0]["name"] == "estudio.pdf"
    assert row["documents"][0]["download_url"].endswith("/download/")
    assert row["url"].endswith(f"/knowledge/articles/{article.slug}/")


# --- Filters --------------------------------------------------------------------------------


def test_filters_kind_topic_and_updated_since() -> None:
    topic = TopicFactory(slug="agua")
    regulation = ArticleFactory(kind="regulation", topics=[topic], title="Norma de agua")
    ArticleFactory(kind="regulation", title="Norma sin tema")
    ArticleFactory(kind="study", topics=[topic], title="Estudio de agua")
    old = ArticleFactory(title="Antiguo")
    Article.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    client = token_client("knowledge:read")
    assert titles(client.get(LIST, {"kind": "regulation", "topic": "agua"})) == {regulation.title}
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert "Antiguo" not in titles(client.get(LIST, {"updated_since": since}))
    assert titles(client.get(LIST, {"topic": "no-existe"})) == set()


@pytest.mark.parametrize(
    "query",
    [{"kind": "poem"}, {"updated_since": "ayer"}, {"topic": "no válido!"}, {"ordering": "x"}],
)
def test_bad_filter_values_are_400(query: dict[str, str]) -> None:
    ArticleFactory()
    assert token_client("knowledge:read").get(LIST, query).status_code == 400


# --- Query counts ---------------------------------------------------------------------------

#: Measured on SQLite: the token and its partner client, the count, the page, its topics and
#: its documents.
API_QUERIES = 6


def test_queries_do_not_grow_with_rows() -> None:
    from tests.queries import run_counted

    client = token_client("knowledge:read")
    topics = [TopicFactory(), TopicFactory()]
    for _n in range(2):
        ArticleFactory(topics=topics, author_organization=OrganizationFactory())
    _r, small = run_counted(API_QUERIES, client.get, LIST)
    for _n in range(20):
        ArticleFactory(topics=topics, author_organization=OrganizationFactory())
    response, large = run_counted(API_QUERIES, client.get, LIST)
    assert len(response.json()["results"]) == 22
    assert large == small
