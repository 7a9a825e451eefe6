"""Article pages: the permission matrix (visitor, member, designated author, another author,
editor, auditor by pages and actions; allowed cases assert the effect), what the list and the
page show, the revision view, bad input, and constant query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from cluster_portal.files.models import Attachment
from knowledge.models import Article, KnowledgeAuthor, Visibility
from knowledge.services import articles as services
from tests.knowledge.factories import ArticleFactory, TopicFactory
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

from .helpers import auditor, designated_author, draft_of, editor, login, member, pdf

pytestmark = pytest.mark.django_db

Status = Article.Status
PEOPLE = ("visitor", "member", "author", "other_author", "editor", "auditor")


class World:
    def __init__(self) -> None:
        self.author = designated_author()
        self.other_author = designated_author()
        self.editor = editor()

    def person(self, role: str) -> Any:
        return {
            "visitor": None,
            "member": member(),
            "author": self.author.user,
            "other_author": self.other_author.user,
            "editor": self.editor,
            "auditor": auditor(),
        }[role]


@pytest.fixture
def world() -> World:
    return World()


def detail(article: Article) -> str:
    return reverse("knowledge:article_detail", args=[article.slug])


# --- Reading -------------------------------------------------------------------------------

#: Who reads an article, by (status, visibility).
READS = {
    ("published", "public"): set(PEOPLE),
    ("published", "members"): {"member", "author", "other_author", "editor", "auditor"},
    ("archived", "public"): set(PEOPLE),
    ("draft", "public"): {"author", "editor", "auditor"},
    ("in_review", "members"): {"author", "editor", "auditor"},
}


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize(("status", "visibility"), list(READS))
def test_reading_matrix(world: World, role: str, status: str, visibility: str) -> None:
    article = draft_of(world.author, status=status, visibility=visibility, title="Leído")
    client = login(world.person(role))
    allowed = role in READS[(status, visibility)]
    response = client.get(detail(article))
    assert response.status_code == (200 if allowed else 404)
    listed = client.get(reverse("knowledge:article_list"))
    assert listed.status_code == 200
    in_list = allowed and status in ("published", "archived")
    assert (f'data-slug="{article.slug}"' in listed.content.decode()) is in_list


def test_the_page_shows_sanitized_markdown_topics_documents_and_history(world: World) -> None:
    topic = TopicFactory(slug="relaves", name_en="Tailings")
    article = services.article_create(
        actor=world.editor,
        data={
            "kind": "report",
            "title": "Informe de relaves",
            "body": "## Hallazgos\n\n<script>alert(1)</script> **negrita**",
            "language": "es",
            "visibility": "public",
            "topics": [topic],
            "author_organization": world.author.organization,
        },
        files=[pdf()],
    )
    services.article_update(
        actor=world.editor, article=article, data={"summary": "Nuevo"}, note="Resumen"
    )
    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)
    with translation.override("en"):
        body = login(None).get(detail(article)).content.decode()
    assert "<h2>Hallazgos</h2>" in body
    assert "<strong>negrita</strong>" in body
    assert "<script>alert" not in body
    assert "Tailings" in body
    assert world.author.organization.display_name in body
    document = Attachment.objects.get(object_id=article.pk)
    assert document.get_download_url() in body
    assert body.count('data-testid="revision"') == 2
    assert "Resumen" in body
    # A visitor sees the history but not links to older texts.
    assert reverse("knowledge:article_revision", args=[article.slug, 1]) not in body


def test_a_visitor_downloads_a_public_articles_document_but_not_a_drafts(world: World) -> None:
    public = services.article_create(actor=world.editor, data=_data("Público"), files=[pdf()])
    public.status = Status.PUBLISHED
    public.save()
    draft = services.article_create(actor=world.editor, data=_data("Borrador"), files=[pdf()])
    visitor = login(member())
    for article, status in ((public, 200), (draft, 404)):
        attachment = Attachment.objects.get(object_id=article.pk)
        assert visitor.get(attachment.get_download_url()).status_code == status


def _data(title: str) -> dict[str, Any]:
    return {"kind": "study", "title": title, "language": "es", "visibility": "public"}


@pytest.mark.parametrize("role", PEOPLE)
def test_older_revision_matrix(world: World, role: str) -> None:
    article = services.article_create(actor=world.author.user, data=_data("Primera versión"))
    services.article_update(actor=world.author.user, article=article, data={"title": "Segunda"})
    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)
    response = login(world.person(role)).get(
        reverse("knowledge:article_revision", args=[article.slug, 1])
    )
    allowed = role in ("author", "editor", "auditor")
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert "Primera versión" in response.content.decode()


def test_a_revision_number_the_article_does_not_have_is_404(world: World) -> None:
    article = services.article_create(actor=world.editor, data=_data("Única"))
    url = reverse("knowledge:article_revision", args=[article.slug, 7])
    assert login(world.editor).get(url).status_code == 404


def test_filters_kind_topic_organization_year(world: World) -> None:
    topic = TopicFactory(slug="agua")
    organization = world.author.organization
    match = ArticleFactory(
        kind="regulation", author_organization=organization, topics=[topic], title="Coincide"
    )
    match.published_on = match.published_on.replace(year=2024)
    match.save()
    ArticleFactory(kind="regulation", title="Otro año")
    ArticleFactory(kind="study", author_organization=organization, topics=[topic], title="Otro")
    url = reverse("knowledge:article_list")
    query = {"kind": "regulation", "topic": "agua", "organization": organization.pk, "year": 2024}
    body = login(None).get(url, query).content.decode()
    assert f'data-slug="{match.slug}"' in body
    assert body.count('data-testid="article-card"') == 1
    bad = login(None).get(url, {"year": "abc", "kind": "poem"})
    assert bad.status_code == 200
    assert 'data-testid="no-articles"' in bad.content.decode()


# --- Authors' pages ------------------------------------------------------------------------


@pytest.mark.parametrize("role", PEOPLE)
def test_create_matrix(world: World, role: str) -> None:
    client = login(world.person(role))
    url = reverse("knowledge:article_create")
    allowed = role in ("author", "other_author", "editor")  # every designated author writes
    get = client.get(url)
    post = client.post(
        url,
        {**_data("Nuevo estudio"), "files": pdf()},
    )
    if role == "visitor":
        assert get.status_code == post.status_code == 302
        assert "/accounts/login/" in get["Location"]
    else:
        assert get.status_code == (200 if allowed else 403)
        assert post.status_code == (302 if allowed else 403)
    created = Article.objects.filter(title="Nuevo estudio").first()
    assert (created is not None) is allowed
    if created is not None:
        assert post["Location"] == detail(created)
        assert created.status == Status.DRAFT
        assert Attachment.objects.filter(object_id=created.pk).count() == 1


def test_the_form_shows_errors_and_saves_nothing(world: World) -> None:
    client = login(world.author.user)
    with translation.override("en"):
        response = client.post(reverse("knowledge:article_create"), {"title": "", "kind": "x"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize("role", PEOPLE)
def test_edit_matrix_on_a_draft(world: World, role: str) -> None:
    article = draft_of(world.author, title="Antes")
    client = login(world.person(role))
    url = reverse("knowledge:article_edit", args=[article.slug])
    response = client.post(url, {**_data("Después"), "note": "Cambio"})
    allowed = role in ("author", "editor")
    if role == "visitor":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif role in ("member", "other_author"):
        assert response.status_code == 404  # a draft they may not see
    else:
        assert response.status_code == (302 if allowed else 403)
    article.refresh_from_db()
    assert (article.title == "Después") is allowed
    assert article.revisions.filter(note="Cambio").exists() is allowed


def test_the_author_cannot_edit_once_submitted(world: World) -> None:
    article = draft_of(world.author, status=Status.IN_REVIEW)
    response = login(world.author.user).get(reverse("knowledge:article_edit", args=[article.slug]))
    assert response.status_code == 403


@pytest.mark.parametrize("role", PEOPLE)
def test_submit_matrix(world: World, role: str) -> None:
    article = draft_of(world.author)
    response = login(world.person(role)).post(
        reverse("knowledge:article_action", args=[article.slug, "submit"])
    )
    article.refresh_from_db()
    allowed = role in ("author", "editor")
    assert (article.status == Status.IN_REVIEW) is allowed
    if role in ("member", "other_author"):
        assert response.status_code == 404
    elif role != "visitor":
        assert response.status_code == 302


def test_the_public_action_route_takes_only_the_authors_actions(world: World) -> None:
    article = draft_of(world.author, status=Status.IN_REVIEW)
    response = login(world.editor).post(
        reverse("knowledge:article_action", args=[article.slug, "publish"])
    )
    assert response.status_code == 404
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW


def test_my_articles_lists_every_state_of_the_authors_articles(world: World) -> None:
    mine = [draft_of(world.author, status=s, title=f"Mío {s}") for s in Status.values]
    draft_of(world.other_author, title="Ajeno")
    body = login(world.author.user).get(reverse("knowledge:my_articles")).content.decode()
    assert all(a.title in body for a in mine)
    assert "Ajeno" not in body
    assert login(member()).get(reverse("knowledge:my_articles")).status_code == 403


# --- Editors' pages ------------------------------------------------------------------------

STAFF_PAGES = ("article_queue", "article_list", "author_list")


@pytest.mark.parametrize("role", PEOPLE)
def test_staff_pages_matrix(world: World, role: str) -> None:
    article = draft_of(world.author, status=Status.IN_REVIEW, title="En revisión")
    client = login(world.person(role))
    urls = [reverse(f"knowledge_staff:{name}") for name in STAFF_PAGES]
    urls.append(reverse("knowledge_staff:article_review", args=[article.pk]))
    for url in urls:
        response = client.get(url)
        if role in ("editor", "auditor"):
            assert response.status_code == 200, url
        elif role == "visitor":
            assert response.status_code == 302
        else:
            assert response.status_code == 404, (role, url)  # the staff gate


@pytest.mark.parametrize("role", ["editor", "auditor", "author"])
def test_publish_and_return_from_the_review_page(world: World, role: str) -> None:
    first = draft_of(world.author, status=Status.IN_REVIEW)
    second = draft_of(world.author, status=Status.IN_REVIEW)
    client = login(world.person(role))
    client.post(reverse("knowledge_staff:article_action", args=[first.pk, "publish"]))
    client.post(
        reverse("knowledge_staff:article_action", args=[second.pk, "return"]),
        {"reason": "Agregue fuentes."},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    allowed = role == "editor"
    assert (first.status == Status.PUBLISHED) is allowed
    assert (second.status == Status.DRAFT and second.review_note == "Agregue fuentes.") is allowed


def test_return_without_a_reason_shows_the_error(world: World) -> None:
    article = draft_of(world.author, status=Status.IN_REVIEW)
    with translation.override("en"):
        response = login(world.editor).post(
            reverse("knowledge_staff:article_action", args=[article.pk, "return"]), {"reason": ""}
        )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW


def test_review_queue_lists_only_articles_in_review(world: World) -> None:
    waiting = draft_of(world.author, status=Status.IN_REVIEW, title="Esperando")
    draft_of(world.author, title="Borrador suelto")
    body = login(world.editor).get(reverse("knowledge_staff:article_queue")).content.decode()
    assert waiting.title in body
    assert "Borrador suelto" not in body


def test_staff_list_filters_by_status(world: World) -> None:
    draft_of(world.author, title="Borrador A")
    ArticleFactory(title="Publicado B")
    body = (
        login(auditor())
        .get(reverse("knowledge_staff:article_list"), {"status": "draft"})
        .content.decode()
    )
    assert "Borrador A" in body
    assert "Publicado B" not in body


@pytest.mark.parametrize("role", PEOPLE)
def test_designate_and_revoke_matrix(world: World, role: str) -> None:
    membership = OrganizationMemberFactory(organization=OrganizationFactory())
    client = login(world.person(role))
    client.post(
        reverse("knowledge_staff:author_list"),
        {"organization": membership.organization.pk, "email": membership.user.email},
    )
    allowed = role == "editor"
    assert KnowledgeAuthor.objects.filter(user=membership.user).exists() is allowed
    client.post(reverse("knowledge_staff:author_revoke", args=[world.other_author.pk]))
    assert KnowledgeAuthor.objects.filter(pk=world.other_author.pk).exists() is not allowed


def test_designating_someone_outside_the_organization_is_an_error(world: World) -> None:
    outsider = member()
    with translation.override("en"):
        response = login(world.editor).post(
            reverse("knowledge_staff:author_list"),
            {"organization": world.author.organization.pk, "email": outsider.email},
        )
    assert response.status_code == 200
    assert "does not belong" in response.content.decode()
    assert not KnowledgeAuthor.objects.filter(user=outsider).exists()


# --- Query counts --------------------------------------------------------------------------


def _articles(count: int, organization: Any) -> None:
    topics = [TopicFactory(), TopicFactory()]
    for n in range(count):
        ArticleFactory(
            title=f"Artículo {n}",
            topics=topics,
            author_organization=organization,
            visibility=Visibility.MEMBERS if n % 2 else Visibility.PUBLIC,
        )


@pytest.mark.parametrize("role", ["visitor", "member", "editor"])
def test_list_queries_do_not_grow_with_rows(world: World, role: str, max_queries: Any) -> None:
    client = login(world.person(role))
    url = reverse("knowledge:article_list")
    _articles(2, world.author.organization)
    _response, small = _counted(client, url)
    _articles(15, world.author.organization)
    _response, large = _counted(client, url)
    assert large == small
    assert small <= LIST_QUERIES[role]


#: Measured on SQLite: session and person, the reader's organizations, may they write, the
#: organizations of the filter, the count, the page, its topics.
LIST_QUERIES = {"visitor": 5, "member": 10, "editor": 9}
STAFF_QUERIES = {"article_list": 9, "article_queue": 7, "author_list": 6}


def _counted(client: Any, url: str) -> tuple[Any, int]:
    from tests.queries import run_counted

    return run_counted(20, client.get, url, expect=["Artículo 0"])


def test_staff_pages_queries_do_not_grow_with_rows(world: World) -> None:
    from tests.queries import run_counted

    client = login(world.editor)
    for name in ("article_list", "article_queue", "author_list"):
        url = reverse(f"knowledge_staff:{name}")
        for n in range(2):
            draft_of(world.author, status=Status.IN_REVIEW, title=f"{name} {n}")
        _r, small = run_counted(25, client.get, url)
        for n in range(12):
            draft_of(world.author, status=Status.IN_REVIEW, title=f"{name} más {n}")
            designated_author()
        _r, large = run_counted(25, client.get, url)
        assert large == small <= STAFF_QUERIES[name], name


def test_detail_queries(world: World) -> None:
    from tests.queries import run_counted

    article = services.article_create(actor=world.editor, data=_data("Con historia"))
    for n in range(5):
        services.article_update(actor=world.editor, article=article, data={"body": f"v{n}"})
    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)
    _r, count = run_counted(20, login(world.author.user).get, detail(article), expect=["v4"])
    assert count <= DETAIL_QUERIES


DETAIL_QUERIES = 7


def test_staff_home_leads_editors_to_the_review_queue_with_its_count() -> None:
    from django.test import Client

    from knowledge.selectors.articles import review_queue_count
    from tests.members.factories import UserFactory

    ArticleFactory(status=Article.Status.IN_REVIEW)
    ArticleFactory(status=Article.Status.IN_REVIEW)
    ArticleFactory()  # published: not waiting
    queue = reverse("knowledge_staff:article_queue")
    editor = UserFactory(roles=["editor"], totp=True)
    client = Client()
    client.force_login(editor)
    body = client.get(reverse("staff_home")).content.decode()
    assert queue in body
    assert review_queue_count() == 2
    queue_page = client.get(queue).content.decode()
    assert reverse("knowledge_staff:barrier_list") in queue_page
    assert reverse("knowledge_staff:opportunity_list") in queue_page
    no_role = Client()
    no_role.force_login(UserFactory(is_staff=True, totp=True))
    assert queue not in no_role.get(reverse("staff_home")).content.decode()
