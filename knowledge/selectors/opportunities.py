"""Reads of value-added opportunities: the public list and page (what the reader may see:
``knowledge.permissions``), the editors' list, and the API's rows.

Querysets come with their relations prefetched, so a list page or an API page costs the same
number of queries whatever its length. The reader's audience is computed once per call
(:func:`reader_visibilities`), the same rule as ``permissions.can_view_opportunity``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from members.models import Organization
from members.permissions import (
    directory_audience,
    is_cluster_member,
    organization_visible_to,
)
from members.viewer import viewer_for

from .. import permissions
from ..models import Article, OpportunityInterest, ValueOpportunity, Visibility
from ..permissions import READABLE_TAG

Role = OpportunityInterest.Role

#: Labels of the three assessments, in the order pages show them.
ASSESSMENT_LABELS: dict[str, Promise] = {
    "economic": _("Economic"),
    "financial": _("Financial"),
    "environmental": _("Environmental"),
}
MAX_RATING = 5


# --- Audience --------------------------------------------------------------------------------


def reader_visibilities(user: Any) -> tuple[str, ...]:
    """The visibilities ``user`` reads: members-only items for cluster members and staff."""
    if permissions.can_read_knowledge_staff(user) or is_cluster_member(user):
        return (Visibility.PUBLIC, Visibility.MEMBERS)
    return (Visibility.PUBLIC,)


def _readable_article_states() -> tuple[str, ...]:
    from ..workflows import ARTICLE

    return ARTICLE.values_tagged(READABLE_TAG)


def readable_articles(visibilities: Sequence[str]) -> QuerySet[Article]:
    """Published or archived articles of ``visibilities``, newest first."""
    return Article.objects.filter(
        status__in=_readable_article_states(), visibility__in=visibilities
    ).order_by("-published_on", "title")


def studies_for(user: Any, opportunity: ValueOpportunity) -> list[Article]:
    """The linked studies ``user`` may read (staff readers: every linked one)."""
    if permissions.can_read_knowledge_staff(user):
        return list(opportunity.studies.order_by("-published_on", "title"))
    return list(readable_articles(reader_visibilities(user)).filter(opportunities=opportunity))


# --- Presentation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    key: str
    label: Promise
    rating: int
    justification: str
    sources: str

    @property
    def badge(self) -> str:
        """Colour only repeats the number, which the badge always says in words."""
        if self.rating >= 4:
            return "text-bg-success"
        if self.rating == 3:
            return "text-bg-warning"
        return "text-bg-secondary"

    @property
    def max_rating(self) -> int:
        return MAX_RATING


def assessments_of(opportunity: ValueOpportunity) -> list[Assessment]:
    return [
        Assessment(
            key=key,
            label=label,
            rating=int(getattr(opportunity, f"{key}_rating")),
            justification=str(getattr(opportunity, f"{key}_justification")),
            sources=str(getattr(opportunity, f"{key}_sources")),
        )
        for key, label in ASSESSMENT_LABELS.items()
    ]


def _english() -> bool:
    return (get_language() or "es").startswith("en")


@dataclass
class OpportunityCard:
    opportunity: ValueOpportunity
    assessments: list[Assessment]
    #: The product's name in the reader's language (the Spanish one when no translation).
    product: str
    #: True when ``product`` is Spanish shown on an English page (``lang="es"``).
    product_lang_es: bool = False


def opportunity_card(opportunity: ValueOpportunity) -> OpportunityCard:
    english = _english()
    translated = english and bool(opportunity.product_en)
    return OpportunityCard(
        opportunity=opportunity,
        assessments=assessments_of(opportunity),
        product=opportunity.product_en if translated else opportunity.product,
        product_lang_es=english and not translated,
    )


def opportunity_cards(opportunities: Iterable[ValueOpportunity]) -> list[OpportunityCard]:
    return [opportunity_card(o) for o in opportunities]


# --- Public list and page --------------------------------------------------------------------


def published_opportunities(*, user: Any) -> QuerySet[ValueOpportunity]:
    """Published opportunities ``user`` may read, by stage and product."""
    return ValueOpportunity.objects.filter(
        status=ValueOpportunity.Status.PUBLISHED,
        visibility__in=reader_visibilities(user),
    ).order_by("stage", "product", "pk")


def opportunity_get_for_user(*, user: Any, slug: str) -> ValueOpportunity:
    """The opportunity with ``slug`` if ``user`` may read it (staff readers: drafts too), else
    ``Http404`` (a members-only or draft opportunity is not revealed)."""
    opportunity = ValueOpportunity.objects.filter(slug=slug).first()
    if opportunity is None or not permissions.can_view_opportunity(user, opportunity):
        raise Http404
    return opportunity


@dataclass
class InterestRow:
    interest: OpportunityInterest
    #: The directory profile's link is shown only when the reader may see that profile.
    linked: bool
    #: The reader belongs to the organization (or is an editor): may withdraw it.
    withdrawable: bool


@dataclass
class RoleGroup:
    role: str
    label: Promise | str
    rows: list[InterestRow] = field(default_factory=list)
    #: Organizations whose profile the reader may not see: counted, not named.
    hidden: int = 0


def interests_by_role(user: Any, opportunity: ValueOpportunity) -> list[RoleGroup]:
    """Interested organizations grouped by role (supplier, buyer, investor), in the order they
    registered. An organization whose directory profile ``user`` may not see is counted only."""
    audience = directory_audience(user)
    own = viewer_for(user).organization_ids if getattr(user, "is_authenticated", False) else ()
    editor = permissions.can_edit_content(user)
    groups = {value: RoleGroup(role=value, label=label) for value, label in Role.choices}
    interests = opportunity.interests.select_related("organization", "registered_by").order_by(
        "created_at", "pk"
    )
    for interest in interests:
        group = groups[interest.role]
        mine = interest.organization_id in own
        if organization_visible_to(audience, interest.organization, own=mine):
            group.rows.append(
                InterestRow(interest=interest, linked=True, withdrawable=mine or editor)
            )
        elif mine or editor:
            group.rows.append(InterestRow(interest=interest, linked=False, withdrawable=True))
        else:
            group.hidden += 1
    return list(groups.values())


def interest_organizations(user: Any) -> list[Organization]:
    """The active member organizations ``user`` belongs to (those that may register interest),
    by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = viewer_for(user).organization_ids
    if not ids:
        return []
    return list(
        Organization.objects.filter(
            pk__in=ids, membership_status=Organization.MembershipStatus.ACTIVE
        ).order_by("trade_name", "legal_name")
    )


