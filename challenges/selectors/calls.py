"""Reads of challenge calls: the public list and page, the staff queue, eligibility for the
signed-in person's organizations, matching organizations, the API's querysets and the
dashboard panel. Every list runs a constant number of queries whatever its length."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from cluster_portal.core.queues import ALL_TAB, Queue, QueuePage
from members.models import Organization
from members.viewer import Viewer

from .. import matchmaking, permissions
from ..eligibility import Applicant, Eligibility, Rules, evaluate
from ..models import (
    Call,
    CallClarification,
    CallSubscription,
    Challenge,
    DeadlineExtension,
    Proposal,
)
from ..workflows import (
    ACCEPTS_PROPOSALS,
    CALL,
    COUNTED,
    CRITERIA_EDITABLE,
    PROPOSAL,
    PUBLISHED,
)


def deadline_for(call: Call, organization_id: int | None) -> datetime.datetime | None:
    """When proposals led by ``organization_id`` stop changing: the call's closing time, or the
    organization's logged extension when it is later. Uses ``call.extensions`` when prefetched
    (``prefetch_related("extensions")``), else one query."""
    deadline = call.closes_at
    if organization_id is None:
        return deadline
    cache = getattr(call, "_prefetched_objects_cache", {})
    if "extensions" in cache:
        extended = [
            e.closes_at for e in cache["extensions"] if e.organization_id == organization_id
        ]
    else:
        extended = list(
            DeadlineExtension.objects.filter(
                call=call, organization_id=organization_id
            ).values_list("closes_at", flat=True)
        )
    candidates = [d for d in [deadline, *extended] if d is not None]
    return max(candidates) if candidates else None


# --- Public list -------------------------------------------------------------------------------


def _open_now(now: datetime.datetime) -> Q:
    return Q(status__in=CALL.values_tagged(ACCEPTS_PROPOSALS), closes_at__gt=now)


def published_calls(*, now: datetime.datetime | None = None) -> QuerySet[Call]:
    """Published calls (the ``PUBLISHED`` tag), open ones first (closing soonest first), then
    announced ones (opening soonest first), then the rest (latest first); sponsors prefetched.
    Filter with ``challenges.filters.CallFilter``."""
    now = now or timezone.now()
    announced = set(CALL.values_tagged(CRITERIA_EDITABLE)) & set(CALL.values_tagged(PUBLISHED))
    return (
        Call.objects.filter(status__in=CALL.values_tagged(PUBLISHED))
        .annotate(
            list_group=Case(
                When(_open_now(now), then=Value(0)),
                When(status__in=announced, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .prefetch_related("sponsors")
        .order_by("list_group", "closes_at", "-opens_at", "pk")
    )


def published_calls_for_api() -> QuerySet[Call]:
    """Published calls with everything the API shows (questions, criteria, published FAQ,
    challenge and sponsor ids): a constant number of queries for any page."""
    return published_calls().prefetch_related(
        "questions",
        "criteria",
        Prefetch("challenges", queryset=Challenge.objects.only("pk")),
        Prefetch(
            "clarifications",
            queryset=CallClarification.objects.filter(
                status=CallClarification.Status.PUBLISHED
            ).order_by("-published_at", "pk"),
            to_attr="faq",
        ),
    )


# --- One call ----------------------------------------------------------------------------------


def call_get_for_user(*, user: Any, code: str) -> Call:
    """The call whose code is ``code`` if ``user`` may see it (drafts: staff only), else 404;
    questions, criteria, challenges with their capabilities, sponsors and published FAQ are
    prefetched."""
    call = (
        Call.objects.prefetch_related(
            "questions",
            "criteria",
            "sponsors",
            Prefetch(
                "challenges",
                queryset=Challenge.objects.select_related("organization").prefetch_related(
                    "value_chain_stages", "service_areas"
                ),
            ),
            Prefetch(
                "clarifications",
                queryset=CallClarification.objects.filter(
                    status=CallClarification.Status.PUBLISHED
                ).order_by("-published_at", "pk"),
                to_attr="faq",
            ),
        )
        .filter(code=code)
        .first()
    )
    if call is None or not permissions.can_view_call(user, call):
        raise Http404
    return call


@dataclass(frozen=True)
class ChallengeView:
    """A call's challenge as one reader may see it: its own words, its sanitized public
    version, or nothing but the fact that a confidential challenge is part of the call."""

    challenge: Challenge
    title: str
    summary: str
    public_version: bool
    hidden: bool


def visible_challenges(*, user: Any, call: Call) -> list[ChallengeView]:
    """The call's challenges for ``user`` following the confidentiality table
    (``challenges/permissions.py``); uses the prefetched ``challenges``."""
    views = []
    for challenge in call.challenges.all():
        if permissions.can_view_challenge_original(user, challenge):
            views.append(ChallengeView(challenge, challenge.title, challenge.problem, False, False))
        elif permissions.can_view_challenge(user, challenge):
            views.append(
                ChallengeView(
                    challenge, challenge.public_title, challenge.public_summary, True, False
                )
            )
        else:
            views.append(ChallengeView(challenge, "", "", False, True))
    return views


@dataclass(frozen=True)
class OrganizationEligibility:
    organization: Organization
    eligibility: Eligibility
    deadline: datetime.datetime | None
    #: Capabilities the organization offers that the call's challenges ask for.
    reasons: list[Any]


def led_proposal_counts(*, call: Call, organization_ids: Iterable[int]) -> dict[int, int]:
    """Proposals each organization leads in the call that count for the limit (one query)."""
    ids = list(organization_ids)
    if not ids:
        return {}
    rows = (
        Proposal.objects.filter(
            call=call,
            lead_organization_id__in=ids,
            status__in=PROPOSAL.values_tagged(COUNTED),
        )
        .values("lead_organization_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["lead_organization_id"]: row["n"] for row in rows}


def eligibility_for(
    call: Call, organization: Organization, *, led_proposals: int | None = None
) -> Eligibility:
    """The call's rules evaluated for ``organization`` (no partners yet: the call page)."""
    if led_proposals is None:
        led_proposals = led_proposal_counts(call=call, organization_ids=[organization.pk]).get(
            organization.pk, 0
        )
    return evaluate(Rules.of(call), Applicant.of(organization, led_proposals=led_proposals))


