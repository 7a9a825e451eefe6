"""Report kind ``member_directory``: the organizations of the cluster, as the secretariat's
organizations list has them (every organization and every field).

One row per organization: legal and trade name, RUC, kind, mining scale or government level,
region and city, membership status and since when, employee band, whether the profile is
public, website, people on the team, and its capabilities (the taxonomy's names in the report's
language, by dimension). Filters: kind, region, membership status. Capabilities are prefetched
per chunk of 2,000 organizations (two queries per chunk).

Who: whoever reads the staff organizations list
(``members.permissions.can_view_membership_records``: any staff role).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.peru import Region
from members.models import Capability, Organization
from members.permissions import can_view_membership_records
from members.workflows import ORGANIZATION

from ..catalogue import ReportContent, ReportKindSpec, register_kind
from ..models import ReportKind
from ..spreadsheets import Column, Sheet
from .common import (
    CHUNK,
    ReportFilterForm,
    choice_filter,
    file_stem,
    labels,
    yes_no,
)


class MemberDirectoryFilters(ReportFilterForm):
    kind = choice_filter(_("Kind"), Organization.Kind.choices)
    region = choice_filter(_("Region"), Region.choices)
    status = choice_filter(_("Membership status"), ORGANIZATION.choices())


def can_request(user: Any, filters: dict[str, Any]) -> bool:
    """The staff organizations list's predicate (filters are criteria: nothing to check)."""
    return can_view_membership_records(user)


def organizations(filters: dict[str, Any]) -> QuerySet[Organization]:
    queryset = Organization.objects.all()
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("region"):
        queryset = queryset.filter(region=filters["region"])
    if filters.get("status"):
        queryset = queryset.filter(membership_status=filters["status"])
    return queryset


def _rows(queryset: QuerySet[Organization]) -> Iterator[dict]:
    kinds = labels(Organization.Kind.choices)
    scales = labels(Organization.MiningScale.choices)
    levels = labels(Organization.GovernmentLevel.choices)
    bands = labels(Organization.EmployeeBand.choices)
    regions = labels(Region.choices)
    statuses = labels(ORGANIZATION.choices())
    dimensions = [d.value for d in Capability.Dimension]
    capabilities = Prefetch(
        "capabilities",
        queryset=Capability.objects.order_by("dimension", "position", "slug"),
    )
    rows = (
        queryset.annotate(people=Count("memberships", distinct=True))
        .defer("description", "other_reference_clients", "membership_status_reason")
        .prefetch_related(capabilities)
        .order_by("legal_name", "pk")
    )
    for organization in rows.iterator(chunk_size=CHUNK):
        by_dimension: dict[str, list[str]] = {d: [] for d in dimensions}
        for capability in organization.capabilities.all():
            by_dimension.setdefault(capability.dimension, []).append(capability.name)
        yield {
            "legal_name": organization.legal_name,
            "trade_name": organization.trade_name or None,
            "ruc": organization.ruc,
            "kind": kinds.get(organization.kind, organization.kind),
            "mining_scale": scales.get(organization.mining_scale),
            "government_level": levels.get(organization.government_level),
            "region": regions.get(organization.region, organization.region),
            "city": organization.city or None,
            "status": statuses.get(organization.membership_status),
            "member_since": organization.member_since,
            "employee_band": bands.get(organization.employee_band),
            "is_public": yes_no(organization.is_public),
            "website": organization.website or None,
            "people": organization.people,
            **{
                f"capabilities_{dimension}": "; ".join(names) or None
                for dimension, names in by_dimension.items()
            },
        }


COLUMNS = [
    Column("legal_name", _("Legal name"), width=40),
    Column("trade_name", _("Trade name"), width=25),
    Column("ruc", _("RUC"), width=13),
    Column("kind", _("Kind"), width=22),
    Column("mining_scale", _("Mining scale"), width=18),
    Column("government_level", _("Government level"), width=12),
    Column("region", _("Region"), width=14),
    Column("city", _("City"), width=14),
    Column("status", _("Membership status"), width=14),
    Column("member_since", _("Member since"), width=11),
    Column("employee_band", _("Employees"), width=18),
    Column("is_public", _("Public profile"), width=8),
    Column("website", _("Website"), width=30),
    Column("people", _("People"), width=8),
    *(
        Column(f"capabilities_{dimension.value}", dimension.label, width=40)
        for dimension in Capability.Dimension
    ),
]


def build(filters: dict[str, Any]) -> ReportContent:
    """The organizations ``filters`` select, by legal name."""
    queryset = organizations(filters)
    return ReportContent(
        sheets=[Sheet(_("Organizations"), COLUMNS, _rows(queryset))],
        total_rows=queryset.count(),
        file_stem=file_stem(
            "members",
            filters.get("kind"),
            filters.get("region"),
            filters.get("status"),
        ),
    )


SPEC = register_kind(
    ReportKindSpec(
        code=ReportKind.MEMBER_DIRECTORY.value,
        title=_("Member directory"),
        description=_(
            "Organizations with their kind, scale, region, membership status and date, "
            "team size and capabilities; by kind, region and status."
        ),
        form_class=MemberDirectoryFilters,
        can_request=can_request,
        build=build,
        icon="building",
    )
)
