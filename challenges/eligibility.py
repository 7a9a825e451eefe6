"""A call's eligibility rules, evaluated for one organization: pure functions, no database.

The call page shows a signed-in applicant each rule passing or failing for their own
organization, with its reason; ``proposal_create`` and ``proposal_submit`` refuse what fails.
The caller gathers the facts (:class:`Applicant`) — the organization, its confirmed partners'
kinds, how many proposals it already leads in the call — so that this module can be tested
without a database and used the same way by pages, services and the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from cluster_portal.core.peru import Region
from members.models import Organization

#: Organization membership statuses that count as "member" for ``members_only`` calls.
MEMBER_STATUSES = frozenset({Organization.MembershipStatus.ACTIVE})


@dataclass(frozen=True)
class Applicant:
    """The facts about an organization that the rules look at."""

    kind: str
    region: str
    membership_status: str
    #: Kinds of the proposal's *confirmed* partners (empty before a proposal exists).
    partner_kinds: tuple[str, ...] = ()
    #: Proposals the organization already leads in this call and that count (drafts and
    #: submitted ones; withdrawn ones do not), excluding the one being checked.
    led_proposals: int = 0

    @classmethod
    def of(
        cls,
        organization: Organization,
        *,
        partner_kinds: Iterable[str] = (),
        led_proposals: int = 0,
    ) -> Applicant:
        return cls(
            kind=organization.kind,
            region=organization.region,
            membership_status=organization.membership_status,
            partner_kinds=tuple(partner_kinds),
            led_proposals=led_proposals,
        )


@dataclass(frozen=True)
class Rules:
    """A call's rules (``Rules.of(call)``); empty lists mean "any"."""

    kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    members_only: bool = False
    required_partner_kinds: tuple[str, ...] = ()
    max_proposals: int | None = None

    @classmethod
    def of(cls, call: object) -> Rules:
        return cls(
            kinds=tuple(getattr(call, "eligible_kinds", None) or ()),
            regions=tuple(getattr(call, "eligible_regions", None) or ()),
            members_only=bool(getattr(call, "members_only", False)),
            required_partner_kinds=tuple(getattr(call, "required_partner_kinds", None) or ()),
            max_proposals=getattr(call, "max_proposals_per_organization", None),
        )


@dataclass(frozen=True)
class RuleResult:
    code: str
    #: The rule as the call page states it ("Led by a METS supplier or academia").
    label: str | Promise
    passed: bool
    #: Why it passes or fails for this organization.
    reason: str | Promise = ""
    #: A rule that only a consortium can meet later (a required partner kind): the
    #: organization may start a proposal but not submit it until the rule passes.
    at_submission: bool = False


@dataclass(frozen=True)
class Eligibility:
    results: tuple[RuleResult, ...] = field(default_factory=tuple)

    @property
    def may_start(self) -> bool:
        """Every rule that applies when creating a proposal passes."""
        return all(r.passed for r in self.results if not r.at_submission)

    @property
    def may_submit(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.results)


# Labels stay lazy until shown, so that a result computed in one language reads in the page's.
def _kind_label(kind: str) -> str | Promise:
    return Organization.Kind(kind).label if kind in Organization.Kind.values else kind


def _region_label(region: str) -> str | Promise:
    return Region(region).label if region in Region.values else region


def _join(labels: Sequence[str | Promise]) -> str | Promise:
    return format_lazy(", ".join(["{}"] * len(labels)), *labels)


def evaluate(rules: Rules, applicant: Applicant, *, creating: bool = False) -> Eligibility:
    """Every rule of ``rules`` for ``applicant``, in a fixed order, each with its reason.

    ``creating``: the organization is about to start one more proposal, so the limit on
    proposals counts it (``led_proposals + 1``).
    """
    results: list[RuleResult] = []
    if rules.kinds:
        allowed = [_kind_label(k) for k in rules.kinds]
        ok = applicant.kind in rules.kinds
        results.append(
            RuleResult(
                "kind",
                format_lazy(_("Led by: {kinds}"), kinds=_join(allowed)),
                ok,
                _("Your organization's kind is accepted.")
                if ok
                else format_lazy(
                    _("Your organization is registered as “{kind}”."),
                    kind=_kind_label(applicant.kind),
                ),
            )
        )
    if rules.members_only:
        ok = applicant.membership_status in MEMBER_STATUSES
        results.append(
            RuleResult(
                "members_only",
                _("Led by an active member of the cluster"),
                ok,
                _("Your organization is an active member.")
                if ok
                else _("Your organization is not an active member of the cluster."),
            )
        )
    if rules.regions:
        allowed = [_region_label(r) for r in rules.regions]
        ok = applicant.region in rules.regions
        results.append(
            RuleResult(
                "region",
                format_lazy(_("Based in: {regions}"), regions=_join(allowed)),
                ok,
                format_lazy(
                    _("Your organization is registered in {region}."),
                    region=_region_label(applicant.region),
                ),
            )
        )
    for kind in dict.fromkeys(rules.required_partner_kinds):
        ok = kind in applicant.partner_kinds
        results.append(
            RuleResult(
                f"partner_{kind}",
                format_lazy(
                    _("At least one confirmed partner of kind “{kind}”"), kind=_kind_label(kind)
                ),
                ok,
                _("The consortium has one.")
                if ok
                else _("Invite one as a partner; it must confirm before you submit."),
                at_submission=True,
            )
        )
    if rules.max_proposals:
        count = applicant.led_proposals + (1 if creating else 0)
        ok = count <= rules.max_proposals
        results.append(
            RuleResult(
                "max_proposals",
                ngettext_lazy(
                    "At most %(count)d proposal led per organization",
                    "At most %(count)d proposals led per organization",
                    "count",
                )
                % {"count": rules.max_proposals},
                ok,
                ngettext_lazy(
                    "Your organization leads %(count)d proposal in this call.",
                    "Your organization leads %(count)d proposals in this call.",
                    "count",
                )
                % {"count": applicant.led_proposals},
            )
        )
    return Eligibility(tuple(results))
