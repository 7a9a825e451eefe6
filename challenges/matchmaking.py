"""Matchmaking: which organizations a call is for, and why.

An organization matches a call when it is an active member of the cluster offering at least one
capability (value-chain stage or service area) of the call's challenges; organizations are
ranked by how many of those capabilities they offer. Sponsors of the call are not matched (the
call is theirs). When the call opens, the people of matching organizations are notified
(``challenges.services.calls.call_open`` → audience ``challenges.call_matches``); the call page
tells a signed-in supplier which capabilities matched; call managers see the ranked list.

Capability names are the taxonomy's, never a challenge's own words, so matching tells nobody
anything about a restricted challenge.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from members.models import Capability, Organization

from .models import Call, Challenge


def call_capabilities(*, call_id: int) -> QuerySet[Capability]:
    """Active capabilities of the call's challenges (stages and service areas)."""
    challenges = Challenge.objects.filter(calls=call_id)
    return Capability.objects.filter(
        Q(pk__in=challenges.values("value_chain_stages"))
        | Q(pk__in=challenges.values("service_areas")),
        is_active=True,
    )


def matching_organizations_queryset(*, call_id: int) -> QuerySet[Organization]:
    """Matching organizations, annotated with ``matches`` (how many capabilities), best first.
    Builds the query without running it."""
    capability_ids = call_capabilities(call_id=call_id).values("pk")
    sponsors = Call.sponsors.through.objects.filter(call_id=call_id).values("organization_id")
    return (
        Organization.objects.filter(
            membership_status=Organization.MembershipStatus.ACTIVE,
            capabilities__in=capability_ids,
        )
        .exclude(pk__in=sponsors)
        .annotate(matches=Count("capabilities", distinct=True))
        .order_by("-matches", "legal_name", "pk")
    )


def match_reasons(*, call_id: int, organization_ids: Iterable[int]) -> dict[int, list[Capability]]:
    """For each of ``organization_ids`` that matches the call, the capabilities it matched on
    (one query); organizations that do not match are absent."""
    ids = list(organization_ids)
    if not ids:
        return {}
    through = Organization.capabilities.through
    rows = (
        through.objects.filter(
            organization_id__in=ids,
            capability__in=call_capabilities(call_id=call_id).values("pk"),
        )
        .select_related("capability")
        .order_by("capability__dimension", "capability__position", "capability__slug")
    )
    reasons: dict[int, list[Capability]] = {}
    for row in rows:
        reasons.setdefault(row.organization_id, []).append(row.capability)
    return reasons
