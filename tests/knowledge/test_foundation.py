"""The knowledge base's foundation: lifecycles and predicates on the factories' records."""

from __future__ import annotations

import pytest

from knowledge import permissions
from knowledge.models import Article, Visibility
from knowledge.workflows import ARTICLE, BARRIER
from tests.knowledge.factories import (
    ArticleFactory,
    KnowledgeAuthorFactory,
    RegulatoryBarrierFactory,
    ValueOpportunityFactory,
)
from tests.members.factories import OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_members_only_article_is_hidden_from_visitors_and_shown_to_members() -> None:
    article = ArticleFactory(visibility=Visibility.MEMBERS)
    member = OrganizationMemberFactory().user
    assert permissions.can_view_article(member, article)
    assert not permissions.can_view_article(UserFactory(), article)


def test_a_designated_author_edits_their_draft_only() -> None:
    author = KnowledgeAuthorFactory()
    OrganizationMemberFactory(user=author.user, organization=author.organization)
    draft = ArticleFactory(status=Article.Status.DRAFT, created_by=author.user)
    assert permissions.can_edit_article(author.user, draft)
    assert ARTICLE.check(draft, "submit", actor=author.user)
    assert not ARTICLE.check(draft, "publish", actor=author.user)
    published = ArticleFactory(created_by=author.user)
    assert not permissions.can_edit_article(author.user, published)


def test_editors_change_a_barrier_and_org_admins_endorse_it() -> None:
    barrier = RegulatoryBarrierFactory()
    editor = UserFactory(roles=["editor"])
    admin = OrganizationMemberFactory(role="admin")
    assert BARRIER.check(barrier, "document", actor=editor)
    assert not BARRIER.check(barrier, "document", actor=admin.user)
    assert permissions.can_endorse_barrier(admin.user, barrier, admin.organization)
    plain = OrganizationMemberFactory(organization=admin.organization)
    assert not permissions.can_endorse_barrier(plain.user, barrier, admin.organization)


def test_any_person_of_a_member_organization_registers_interest() -> None:
    opportunity = ValueOpportunityFactory()
    person = OrganizationMemberFactory()
    assert permissions.can_register_interest(person.user, opportunity, person.organization)
    assert not permissions.can_register_interest(UserFactory(), opportunity, person.organization)
