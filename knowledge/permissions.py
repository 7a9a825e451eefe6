"""Who may do what in the knowledge base. Plain predicates, asked by views, the API, selectors
(and the search index's visibility columns) and tasks; safe with ``AnonymousUser``.

====================  =================  ==================  =====================  ==========
record                visitor            member (active org)  designated author      editor
====================  =================  ==================  =====================  ==========
article (published)   public ones        + members-only       same                   all, drafts
article (draft)       —                  —                    their own: edit,       review,
                                                              submit for review      publish
barrier               public ones        + members-only;      same                   record, edit,
                                         org admins endorse                          change status
opportunity (publ.)   public ones        + members-only;      same                   all, drafts
                                         register interest
====================  =================  ==================  =====================  ==========

"Editor" is a staff role holding ``core.edit_content``; every other staff role reads all of it
(``can_read_knowledge_staff``). A designated author is a person an editor named
(:class:`knowledge.models.KnowledgeAuthor`) who still belongs to an active member organization.
Endorsing speaks for the organization, so its admins do it; registering interest is a
lighter signal any person of the organization may give (their name is recorded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from cluster_portal.core import roles
from cluster_portal.core.predicates import Verdict
from members.models import Organization
from members.permissions import (
    can_read_staff_area,
    has_staff_permission,
    is_cluster_member,
    is_org_admin,
    is_org_member,
)

if TYPE_CHECKING:
    from .models import Article, RegulatoryBarrier, ValueOpportunity

AnyUser = Any

#: Article states readers see (``knowledge.workflows.ARTICLE``).
READABLE_TAG = "readable"
#: Barrier states that are still being worked on (endorsements are welcome).
ACTIVE_TAG = "active"


def can_edit_content(user: AnyUser) -> bool:
    """Editors: review and publish articles, keep the barrier register and opportunities."""
    return has_staff_permission(user, roles.EDIT_CONTENT)


def can_read_knowledge_staff(user: AnyUser) -> bool:
    return can_edit_content(user) or can_read_staff_area(user)


def is_designated_author(user: AnyUser) -> bool:
    """Named by an editor, and still in an active member organization."""
    if not getattr(user, "is_authenticated", False) or not is_cluster_member(user):
        return False
    from .models import KnowledgeAuthor

    return KnowledgeAuthor.objects.filter(user=user).exists()


def can_write_articles(user: AnyUser) -> bool:
    return can_edit_content(user) or is_designated_author(user)


def _visible(user: AnyUser, visibility: str) -> bool:
    from .models import Visibility

    return visibility == Visibility.PUBLIC or (
        visibility == Visibility.MEMBERS and is_cluster_member(user)
    )


def can_view_article(user: AnyUser, article: Article) -> bool:
    from .workflows import ARTICLE

    if can_read_knowledge_staff(user):
        return True
    if ARTICLE.has_tag(article, READABLE_TAG):
        return _visible(user, article.visibility)
    return bool(getattr(user, "is_authenticated", False)) and article.created_by_id == user.pk


def can_edit_article(user: AnyUser, article: Article) -> Verdict:
    """Editors edit any article; its author edits it while it is a draft."""
    from .workflows import ARTICLE

    if can_edit_content(user):
        return Verdict.yes()
    if not (getattr(user, "is_authenticated", False) and article.created_by_id == user.pk):
        return Verdict.no(_("Only the author or an editor can change this article."))
    if not is_designated_author(user):
        return Verdict.no(_("Only designated authors write articles."))
    if ARTICLE.value_of(article) != "draft":
        return Verdict.no(_("The article is no longer a draft: an editor can change it."))
    return Verdict.yes()


def can_view_barrier(user: AnyUser, barrier: RegulatoryBarrier) -> bool:
    return can_read_knowledge_staff(user) or _visible(user, barrier.visibility)


def can_endorse_barrier(
    user: AnyUser, barrier: RegulatoryBarrier, organization: Organization
) -> Verdict:
    """An admin of an active member organization, on a barrier still being worked on."""
    from .workflows import BARRIER

    if not is_org_admin(user, organization):
        return Verdict.no(_("Only an administrator of the organization can endorse for it."))
    if organization.membership_status != Organization.MembershipStatus.ACTIVE:
        return Verdict.no(_("Only active member organizations can endorse."))
    if not can_view_barrier(user, barrier):
        return Verdict.no(_("You may not see this barrier."))
    if not BARRIER.has_tag(barrier, ACTIVE_TAG):
        return Verdict.no(_("This barrier is closed: it no longer takes endorsements."))
    return Verdict.yes()


def can_view_opportunity(user: AnyUser, opportunity: ValueOpportunity) -> bool:
    from .models import ValueOpportunity

    if can_read_knowledge_staff(user):
        return True
    return opportunity.status == ValueOpportunity.Status.PUBLISHED and _visible(
        user, opportunity.visibility
    )


def can_register_interest(
    user: AnyUser, opportunity: ValueOpportunity, organization: Organization
) -> Verdict:
    """A person of an active member organization, on a published opportunity."""
    from .models import ValueOpportunity

    if not is_org_member(user, organization):
        return Verdict.no(_("Only people of the organization can register its interest."))
    if organization.membership_status != Organization.MembershipStatus.ACTIVE:
        return Verdict.no(_("Only active member organizations can register interest."))
    if opportunity.status != ValueOpportunity.Status.PUBLISHED or not can_view_opportunity(
        user, opportunity
    ):
        return Verdict.no(_("This opportunity is not published."))
    return Verdict.yes()


# --- Added by the opportunities pages (K3) ---------------------------------------------------


def can_withdraw_interest(user: AnyUser, interest: Any) -> bool:
    """An organization's registered interest (``OpportunityInterest``) is withdrawn by a person
    of that organization, or by an editor (who keeps the list tidy)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_edit_content(user) or is_org_member(user, interest.organization)