# --- Editors ---------------------------------------------------------------------------------


def staff_opportunities() -> QuerySet[ValueOpportunity]:
    """Every opportunity (drafts too), with its interest and study counts."""
    return ValueOpportunity.objects.annotate(
        interest_count=Count("interests", distinct=True),
        study_count=Count("studies", distinct=True),
    ).order_by("status", "stage", "product", "pk")


def opportunity_get_for_staff(*, user: Any, opportunity_id: int) -> ValueOpportunity:
    """Staff readers of the knowledge base only (``PermissionDenied`` is the view's)."""
    opportunity = ValueOpportunity.objects.filter(pk=opportunity_id).first()
    if opportunity is None or not permissions.can_read_knowledge_staff(user):
        raise Http404
    return opportunity


def linkable_articles(opportunity: ValueOpportunity | None = None) -> QuerySet[Article]:
    """Articles an editor may link as studies: published ones, and those already linked."""
    condition = Q(status=Article.Status.PUBLISHED)
    if opportunity is not None and opportunity.pk:
        condition |= Q(opportunities=opportunity)
    return Article.objects.filter(condition).distinct().order_by("title")


# --- API -------------------------------------------------------------------------------------


def opportunity_api_queryset(*, visibilities: Sequence[str]) -> QuerySet[ValueOpportunity]:
    """Published opportunities of ``visibilities`` with the interest count per role
    (``<role>_count``) and, in ``visible_studies``, the linked studies of the same visibilities
    (published or archived)."""
    counts = {
        f"{role}_count": Count("interests", filter=Q(interests__role=role)) for role in Role.values
    }
    return (
        ValueOpportunity.objects.filter(
            status=ValueOpportunity.Status.PUBLISHED, visibility__in=visibilities
        )
        .annotate(**counts)
        .prefetch_related(
            Prefetch(
                "studies",
                queryset=readable_articles(visibilities),
                to_attr="visible_studies",
            )
        )
    )
