"""People and records of the article tests."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cluster_portal.core import roles
from knowledge.models import Article, KnowledgeAuthor
from members.models import User
from tests.knowledge.factories import ArticleFactory, KnowledgeAuthorFactory
from tests.members.factories import OrganizationMemberFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "estudio.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def editor() -> User:
    return UserFactory(is_staff=True, totp=True, roles=[roles.EDITOR], full_name="Elena Editora")


def auditor() -> User:
    return UserFactory(is_staff=True, totp=True, roles=[roles.AUDITOR])


def designated_author(**kwargs: Any) -> KnowledgeAuthor:
    """A person of an active member organization named an author for it."""
    membership = OrganizationMemberFactory(**kwargs)
    return KnowledgeAuthorFactory(user=membership.user, organization=membership.organization)


def member() -> User:
    return OrganizationMemberFactory().user


def draft_of(author: KnowledgeAuthor, **kwargs: Any) -> Article:
    values: dict[str, Any] = {
        "status": Article.Status.DRAFT,
        "published_on": None,
        "created_by": author.user,
        "author_organization": author.organization,
        **kwargs,
    }
    return ArticleFactory(**values)


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def article_data(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": Article.Kind.STUDY,
        "title": "Relaves filtrados en la región Moquegua",
        "summary": "Costos y riesgos.",
        "body": "## Resumen\n\nTexto con **relaves**.",
        "language": "es",
        "visibility": "public",
        "topics": [],
        **overrides,
    }
