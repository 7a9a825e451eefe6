"""Article services: creation (slug, revision 1, documents, the author's organization),
updates (next revision numbers, nothing changed → nothing written), bad input changes nothing,
the review lifecycle (publish date, reason, notifications, audit) and designated authors."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cluster_portal.files.models import Attachment
from knowledge.models import Article, ArticleRevision, KnowledgeAuthor
from knowledge.services import articles as services
from notifications.models import Notification
from tests.knowledge.factories import ArticleFactory, TopicFactory
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

from .helpers import article_data, designated_author, draft_of, editor, member, pdf

pytestmark = pytest.mark.django_db

Status = Article.Status


def decisions(article: Any) -> list[str]:
    return [
        entry.additional_data["decision"]
        for entry in LogEntry.objects.get_for_object(article).order_by("pk")
        if entry.additional_data and "decision" in entry.additional_data
    ]


# --- Create --------------------------------------------------------------------------------


def test_an_author_creates_a_draft_of_their_organization_with_revision_one() -> None:
    author = designated_author()
    topic = TopicFactory(slug="relaves")
    other = OrganizationFactory()
    article = services.article_create(
        actor=author.user, data=article_data(topics=[topic]), files=[pdf()]
    )
    assert article.status == Status.DRAFT
    assert article.slug == "relaves-filtrados-en-la-region-moquegua"
    assert article.author_organization == author.organization != other
    assert list(article.topics.all()) == [topic]
    assert [(r.number, r.title, r.edited_by) for r in article.revisions.all()] == [
        (1, article.title, author.user)
    ]
    document = Attachment.objects.get(object_id=article.pk, purpose="document")
    assert document.original_name == "estudio.pdf"
    assert decisions(article) == ["article.create"]


def test_slugs_are_unique_and_never_a_reserved_word() -> None:
    actor = editor()
    first = services.article_create(actor=actor, data=article_data(title="Guía de cierre"))
    second = services.article_create(actor=actor, data=article_data(title="Guía de cierre"))
    reserved = services.article_create(actor=actor, data=article_data(title="New"))
    assert (first.slug, second.slug) == ("guia-de-cierre", "guia-de-cierre-2")
    assert reserved.slug == "articulo-new"


def test_an_author_may_not_set_editor_fields() -> None:
    author = designated_author()
    with pytest.raises(ValueError, match="author_organization"):
        services.article_create(
            actor=author.user, data=article_data(author_organization=OrganizationFactory())
        )
    assert not Article.objects.exists()


@pytest.mark.parametrize("who", ["member", "plain", "revoked_org"])
def test_people_who_are_not_authors_cannot_write(who: str) -> None:
    if who == "member":
        actor = member()
    elif who == "plain":
        actor = UserFactory()
    else:  # named an author, but the organization is no longer an active member
        author = designated_author(organization=OrganizationFactory(membership_status="suspended"))
        actor = author.user
    with pytest.raises(PermissionDenied):
        services.article_create(actor=actor, data=article_data())
    assert not Article.objects.exists()


def test_bad_input_changes_nothing() -> None:
    actor = editor()
    with pytest.raises(ValidationError) as error:
        services.article_create(actor=actor, data=article_data(title="", kind="poem"))
    assert {"title", "kind"} <= set(error.value.message_dict)
    bad_file = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError) as error:
        services.article_create(actor=actor, data=article_data(), files=[bad_file])
    assert "files" in error.value.message_dict
    assert not Article.objects.exists()
    assert not ArticleRevision.objects.exists()
    assert not Attachment.objects.exists()


# --- Update --------------------------------------------------------------------------------


def test_every_save_writes_the_next_revision_and_an_empty_save_writes_nothing() -> None:
    author = designated_author()
    article = services.article_create(actor=author.user, data=article_data())
    services.article_update(
        actor=author.user, article=article, data={"body": "Versión 2"}, note="Texto corregido"
    )
    services.article_update(actor=author.user, article=article, data={"title": "Título 3"})
    services.article_update(actor=author.user, article=article, data={"title": "Título 3"})
    revisions = list(article.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    assert revisions[1].body == "Versión 2"
    assert revisions[1].note == "Texto corregido"
    assert revisions[2].title == "Título 3"
    article.refresh_from_db()
    assert article.slug == "relaves-filtrados-en-la-region-moquegua"  # links keep working
    assert decisions(article) == ["article.create", "article.update", "article.update"]


def test_a_new_document_alone_is_a_revision() -> None:
    actor = editor()
    article = services.article_create(actor=actor, data=article_data())
    services.article_update(actor=actor, article=article, data={}, files=[pdf("anexo.pdf")])
    assert article.revisions.count() == 2
    assert Attachment.objects.filter(object_id=article.pk).count() == 1


def test_a_bad_update_changes_nothing() -> None:
    author = designated_author()
    article = draft_of(author, title="Original")
    with pytest.raises(ValidationError):
        services.article_update(
            actor=author.user, article=article, data={"title": "Nuevo", "visibility": "secret"}
        )
    with pytest.raises(ValidationError):
        services.article_update(actor=author.user, article=article, data={"topics": [999999]})
    article.refresh_from_db()
    assert article.title == "Original"
    assert not article.revisions.exists()


@pytest.mark.parametrize("state", [Status.IN_REVIEW, Status.PUBLISHED])
def test_an_author_edits_only_drafts_editors_any(state: str) -> None:
    author = designated_author()
    article = draft_of(author, status=state, title="Original")
    with pytest.raises(PermissionDenied):
        services.article_update(actor=author.user, article=article, data={"title": "X"})
    other = designated_author()
    with pytest.raises(PermissionDenied):
        services.article_update(actor=other.user, article=draft_of(author), data={"title": "X"})
    services.article_update(actor=editor(), article=article, data={"title": "Por el editor"})
    article.refresh_from_db()
    assert article.title == "Por el editor"


# --- Lifecycle -----------------------------------------------------------------------------


def test_submit_publish_notifies_the_author_and_sets_the_date() -> None:
    author = designated_author()
    article = draft_of(author)
    services.article_submit(actor=author.user, article=article)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    with pytest.raises(PermissionDenied):
        services.article_publish(actor=author.user, article=article)
    services.article_publish(actor=editor(), article=article)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.published_on == timezone.localdate()
    notification = Notification.objects.get(recipient=author.user)
    assert article.title in notification.title
    assert decisions(article)[-2:] == ["article.submit", "article.publish"]


def test_publish_keeps_a_date_set_by_the_editor() -> None:
    article = ArticleFactory(status=Status.IN_REVIEW, published_on=datetime.date(2025, 3, 1))
    services.article_publish(actor=editor(), article=article)
    article.refresh_from_db()
    assert article.published_on == datetime.date(2025, 3, 1)


def test_return_needs_a_reason_and_tells_the_author() -> None:
    author = designated_author()
    article = draft_of(author, status=Status.IN_REVIEW)
    actor = editor()
    with pytest.raises(ValidationError):
        services.article_return(actor=actor, article=article, reason="  ")
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    services.article_return(actor=actor, article=article, reason="Cite las fuentes.")
    article.refresh_from_db()
    assert (article.status, article.review_note) == (Status.DRAFT, "Cite las fuentes.")
    assert "Cite las fuentes." in Notification.objects.get(recipient=author.user).body
    # Back to the author: they edit and send it again.
    services.article_update(actor=author.user, article=article, data={"body": "Con fuentes"})
    services.article_submit(actor=author.user, article=article)


def test_transitions_refuse_the_wrong_state_and_change_nothing() -> None:
    article = ArticleFactory(status=Status.DRAFT, published_on=None)
    with pytest.raises(ValidationError):
        services.article_publish(actor=editor(), article=article)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.published_on is None


def test_archive_and_republish() -> None:
    article = ArticleFactory()
    actor = editor()
    services.article_archive(actor=actor, article=article)
    article.refresh_from_db()
    assert article.status == Status.ARCHIVED
    with pytest.raises(PermissionDenied):
        services.article_republish(actor=member(), article=article)
    services.article_republish(actor=actor, article=article)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


# --- Designated authors --------------------------------------------------------------------


def test_an_editor_designates_a_person_of_the_organization_and_revokes_them() -> None:
    membership = OrganizationMemberFactory()
    actor = editor()
    author = services.author_designate(
        actor=actor, user=membership.user, organization=membership.organization
    )
    assert (author.user, author.organization, author.designated_by) == (
        membership.user,
        membership.organization,
        actor,
    )
    services.author_revoke(actor=actor, author=author)
    assert not KnowledgeAuthor.objects.exists()
    assert decisions(membership.user) == ["knowledge_author.designate", "knowledge_author.revoke"]


def test_designation_refuses_outsiders_inactive_organizations_and_non_editors() -> None:
    membership = OrganizationMemberFactory()
    stranger = UserFactory()
    with pytest.raises(ValidationError):
        services.author_designate(
            actor=editor(), user=stranger, organization=membership.organization
        )
    suspended = OrganizationMemberFactory(
        organization=OrganizationFactory(membership_status="suspended")
    )
    with pytest.raises(ValidationError):
        services.author_designate(
            actor=editor(), user=suspended.user, organization=suspended.organization
        )
    with pytest.raises(PermissionDenied):
        services.author_designate(
            actor=membership.user, user=membership.user, organization=membership.organization
        )
    assert not KnowledgeAuthor.objects.exists()