def eligibility_for_viewer(*, call: Call, viewer: Viewer) -> list[OrganizationEligibility]:
    """Each of the person's organizations with the call's rules evaluated for it, its
    deadline (an extension counts) and why the call matches it (four queries at most)."""
    if not viewer.organization_ids:
        return []
    organizations = list(
        Organization.objects.filter(pk__in=viewer.organization_ids).order_by("legal_name")
    )
    counts = led_proposal_counts(call=call, organization_ids=viewer.organization_ids)
    reasons = matchmaking.match_reasons(call_id=call.pk, organization_ids=viewer.organization_ids)
    extensions = {
        e.organization_id: e.closes_at
        for e in DeadlineExtension.objects.filter(
            call=call, organization_id__in=viewer.organization_ids
        )
    }
    result = []
    for organization in organizations:
        deadline = call.closes_at
        extended = extensions.get(organization.pk)
        if extended and (deadline is None or extended > deadline):
            deadline = extended
        result.append(
            OrganizationEligibility(
                organization,
                eligibility_for(call, organization, led_proposals=counts.get(organization.pk, 0)),
                deadline,
                reasons.get(organization.pk, []),
            )
        )
    return result


def is_subscribed(*, user: Any, call: Call) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return CallSubscription.objects.filter(call=call, user=user).exists()


# --- Matchmaking -------------------------------------------------------------------------------


