"""The knowledge admin: editors keep topics there; every other record is read only."""

from __future__ import annotations

import pytest
from django.contrib import admin

from knowledge.models import Article, ArticleRevision, KnowledgeAuthor, RegulatoryBarrier, Topic
from tests.knowledge.factories import ArticleFactory

from .helpers import editor, login

pytestmark = pytest.mark.django_db


def test_editors_add_topics_in_the_admin() -> None:
    client = login(editor())
    response = client.post(
        "/admin/knowledge/topic/add/",
        {"slug": "relaves", "name_es": "Relaves", "name_en": "Tailings", "position": 1},
    )
    assert response.status_code == 302
    assert Topic.objects.filter(slug="relaves").exists()


@pytest.mark.parametrize("model", [Article, ArticleRevision, KnowledgeAuthor, RegulatoryBarrier])
def test_other_records_are_read_only_even_for_a_superuser(model: type) -> None:
    from django.test import RequestFactory

    from tests.members.factories import UserFactory

    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_editors_read_an_article_in_the_admin() -> None:
    article = ArticleFactory(title="Leído en el admin")
    response = login(editor()).get(f"/admin/knowledge/article/{article.pk}/change/")
    assert response.status_code == 200
    assert "Leído en el admin" in response.content.decode()
