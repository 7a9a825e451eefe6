"""Report kind ``call_proposals``: every proposal of one call, as the staff proposals list has
them (drafts included), with the consortium and the money asked for.

One row per proposal: reference, title, status, lead organization (kind, region), the partners
invited or confirmed (names and roles), the challenge it answers, when it was submitted, TRLs,
duration, budget and co-funding with their currencies. Streamed: proposals come 2,000 at a time
as values with their lead joined, and the partners of each chunk in one more query, so a
call of 100,000 proposals is written in flat memory. No answer to the call's questions is
exported.

Who: whoever reads the staff proposals list of a call (``can_read_challenges_staff``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from challenges.models import Call, Proposal, ProposalPartner
from challenges.workflows import PARTNER, PARTNER_ACTIVE_TAG, PROPOSAL
from cluster_portal.core.peru import Region
from members.models import Organization

from ..catalogue import ReportContent, ReportKindSpec, register_kind
from ..models import ReportKind
from ..spreadsheets import Column, Sheet
from .call_ranking import call_field
from .call_ranking import can_request as can_request_call
from .common import (
    CHUNK,
    ReportFilterForm,
    choice_filter,
    decimal_or_none,
    file_stem,
    labels,
    money_columns,
    organization_name,
)


class CallProposalsFilters(ReportFilterForm):
    call = call_field()
    status = choice_filter(_("Status"), PROPOSAL.choices())


def can_request(user: Any, filters: dict[str, Any]) -> bool:
    """The staff proposals list's predicate (the same as the ranking's); the call exists."""
    return can_request_call(user, filters)


def proposals(filters: dict[str, Any]) -> QuerySet[Proposal]:
    """The call's proposals asked for, in reference order (drafts, without one, last)."""
    queryset = Proposal.objects.filter(call_id=int(filters["call"]))
    status = filters.get("status")
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def _partners_of(proposal_ids: list[int], statuses: dict[str, str]) -> dict[int, list[str]]:
    """``{proposal id: ["Name (role, status)", ...]}`` for the active partners (one query)."""
    active = PARTNER.values_tagged(PARTNER_ACTIVE_TAG)
    found: dict[int, list[str]] = defaultdict(list)
    rows = (
        ProposalPartner.objects.filter(proposal_id__in=proposal_ids, status__in=active)
        .order_by("proposal_id", "invited_at", "pk")
        .values_list(
            "proposal_id",
            "organization__legal_name",
            "organization__trade_name",
            "role",
            "status",
        )
    )
    for proposal_id, legal_name, trade_name, role, status in rows:
        name = organization_name(legal_name, trade_name)
        found[proposal_id].append(f"{name} ({role}, {statuses.get(status, status)})")
    return found


def _rows(queryset: QuerySet[Proposal]) -> Iterator[dict]:
    statuses = labels(PROPOSAL.choices())
    kinds = labels(Organization.Kind.choices)
    regions = labels(Region.choices)
    partner_statuses = labels(PARTNER.choices())
    rows = (
        queryset.order_by(F("reference").asc(nulls_last=True), "pk")
        .values(
            "pk",
            "reference",
            "title",
            "status",
            "submitted_at",
            "trl_start",
            "trl_end",
            "duration_months",
            "budget",
            "budget_currency",
            "co_funding",
            "co_funding_currency",
            "lead_organization__legal_name",
            "lead_organization__trade_name",
            "lead_organization__ruc",
            "lead_organization__kind",
            "lead_organization__region",
            "challenge__title",
        )
        .iterator(chunk_size=CHUNK)
    )
    # The partners of a chunk of proposals in one query, as Django's prefetch would, without
    # building a model instance per row (a third of the time and of the memory).
    while chunk := list(islice(rows, CHUNK)):
        partners = _partners_of([row["pk"] for row in chunk], partner_statuses)
        for row in chunk:
            consortium = partners.get(row["pk"], [])
            budget, co_funding = row["budget"], row["co_funding"]
            yield {
                "reference": row["reference"],
                "title": row["title"],
                "status": statuses.get(row["status"], row["status"]),
                "lead": organization_name(
                    row["lead_organization__legal_name"], row["lead_organization__trade_name"]
                ),
                "lead_ruc": row["lead_organization__ruc"],
                "lead_kind": kinds.get(row["lead_organization__kind"]),
                "lead_region": regions.get(row["lead_organization__region"]),
                "partners": "; ".join(consortium) or None,
                "partner_count": len(consortium),
                "challenge": row["challenge__title"],
                "submitted_at": row["submitted_at"],
                "trl_start": row["trl_start"],
                "trl_end": row["trl_end"],
                "duration_months": row["duration_months"],
                "budget": decimal_or_none(budget),
                "budget_currency": row["budget_currency"] if budget is not None else None,
                "co_funding": decimal_or_none(co_funding),
                "co_funding_currency": (
                    row["co_funding_currency"] if co_funding is not None else None
                ),
            }


COLUMNS = [
    Column("reference", _("Reference"), width=17),
    Column("title", _("Title"), width=45),
    Column("status", _("Status"), width=14),
    Column("lead", _("Lead organization"), width=30),
    Column("lead_ruc", _("RUC"), width=13),
    Column("lead_kind", _("Kind of organization"), width=20),
    Column("lead_region", _("Region"), width=14),
    Column("partners", _("Consortium partners"), width=50),
    Column("partner_count", _("Partners"), width=9),
    Column("challenge", _("Challenge addressed"), width=35),
    Column("submitted_at", _("Submitted at"), width=17),
    Column("trl_start", _("TRL now"), width=8),
    Column("trl_end", _("TRL at the end"), width=8),
    Column("duration_months", _("Duration (months)"), width=10),
    *money_columns("budget", _("Budget requested")),
    *money_columns("co_funding", _("Co-funding"), _("Co-funding currency")),
]


def build(filters: dict[str, Any]) -> ReportContent:
    """Every proposal of ``filters["call"]`` (optionally of one ``status``)."""
    call = Call.objects.only("pk", "code").get(pk=int(filters["call"]))
    queryset = proposals(filters)
    return ReportContent(
        sheets=[Sheet(_("Proposals"), COLUMNS, _rows(queryset))],
        total_rows=queryset.count(),
        file_stem=file_stem("proposals", call.code, filters.get("status")),
    )


SPEC = register_kind(
    ReportKindSpec(
        code=ReportKind.CALL_PROPOSALS.value,
        title=_("Proposals of a call"),
        description=_(
            "Every proposal of one call with its status, lead organization, consortium "
            "partners, submission date and the budget and co-funding requested."
        ),
        form_class=CallProposalsFilters,
        can_request=can_request,
        build=build,
        icon="inboxes",
    )
)