def matching_organizations(*, call: Call, limit: int | None = None) -> list[Organization]:
    """Active members whose capabilities meet the call's challenges', best match first, each
    annotated with ``matches`` and carrying ``match_reasons`` (two queries)."""
    queryset = matchmaking.matching_organizations_queryset(call_id=call.pk)
    organizations = list(queryset[:limit] if limit else queryset)
    reasons = matchmaking.match_reasons(
        call_id=call.pk, organization_ids=[o.pk for o in organizations]
    )
    for organization in organizations:
        organization.match_reasons = reasons.get(organization.pk, [])  # type: ignore[attr-defined]
    return organizations


# --- Staff -------------------------------------------------------------------------------------


CALL_QUEUE = Queue.for_workflow(
    CALL,
    default=ALL_TAB,
    all_first=True,
    ordering=("-created_at", "-pk"),
    search=lambda q: Q(title__icontains=q) | Q(title_en__icontains=q) | Q(code__icontains=q),
)


def call_staff_queue(*, user: Any, params: Mapping[str, Any]) -> QueuePage:
    """The staff list of calls (tabs per state with counts, search, 25 a page), each row
    annotated with ``pending_questions`` and ``proposal_count``."""
    if not permissions.can_read_challenges_staff(user):
        raise Http404
    rows = Call.objects.annotate(
        pending_questions=Count(
            "clarifications",
            filter=Q(clarifications__status=CallClarification.Status.PENDING),
            distinct=True,
        ),
        proposal_count=Count("proposals", distinct=True),
    )
    return CALL_QUEUE.page(rows, params, count_queryset=Call.objects.all())


def call_get_for_staff(*, user: Any, call_id: int) -> Call:
    """A call for the staff pages (any staff role reads; call managers change), else 404."""
    if not permissions.can_read_challenges_staff(user):
        raise Http404
    call = (
        Call.objects.select_related("cloned_from", "created_by")
        .prefetch_related("questions", "criteria", "challenges", "sponsors")
        .filter(pk=call_id)
        .first()
    )
    if call is None:
        raise Http404
    return call


def clarifications_for_staff(*, call: Call) -> QuerySet[CallClarification]:
    """The call's questions, waiting ones first."""
    return (
        call.clarifications.select_related("asked_by", "organization", "answered_by")
        .annotate(
            waiting=Case(
                When(status=CallClarification.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-asked_at", "-pk")
    )


def extensions_for_staff(*, call: Call) -> QuerySet[DeadlineExtension]:
    return call.extensions.select_related("organization", "granted_by").order_by("-granted_at")


def challenges_for_call_choice() -> QuerySet[Challenge]:
    """Challenges a call manager may put in a call: accepted ones."""
    return (
        Challenge.objects.filter(status__in=_challenge_published_values())
        .select_related("organization")
        .order_by("-queued_at", "-pk")
    )


def _challenge_published_values() -> tuple[str, ...]:
    from ..workflows import CHALLENGE

    return CHALLENGE.values_tagged(PUBLISHED)


# --- Dashboard ---------------------------------------------------------------------------------

#: Calls listed at most in the dashboard panel.
PANEL_LIMIT = 5


def open_calls_panel(viewer: Viewer) -> dict[str, Any] | None:
    """ "Open calls for you": open calls whose challenges ask for capabilities the person's
    organizations offer, closing soonest first (two queries; none without an organization)."""
    if not viewer.organization_ids:
        return None
    now = timezone.now()
    capability_ids = Organization.capabilities.through.objects.filter(
        organization_id__in=viewer.organization_ids
    ).values("capability_id")
    matching = Challenge.objects.filter(
        Q(value_chain_stages__in=capability_ids) | Q(service_areas__in=capability_ids)
    ).values("pk")
    calls = list(
        Call.objects.filter(_open_now(now), challenges__in=matching)
        .distinct()
        .order_by("closes_at", "pk")[:PANEL_LIMIT]
    )
    if not calls:
        return None
    return {"calls": calls, "now": now}


def pending_clarifications_count(viewer: Viewer) -> int:
    """Applicants' questions waiting for a call manager (the staff area's count)."""
    return CallClarification.objects.filter(status=CallClarification.Status.PENDING).count()
