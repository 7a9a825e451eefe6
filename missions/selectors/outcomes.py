"""Reads of mission outcomes: a delegate's outcome and agreements, the projects a contract can
be claimed in, and the coordinators' outcome page of a mission (rows per delegate, totals,
agreements with their ledger link). Money is summed per currency: soles are never added to
dollars. Constant queries whatever the number of delegates and agreements.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from djmoney.money import Money

from ..models import Agreement, Application, Delegate, Mission, Outcome


def delegate_outcome(delegate: Delegate) -> Outcome | None:
    return Outcome.objects.filter(delegate=delegate).first()


def delegate_agreements(delegate: Delegate) -> QuerySet[Agreement]:
    return (
        Agreement.objects.filter(delegate=delegate)
        .select_related("impact_entry")
        .order_by("-created_at", "-pk")
    )


def impact_projects(delegate: Delegate) -> QuerySet[Any]:
    """Projects whose supplier lead is the delegate's organization (the only ones a contract
    from the mission can be claimed in)."""
    from ..services.outcomes import lead_projects

    return lead_projects(delegate)


def money_by_currency(values: list[Money | None]) -> list[Money]:
    """One total per currency (in currency order), never mixing them."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for value in values:
        if value is not None:
            totals[str(value.currency)] += value.amount
    return [Money(amount, currency) for currency, amount in sorted(totals.items())]


@dataclass(frozen=True)
class OutcomeRow:
    delegate: Delegate
    outcome: Outcome | None
    agreements: list[Agreement]


@dataclass(frozen=True)
class MissionOutcomes:
    mission: Mission
    rows: list[OutcomeRow]
    agreements: list[Agreement]
    delegates: int
    reported: int
    contacts: int
    #: The agreements the delegates counted on their outcome (they may not list each one).
    agreements_reported: int
    business: list[Money]
    agreement_value: list[Money]


def mission_outcomes(*, mission: Mission) -> MissionOutcomes:
    """Every included delegate of an accepted application, with their outcome and agreements,
    and the mission's totals. Three queries."""
    delegates = list(
        Delegate.objects.filter(
            mission=mission, included=True, application__status=Application.Status.ACCEPTED
        )
        .select_related("person", "application__organization", "outcome")
        .prefetch_related(
            Prefetch(
                "agreements",
                Agreement.objects.select_related("impact_entry").order_by("-created_at", "-pk"),
            )
        )
        .order_by("application__organization__legal_name", "application_id", "position", "pk")
    )
    rows = [OutcomeRow(d, getattr(d, "outcome", None), list(d.agreements.all())) for d in delegates]
    outcomes = [r.outcome for r in rows if r.outcome is not None]
    agreements = sorted(
        (a for r in rows for a in r.agreements), key=lambda a: (a.created_at, a.pk), reverse=True
    )
    return MissionOutcomes(
        mission=mission,
        rows=rows,
        agreements=agreements,
        delegates=len(rows),
        reported=len(outcomes),
        contacts=sum(o.contacts_made for o in outcomes),
        agreements_reported=sum(o.agreements for o in outcomes),
        business=money_by_currency([o.business_generated for o in outcomes]),
        agreement_value=money_by_currency([a.value for a in agreements]),
    )
