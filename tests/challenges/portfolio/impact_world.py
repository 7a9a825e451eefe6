"""A project with one person per role towards it, for the impact ledger's tests.

``impact_world()`` builds a project (supplier lead, university partner, mining sponsor) and:
``lead_person``, ``lead_colleague`` (both of the lead), ``partner_person``, ``sponsor_person``,
``other_member`` (of an unrelated member organization), ``manager`` and ``second_manager``
(portfolio managers), ``auditor`` and ``call_manager`` (staff roles that do not act here).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from djmoney.money import Money

from challenges.models import ImpactEntry, Project
from cluster_portal.core import roles
from members.models import Organization, User
from tests.challenges.factories import ImpactEntryFactory, project_with_roles
from tests.files.samples import PDF_BYTES
from tests.members.factories import OrganizationMemberFactory
from tests.permission_matrix import staff_user


@dataclass
class ImpactWorld:
    project: Project
    lead: Organization
    partner: Organization
    sponsor: Organization
    lead_person: User
    lead_colleague: User
    partner_person: User
    sponsor_person: User
    other_member: User
    manager: User
    second_manager: User
    auditor: User
    call_manager: User

    def person(self, role: str) -> User | None:
        """The person playing ``role`` ("visitor" is nobody)."""
        if role == "visitor":
            return None
        return getattr(self, role)  # type: ignore[no-any-return]

    def entry(self, status: str = ImpactEntry.Status.CLAIMED, **kwargs: Any) -> ImpactEntry:
        """An entry of the project in ``status`` (built directly, as the data migration would)."""
        now = timezone.now()
        stamps: dict[str, Any] = {"claimed_by": self.lead_person}
        if status in (ImpactEntry.Status.CONFIRMED, ImpactEntry.Status.VERIFIED):
            stamps.update(confirmed_by=self.sponsor_person, confirmed_at=now)
        if status == ImpactEntry.Status.VERIFIED:
            stamps.update(verified_by=self.second_manager, verified_at=now)
        return ImpactEntryFactory(project=self.project, status=status, **{**stamps, **kwargs})


def impact_world(**project_kwargs: Any) -> ImpactWorld:
    project, lead, partner, sponsor = project_with_roles(**project_kwargs)
    return ImpactWorld(
        project=project,
        lead=lead,
        partner=partner,
        sponsor=sponsor,
        lead_person=OrganizationMemberFactory(organization=lead).user,
        lead_colleague=OrganizationMemberFactory(organization=lead).user,
        partner_person=OrganizationMemberFactory(organization=partner).user,
        sponsor_person=OrganizationMemberFactory(organization=sponsor).user,
        other_member=OrganizationMemberFactory().user,
        manager=staff_user(roles.PORTFOLIO_MANAGER),
        second_manager=staff_user(roles.PORTFOLIO_MANAGER),
        auditor=staff_user(roles.AUDITOR),
        call_manager=staff_user(roles.CALL_MANAGER),
    )


def contract(**overrides: Any) -> dict[str, Any]:
    """What a form or the API sends for a signed contract."""
    return {
        "kind": ImpactEntry.Kind.CONTRACT,
        "description": "Orden de compra de 2 espesadores con control en línea.",
        "occurred_on": timezone.localdate() - datetime.timedelta(days=5),
        "amount": Money(Decimal("120000.00"), "USD"),
        **overrides,
    }


def jobs(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": ImpactEntry.Kind.JOBS,
        "description": "Técnicos contratados en Moquegua para operar el piloto.",
        "occurred_on": timezone.localdate() - datetime.timedelta(days=20),
        "count": 4,
        **overrides,
    }


def evidence(name: str = "orden-de-compra.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")
