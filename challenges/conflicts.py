"""Conflicts of interest between evaluators and proposals, detected by the portal itself.

:func:`detect_conflicts` looks at every evaluator of the pool (or the ones given) against every
evaluated proposal of a call (or the ones given) and returns, for each conflicted pair, the
reasons (:class:`Flag`), each a sentence naming the organizations involved — for the
coordinator only: in blind review these sentences name the applicants.

The parties of a proposal are its lead organization and its partners (invited or confirmed).
The evaluator's organizations are those they belong to (``OrganizationMember``). A pair is
flagged when:

* ``same_organization`` — the evaluator belongs to the lead (same organization, same RUC);
* ``consortium_partner`` — the evaluator belongs to a partner of the consortium;
* ``corporate_group`` — an evaluator's organization and a party share a parent, or one is
  the other's parent (``Organization.parent``);
* ``email_domain`` — the evaluator's email domain is the domain of a person of a party
  (public providers such as gmail.com are ignored);
* ``joint_proposal`` — an evaluator's organization appears in another proposal (not a draft,
  not withdrawn) together with a party, as lead or partner;
* ``client_relationship`` — a recorded client relationship (``reference_clients``) between an
  evaluator's organization and a party, either way.

The number of queries does not depend on the number of evaluators or proposals (eight at
most). Coordinators' overrides (``ConflictOverride``) are read by :func:`conflict_overrides`
and never deleted: a recomputation only reports flags; whether a flagged pair may be assigned
is the override's business.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils.translation import gettext as _

from members.models import Organization, OrganizationMember

from .models import Call, ConflictOverride, Evaluator, Proposal, ProposalPartner

#: Email providers anyone can use: a shared domain there says nothing.
PUBLIC_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.es",
        "outlook.com",
        "outlook.es",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.es",
        "ymail.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "zoho.com",
    }
)

#: Proposals the evaluation is about (the call's submitted ones, and decided ones).
EVALUATED_STATUSES = (
    Proposal.Status.SUBMITTED,
    Proposal.Status.AWARDED,
    Proposal.Status.NOT_SELECTED,
)
#: Partners that count as part of the consortium.
ACTIVE_PARTNER_STATUSES = (ProposalPartner.Status.INVITED, ProposalPartner.Status.CONFIRMED)

#: Flag codes, in the order they are listed.
CODES = (
    "same_organization",
    "consortium_partner",
    "corporate_group",
    "email_domain",
    "joint_proposal",
    "client_relationship",
)

Pair = tuple[int, int]  # (evaluator id, proposal id)


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "reason": self.reason}


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in (email or "") else ""


def _website_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower() if url else ""
    return host.removeprefix("www.")


@dataclass(frozen=True)
class _Org:
    pk: int
    name: str
    ruc: str
    parent_id: int | None
    parent_name: str


def _org(row: dict[str, Any], prefix: str = "") -> _Org:
    return _Org(
        pk=row[f"{prefix}id"],
        name=row[f"{prefix}trade_name"] or row[f"{prefix}legal_name"],
        ruc=row[f"{prefix}ruc"],
        parent_id=row[f"{prefix}parent_id"],
        parent_name=row[f"{prefix}parent__trade_name"] or row[f"{prefix}parent__legal_name"] or "",
    )


def _org_fields(prefix: str = "") -> list[str]:
    return [
        f"{prefix}{name}"
        for name in (
            "id",
            "legal_name",
            "trade_name",
            "ruc",
            "parent_id",
            "parent__legal_name",
            "parent__trade_name",
        )
    ]


def _same_group(a: _Org, b: _Org) -> str:
    """Why two organizations are one corporate group ("" when they are not)."""
    if a.pk == b.pk:
        return ""
    if a.parent_id is not None and a.parent_id == b.parent_id:
        return _("%(a)s and %(b)s belong to the same corporate group (%(parent)s).") % {
            "a": a.name,
            "b": b.name,
            "parent": a.parent_name,
        }
    if a.parent_id == b.pk:
        return _("%(a)s belongs to the corporate group of %(b)s.") % {"a": a.name, "b": b.name}
    if b.parent_id == a.pk:
        return _("%(b)s belongs to the corporate group of %(a)s.") % {"a": a.name, "b": b.name}
    return ""


def detect_conflicts(
    call: Call,
    *,
    evaluators: Iterable[Evaluator] | None = None,
    proposals: Iterable[Proposal] | None = None,
) -> dict[Pair, list[Flag]]:
    """``{(evaluator_id, proposal_id): [Flag, …]}`` for every conflicted pair of the call.

    ``evaluators`` defaults to the active pool plus anyone already assigned in the call;
    ``proposals`` to the call's evaluated proposals. A constant number of queries."""
    # 1. Proposals and their leads.
    proposal_qs = Proposal.objects.filter(call=call, status__in=EVALUATED_STATUSES)
    if proposals is not None:
        proposal_qs = proposal_qs.filter(pk__in=[p.pk for p in proposals])
    proposal_rows = list(
        proposal_qs.values("id", *_org_fields("lead_organization__")).order_by("pk")
    )
    if not proposal_rows:
        return {}
    parties: dict[int, list[tuple[_Org, str]]] = defaultdict(list)  # proposal → (org, role)
    orgs: dict[int, _Org] = {}
    for row in proposal_rows:
        lead = _org(row, "lead_organization__")
        orgs[lead.pk] = lead
        parties[row["id"]].append((lead, "lead"))
    # 2. Partners of those proposals.
    for row in ProposalPartner.objects.filter(
        proposal_id__in=list(parties), status__in=ACTIVE_PARTNER_STATUSES
    ).values("proposal_id", *_org_fields("organization__")):
        partner = _org(row, "organization__")
        orgs[partner.pk] = partner
        parties[row["proposal_id"]].append((partner, "partner"))

    # 3. Evaluators and their email.
    if evaluators is None:
        evaluator_qs = Evaluator.objects.filter(
            Q(is_active=True) | Q(assignments__call=call)
        ).distinct()
    else:
        evaluator_qs = Evaluator.objects.filter(pk__in=[e.pk for e in evaluators])
    evaluator_rows = list(evaluator_qs.values("id", "user_id", "user__email"))
    if not evaluator_rows:
        return {}
    # 4. The evaluators' organizations.
    user_evaluator = {row["user_id"]: row["id"] for row in evaluator_rows}
    evaluator_orgs: dict[int, list[_Org]] = defaultdict(list)
    for row in OrganizationMember.objects.filter(user_id__in=list(user_evaluator)).values(
        "user_id", *_org_fields("organization__")
    ):
        org = _org(row, "organization__")
        orgs[org.pk] = org
        evaluator_orgs[user_evaluator[row["user_id"]]].append(org)

    party_ids = {org.pk for plist in parties.values() for org, _role in plist}
    own_ids = {org.pk for olist in evaluator_orgs.values() for org in olist}

    # 5. Email domains of the parties' people (and their websites).
    evaluator_domain = {
        row["id"]: email_domain(row["user__email"])
        for row in evaluator_rows
        if email_domain(row["user__email"]) not in PUBLIC_EMAIL_DOMAINS
    }
    party_domains: dict[int, set[str]] = defaultdict(set)
    if evaluator_domain:
        wanted = set(evaluator_domain.values())
        for row in OrganizationMember.objects.filter(organization_id__in=party_ids).values(
            "organization_id", "user__email"
        ):
            domain = email_domain(row["user__email"])
            if domain in wanted:
                party_domains[row["organization_id"]].add(domain)
        for row in (
            Organization.objects.filter(pk__in=party_ids)
            .exclude(website="")
            .values("id", "website")
        ):
            domain = _website_domain(row["website"])
            if domain in wanted:
                party_domains[row["id"]].add(domain)

    # 6. Earlier joint proposals: proposals (other than these) with an evaluator's organization.
    # (own org, party org) → [(proposal id, reference)] of proposals they were in together.
    joint: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    if own_ids:
        others = (
            Proposal.objects.exclude(status__in=(Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN))
            .filter(
                Q(lead_organization_id__in=own_ids)
                | Q(
                    partners__organization_id__in=own_ids,
                    partners__status__in=ACTIVE_PARTNER_STATUSES,
                )
            )
            .values("pk")
        )
        members_of: dict[int, set[int]] = defaultdict(set)
        labels: dict[int, str] = {}
        for row in Proposal.objects.filter(pk__in=others).values(
            "id", "lead_organization_id", "reference", "title"
        ):
            members_of[row["id"]].add(row["lead_organization_id"])
            labels[row["id"]] = row["reference"] or row["title"]
        for row in ProposalPartner.objects.filter(
            proposal_id__in=others, status__in=ACTIVE_PARTNER_STATUSES
        ).values("proposal_id", "organization_id"):
            members_of[row["proposal_id"]].add(row["organization_id"])
        for proposal_id, members in sorted(members_of.items()):
            for own_id in members & own_ids:
                for other_id in members & party_ids:
                    if other_id != own_id:
                        joint[(own_id, other_id)].append((proposal_id, labels[proposal_id]))
    # 7. Recorded client relationships, either way.
    clients: set[tuple[int, int]] = set()  # (supplier, client)
    if own_ids:
        through = Organization.reference_clients.through
        for row in through.objects.filter(
            Q(from_organization_id__in=own_ids, to_organization_id__in=party_ids)
            | Q(from_organization_id__in=party_ids, to_organization_id__in=own_ids)
        ).values("from_organization_id", "to_organization_id"):
            clients.add((row["from_organization_id"], row["to_organization_id"]))

    result: dict[Pair, list[Flag]] = {}
    for evaluator in evaluator_rows:
        eid = evaluator["id"]
        mine = evaluator_orgs.get(eid, [])
        domain = evaluator_domain.get(eid, "")
        for proposal_id, plist in parties.items():
            flags: list[Flag] = []
            for party, role in plist:
                for own in mine:
                    if own.pk == party.pk or own.ruc == party.ruc:
                        code = "same_organization" if role == "lead" else "consortium_partner"
                        text = (
                            _("The evaluator works for %(org)s, the lead organization.")
                            if role == "lead"
                            else _("The evaluator works for %(org)s, a consortium partner.")
                        )
                        flags.append(Flag(code, text % {"org": party.name}))
                        continue
                    group = _same_group(own, party)
                    if group:
                        flags.append(Flag("corporate_group", group))
                    together = [
                        label
                        for pk, label in joint.get((own.pk, party.pk), ())
                        if pk != proposal_id
                    ]
                    if together:
                        flags.append(
                            Flag(
                                "joint_proposal",
                                _(
                                    "%(own)s (the evaluator's organization) and %(party)s were "
                                    "together in proposal %(proposal)s."
                                )
                                % {"own": own.name, "party": party.name, "proposal": together[0]},
                            )
                        )
                    if (own.pk, party.pk) in clients:
                        flags.append(
                            Flag(
                                "client_relationship",
                                _("%(party)s is a recorded client of %(own)s.")
                                % {"party": party.name, "own": own.name},
                            )
                        )
                    if (party.pk, own.pk) in clients:
                        flags.append(
                            Flag(
                                "client_relationship",
                                _("%(own)s is a recorded client of %(party)s.")
                                % {"party": party.name, "own": own.name},
                            )
                        )
                if domain and domain in party_domains.get(party.pk, ()):
                    flags.append(
                        Flag(
                            "email_domain",
                            _("The evaluator's email domain %(domain)s is that of %(org)s.")
                            % {"domain": domain, "org": party.name},
                        )
                    )
            if flags:
                unique = list(dict.fromkeys(flags))
                unique.sort(key=lambda f: CODES.index(f.code))
                result[(eid, proposal_id)] = unique
    return result


def conflict_overrides(
    call: Call, *, proposals: Iterable[int] | None = None
) -> dict[Pair, ConflictOverride]:
    """The coordinator's overrides for the call's proposals: ``{(evaluator_id, proposal_id):
    override}`` (one query)."""
    qs = ConflictOverride.objects.filter(proposal__call=call).select_related("decided_by")
    if proposals is not None:
        qs = qs.filter(proposal_id__in=list(proposals))
    return {(o.evaluator_id, o.proposal_id): o for o in qs}


def blocked_pairs(
    flags: dict[Pair, list[Flag]], overrides: dict[Pair, ConflictOverride]
) -> set[Pair]:
    """Conflicted pairs the solver must not use: flagged and not overridden."""
    return {pair for pair in flags if pair not in overrides}
