"""The groups a mission's quotas count places in ("at least 4 small companies", "at least 3
from regions outside Arequipa"): one catalogue, pure functions over an organization's facts.

A group is a property of the *organization* (a place is an organization, see
:mod:`missions.selection`), computed from what the member directory already records: kind,
mining scale, employee band and region. Groups overlap: a small supplier from Tacna counts for
``small_company`` and ``outside_arequipa`` at once.

"Small company" follows Peru's own line for a micro or small enterprise (Ley 30056: the
portal records the employee band, not the yearly sales SUNAT uses, so the band stands in for
it: up to 50 employees), and a small-scale or artisanal mining company counts as small whatever
its band.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class OrganizationFacts:
    """What the groups are computed from (an ``Organization``'s columns)."""

    kind: str
    mining_scale: str = ""
    employee_band: str = ""
    region: str = ""


class Group(models.TextChoices):
    SMALL_COMPANY = "small_company", _("Small companies")
    OUTSIDE_AREQUIPA = "outside_arequipa", _("Organizations from regions outside Arequipa")
    METS_SUPPLIER = "mets_supplier", _("METS suppliers")
    MINING_COMPANY = "mining_company", _("Mining companies")
    ACADEMIA = "academia", _("Academia")


SMALL_BANDS = frozenset({"1-10", "11-50"})
SMALL_SCALES = frozenset({"small", "artisanal"})
COMPANY_KINDS = frozenset({"mets", "mining"})

_RULES: dict[str, Callable[[OrganizationFacts], bool]] = {
    Group.SMALL_COMPANY: lambda o: (
        o.kind in COMPANY_KINDS
        and (
            o.employee_band in SMALL_BANDS
            or (o.kind == "mining" and o.mining_scale in SMALL_SCALES)
        )
    ),
    Group.OUTSIDE_AREQUIPA: lambda o: bool(o.region) and o.region != "arequipa",
    Group.METS_SUPPLIER: lambda o: o.kind == "mets",
    Group.MINING_COMPANY: lambda o: o.kind == "mining",
    Group.ACADEMIA: lambda o: o.kind == "academia",
}


def groups_of(facts: OrganizationFacts) -> frozenset[str]:
    """The group codes an organization belongs to."""
    return frozenset(str(code) for code, rule in _RULES.items() if rule(facts))


def facts_of(organization: object) -> OrganizationFacts:
    """The facts of an ``Organization`` (or anything with the same attributes)."""
    return OrganizationFacts(
        kind=getattr(organization, "kind", ""),
        mining_scale=getattr(organization, "mining_scale", "") or "",
        employee_band=getattr(organization, "employee_band", "") or "",
        region=getattr(organization, "region", "") or "",
    )
