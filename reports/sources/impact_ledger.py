"""Report kind ``impact_ledger``: the portfolio's impact ledger, one row per entry.

Entry number, project, kind, what happened and when, the value (an amount and its currency, or
a count), the counterpart, the state (claimed → confirmed by the sponsor → verified by the
secretariat, or rejected) with each step's date, and the entry a correction replaces (a
correction's value replaces the corrected one in the totals once verified, see
``challenges.models.ImpactEntry``). Filters: the state (verified only, for instance), the kind
and a range of the dates the entries happened on.

Who: whoever reads the staff portfolio and its verification queue (``can_read_challenges_staff``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from challenges.models import ImpactEntry
from challenges.permissions import can_read_challenges_staff
from challenges.workflows import IMPACT

from ..catalogue import ReportContent, ReportKindSpec, register_kind
from ..models import ReportKind
from ..spreadsheets import Column, Sheet
from .common import (
    CHUNK,
    ReportFilterForm,
    choice_filter,
    date_filter,
    date_of,
    decimal_or_none,
    file_stem,
    labels,
    money_columns,
    organization_name,
)


class ImpactLedgerFilters(ReportFilterForm):
    status = choice_filter(_("State"), IMPACT.choices())
    kind = choice_filter(_("Kind"), ImpactEntry.Kind.choices)
    date_from = date_filter(_("Happened from"))
    date_to = date_filter(_("Happened until"))


def can_request(user: Any, filters: dict[str, Any]) -> bool:
    """The staff portfolio's predicate (the ledger is read there and in the queue)."""
    return can_read_challenges_staff(user)


def entries(filters: dict[str, Any]) -> QuerySet[ImpactEntry]:
    """The entries ``filters`` select (state, kind, ``occurred_on`` range, both ends in)."""
    queryset = ImpactEntry.objects.all()
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    date_from, date_to = date_of(filters, "date_from"), date_of(filters, "date_to")
    if date_from:
        queryset = queryset.filter(occurred_on__gte=date_from)
    if date_to:
        queryset = queryset.filter(occurred_on__lte=date_to)
    return queryset


def _rows(queryset: QuerySet[ImpactEntry]) -> Iterator[dict]:
    statuses = labels(IMPACT.choices())
    kinds = labels(ImpactEntry.Kind.choices)
    rows = queryset.order_by("project__code", "occurred_on", "pk").values(
        "pk",
        "project__code",
        "project__title",
        "kind",
        "description",
        "occurred_on",
        "amount",
        "amount_currency",
        "count",
        "counterpart__legal_name",
        "counterpart__trade_name",
        "status",
        "claimed_at",
        "confirmed_at",
        "verified_at",
        "rejected_reason",
        "corrects_id",
    )
    for row in rows.iterator(chunk_size=CHUNK):
        amount = decimal_or_none(row["amount"])
        yield {
            "entry": row["pk"],
            "project": row["project__code"],
            "project_title": row["project__title"],
            "kind": kinds.get(row["kind"], row["kind"]),
            "description": row["description"],
            "occurred_on": row["occurred_on"],
            "amount": amount,
            "amount_currency": row["amount_currency"] if amount is not None else None,
            "count": row["count"],
            "counterpart": organization_name(
                row["counterpart__legal_name"], row["counterpart__trade_name"]
            )
            or None,
            "status": statuses.get(row["status"], row["status"]),
            "claimed_at": row["claimed_at"],
            "confirmed_at": row["confirmed_at"],
            "verified_at": row["verified_at"],
            "rejected_reason": row["rejected_reason"] or None,
            "corrects": row["corrects_id"],
        }


COLUMNS = [
    Column("entry", _("Entry"), width=8),
    Column("project", _("Project"), width=20),
    Column("project_title", _("Project title"), width=40),
    Column("kind", _("Kind"), width=28),
    Column("description", _("Description"), width=50),
    Column("occurred_on", _("Date"), width=11),
    *money_columns("amount", _("Amount")),
    Column("count", _("Count"), width=8),
    Column("counterpart", _("Counterpart"), width=30),
    Column("status", _("State"), width=24),
    Column("claimed_at", _("Claimed"), width=17),
    Column("confirmed_at", _("Confirmed"), width=17),
    Column("verified_at", _("Verified"), width=17),
    Column("rejected_reason", _("Reason for rejecting"), width=30),
    Column("corrects", _("Corrects entry"), width=9),
]


def build(filters: dict[str, Any]) -> ReportContent:
    """The ledger entries ``filters`` select, by project and date."""
    queryset = entries(filters)
    return ReportContent(
        sheets=[Sheet(_("Impact ledger"), COLUMNS, _rows(queryset))],
        total_rows=queryset.count(),
        file_stem=file_stem("impact-ledger", filters.get("status")),
    )


SPEC = register_kind(
    ReportKindSpec(
        code=ReportKind.IMPACT_LEDGER.value,
        title=_("Impact ledger"),
        description=_(
            "Every impact entry of the portfolio with its project, kind, value and currency, "
            "counterpart and verification state and dates; by state, kind and date range."
        ),
        form_class=ImpactLedgerFilters,
        can_request=can_request,
        build=build,
        icon="graph-up-arrow",
    )
)
