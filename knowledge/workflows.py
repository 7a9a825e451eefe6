"""The lifecycle tables of the knowledge base. See :mod:`cluster_portal.core.workflows`.

``Article.status``::

    draft ──submit (author or editor)──▶ in_review ──publish (editor)──▶ published
    in_review ──return (editor, with a reason)──▶ draft
    published ──archive (editor)──▶ archived ──republish (editor)──▶ published

``RegulatoryBarrier.status`` (editors; every move is a row of the barrier's history)::

    identified ──document──▶ documented ──propose──▶ proposed ──open_dialogue──▶ in_dialogue
    proposed | in_dialogue ──resolve──▶ resolved
    identified | documented | proposed | in_dialogue ──drop──▶ dropped
    dropped | resolved ──reopen──▶ identified

``ValueOpportunity.status``: draft ──publish──▶ published ──unpublish──▶ draft (editors).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cluster_portal.core.predicates import Verdict
from cluster_portal.core.workflows import State, Transition, Workflow, frozen, register

from . import permissions
from .models import Article, RegulatoryBarrier, ValueOpportunity
from .permissions import ACTIVE_TAG, READABLE_TAG

ArticleStatus = Article.Status
BarrierStatus = RegulatoryBarrier.Status
OpportunityStatus = ValueOpportunity.Status


def editor(actor: Any, obj: Any) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only an editor can do this."))
    return Verdict.of(permissions.can_edit_content(actor), _("Only an editor can do this."))


def author_or_editor(actor: Any, article: Article) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only the author or an editor can do this."))
    return permissions.can_edit_article(actor, article)


ARTICLE: Workflow[Article] = register(
    Workflow(
        name="knowledge.article",
        model=Article,
        field="status",
        refusal=_("This article is %(state)s: this change is not possible now."),
        states=[
            State(ArticleStatus.DRAFT, "text-bg-light border"),
            State(
                ArticleStatus.IN_REVIEW,
                "text-bg-info",
                description=_("Waiting for an editor's review."),
            ),
            State(ArticleStatus.PUBLISHED, "text-bg-success", tags=frozenset({READABLE_TAG})),
            State(ArticleStatus.ARCHIVED, "text-bg-secondary", tags=frozenset({READABLE_TAG})),
        ],
        transitions=[
            Transition(
                "submit",
                frozen([ArticleStatus.DRAFT]),
                ArticleStatus.IN_REVIEW,
                _("Send for review"),
                guard=author_or_editor,
                audience="author",
                style="primary",
            ),
            Transition(
                "publish",
                frozen([ArticleStatus.IN_REVIEW]),
                ArticleStatus.PUBLISHED,
                _("Publish"),
                guard=editor,
                style="success",
            ),
            Transition(
                "return",
                frozen([ArticleStatus.IN_REVIEW]),
                ArticleStatus.DRAFT,
                _("Return to the author"),
                guard=editor,
                style="outline-warning",
            ),
            Transition(
                "archive",
                frozen([ArticleStatus.PUBLISHED]),
                ArticleStatus.ARCHIVED,
                _("Archive"),
                guard=editor,
                style="outline-secondary",
                confirm=_("Archive this article? It stays readable, marked as archived."),
            ),
            Transition(
                "republish",
                frozen([ArticleStatus.ARCHIVED]),
                ArticleStatus.PUBLISHED,
                _("Publish again"),
                guard=editor,
                style="outline-success",
            ),
        ],
    )
)

_ACTIVE_BARRIER = [
    BarrierStatus.IDENTIFIED,
    BarrierStatus.DOCUMENTED,
    BarrierStatus.PROPOSED,
    BarrierStatus.IN_DIALOGUE,
]

BARRIER: Workflow[RegulatoryBarrier] = register(
    Workflow(
        name="knowledge.barrier",
        model=RegulatoryBarrier,
        field="status",
        refusal=_("This barrier is %(state)s: this change is not possible now."),
        states=[
            State(BarrierStatus.IDENTIFIED, "text-bg-light border", tags=frozenset({ACTIVE_TAG})),
            State(BarrierStatus.DOCUMENTED, "text-bg-info", tags=frozenset({ACTIVE_TAG})),
            State(BarrierStatus.PROPOSED, "text-bg-primary", tags=frozenset({ACTIVE_TAG})),
            State(BarrierStatus.IN_DIALOGUE, "text-bg-warning", tags=frozenset({ACTIVE_TAG})),
            State(BarrierStatus.RESOLVED, "text-bg-success"),
            State(BarrierStatus.DROPPED, "text-bg-secondary"),
        ],
        transitions=[
            Transition(
                "document",
                frozen([BarrierStatus.IDENTIFIED]),
                BarrierStatus.DOCUMENTED,
                _("Mark as documented"),
                guard=editor,
            ),
            Transition(
                "propose",
                frozen([BarrierStatus.DOCUMENTED]),
                BarrierStatus.PROPOSED,
                _("Record the improvement proposal"),
                guard=editor,
            ),
            Transition(
                "open_dialogue",
                frozen([BarrierStatus.PROPOSED]),
                BarrierStatus.IN_DIALOGUE,
                _("Dialogue with the authority started"),
                guard=editor,
            ),
            Transition(
                "resolve",
                frozen([BarrierStatus.PROPOSED, BarrierStatus.IN_DIALOGUE]),
                BarrierStatus.RESOLVED,
                _("Mark as resolved"),
                guard=editor,
                style="success",
            ),
            Transition(
                "drop",
                frozen(_ACTIVE_BARRIER),
                BarrierStatus.DROPPED,
                _("Drop"),
                guard=editor,
                style="outline-danger",
                confirm=_("Drop this barrier? Its record and endorsements are kept."),
            ),
            Transition(
                "reopen",
                frozen([BarrierStatus.DROPPED, BarrierStatus.RESOLVED]),
                BarrierStatus.IDENTIFIED,
                _("Reopen"),
                guard=editor,
                style="outline-primary",
            ),
        ],
    )
)

OPPORTUNITY: Workflow[ValueOpportunity] = register(
    Workflow(
        name="knowledge.opportunity",
        model=ValueOpportunity,
        field="status",
        states=[
            State(OpportunityStatus.DRAFT, "text-bg-light border"),
            State(OpportunityStatus.PUBLISHED, "text-bg-success"),
        ],
        transitions=[
            Transition(
                "publish",
                frozen([OpportunityStatus.DRAFT]),
                OpportunityStatus.PUBLISHED,
                _("Publish"),
                guard=editor,
                style="success",
            ),
            Transition(
                "unpublish",
                frozen([OpportunityStatus.PUBLISHED]),
                OpportunityStatus.DRAFT,
                _("Withdraw from publication"),
                guard=editor,
                style="outline-secondary",
            ),
        ],
    )
)
