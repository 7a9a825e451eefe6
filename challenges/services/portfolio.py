"""Writes of the project portfolio: projects (from an award or created directly), their
organizations and funding, milestones with evidence and the sponsor's acceptance, KPIs with
their periods, progress updates with comments, and the reminders before an update is due.

Who may do what is ``challenges.permissions`` (the portfolio table) and the lifecycles
``PROJECT`` / ``MILESTONE`` (``challenges/workflows.py``), asked after the row lock. A refusal
raises ``PermissionDenied`` (who) or ``ValidationError`` (what, when) and changes nothing.
Every write is audited (``audit_decision``) in its own transaction.

Decisions taken here:

* **From an award** (:func:`project_create_from_award`, called by ``decisions_publish`` in
  its transaction): the project's sponsors are the call's sponsor companies (the companies
  of the addressed challenges when the call lists none); its funding rows are

  - the call's money: what the proposal asked from the call (``budget - co_funding``, or the
    whole budget without co-funding), capped at the call's ``funding_per_project`` when both
    are in the same currency; *public* when every sponsor is a public body (government, a
    development or multilateral bank: :data:`PUBLIC_KINDS`) or the call has no sponsor (the
    cluster's own programme), *private* otherwise (a mining company's money);
  - the consortium's ``co_funding``: one row from the lead, public or private by the lead's
    kind the same way.

  Currencies are never mixed: a part in another currency than the budget is not subtracted.
* **Public consent** (``is_public``, ``public_amounts``, ``public_site``): an admin of the
  supplier lead or a portfolio manager turns them on; a sponsor's admin may also turn them off
  (``permissions.can_change_public_consent``). Other fields are the portfolio manager's,
  except ``trl_now``, which the team keeps current.
* **Milestones**: the team (or a portfolio manager) adds and edits pending ones; moving the
  due date of a milestone already late is for a portfolio manager only, so a risk flag is
  never hidden by the team. Weights are 1..100.
* **Measurements**: one row per indicator and period (the period's start). Recording a period
  that already has a value *corrects* it: the row is updated, and the audit keeps the old and
  new values with the comment as the reason. A period may not overlap another one.
  Baseline, target and unit of an indicator that has measurements change only by a portfolio
  manager (audited), so the history keeps its meaning.
* **Progress updates** move ``next_update_due`` to today + ``update_every_days`` (none when the
  schedule is 0). :func:`progress_reminders_send` reminds the lead's admins (and the last
  update's author) :data:`REMINDER_DAYS_BEFORE` days before the date and once it has passed,
  each once (``ProgressReminder``), only for running projects (planned or active).
* Notifications (category ``projects``) go to organizations' *admins*, plus the person who
  submitted the milestone or wrote the update, never to the person acting.
* Every change of a project the portfolio API shows emits the ``project.updated`` webhook
  with its kind (:func:`_announce`): its fields, organizations and funding (``details``), its
  status, milestones, KPIs and measurements (``indicator``), and a progress update (the team
  reported; the partner asks the portal for it). Creating a project does not (no such
  event), nor do progress comments.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from cluster_portal.core.money import Money, format_money
from cluster_portal.core.references import next_reference
from cluster_portal.files.models import Attachment
from cluster_portal.files.services import attachment_create
from cluster_portal.files.validation import DOCUMENT_KINDS, IMAGE_KINDS, validate_upload
from members.models import Capability, Organization, OrganizationMember, User
from notifications.services.webhooks import webhook_emit
from notifications.webhooks import payloads

from .. import permissions
from ..models import (
    Challenge,
    Decision,
    Indicator,
    Measurement,
    Milestone,
    ProgressComment,
    ProgressReminder,
    ProgressUpdate,
    Project,
    ProjectFunding,
    ProjectOrganization,
    Proposal,
    ProposalPartner,
)
from ..models.portfolio import PROJECT_REFERENCE_PREFIX
from ..progress import progress_of
from ..selectors.portfolio import EVIDENCE_PURPOSE, milestone_evidence
from ..workflows import MILESTONE, PROJECT, RUNNING

Role = ProjectOrganization.Role
Kind = Organization.Kind

#: Evidence may be documents or photos (photos are re-encoded: no GPS or camera metadata).
EVIDENCE_KINDS: tuple[str, ...] = (*DOCUMENT_KINDS, *IMAGE_KINDS)
EVIDENCE_IMAGE_MAX_SIDE = 3000
#: Organization kinds whose money is public (a ministry, a regional government, a development
#: or multilateral bank); everything else (mining companies, suppliers…) is private.
PUBLIC_KINDS: frozenset[str] = frozenset({Kind.GOVERNMENT, Kind.FINANCIAL})
#: Reminders: this many days before a progress update is due, then once it is overdue.
REMINDER_DAYS_BEFORE = 7

#: Fields of :func:`project_update` (and ``data`` of :func:`project_create`).
MANAGER_FIELDS: tuple[str, ...] = (
    "title",
    "title_en",
    "summary",
    "summary_en",
    "starts_on",
    "ends_on",
    "budget",
    "trl_start",
    "trl_target",
    "region",
    "site",
    "update_every_days",
    "next_update_due",
    "challenges",
    "commodities",
    "service_areas",
)
TEAM_FIELDS: tuple[str, ...] = ("trl_now",)
CONSENT_FIELDS: tuple[str, ...] = ("is_public", "public_amounts", "public_site")
PROJECT_FIELDS: tuple[str, ...] = (*MANAGER_FIELDS, *TEAM_FIELDS, *CONSENT_FIELDS)
_M2M_FIELDS = frozenset({"challenges", "commodities", "service_areas"})
_CAPABILITY_DIMENSION = {
    "commodities": Capability.Dimension.COMMODITY,
    "service_areas": Capability.Dimension.SERVICE_AREA,
}
MILESTONE_FIELDS: tuple[str, ...] = ("title", "description", "due_on", "weight", "position")
INDICATOR_FIELDS: tuple[str, ...] = (
    "result",
    "name",
    "name_en",
    "unit",
    "baseline",
    "baseline_year",
    "target",
    "higher_is_better",
    "position",
)
#: Indicator fields that give the measurements their meaning.
_INDICATOR_MEANING = frozenset({"unit", "baseline", "target", "higher_is_better"})


# --- Helpers ---------------------------------------------------------------------------------


def _deny_unless(verdict: Any, message: str = "") -> None:
    if not verdict:
        raise PermissionDenied(
            str(getattr(verdict, "reason", "") or message or _("You may not do this."))
        )


def _require_manager(actor: Any) -> None:
    _deny_unless(
        actor is not None and permissions.can_manage_portfolio(actor),
        _("Only a portfolio manager can do this."),
    )


def _today() -> datetime.date:
    return timezone.localdate()


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _lock(project: Project) -> Project:
    """The project's row locked, with its participants (which the predicates read)."""
    Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    return Project.objects.prefetch_related("participants__organization").get(pk=project.pk)


def _lock_milestone(milestone: Milestone) -> Milestone:
    Milestone.objects.select_for_update(of=("self",)).get(pk=milestone.pk)
    return Milestone.objects.prefetch_related("project__participants__organization").get(
        pk=milestone.pk
    )


def _require_open(project: Project) -> None:
    """The project is still in progress (not completed or cancelled)."""
    if not PROJECT.is_open(project):
        raise ValidationError(
            _("This project is %(state)s: it can no longer change.")
            % {"state": str(PROJECT.state_label(project)).lower()},
            code="invalid_transition",
        )


def project_url(project: Project) -> str:
    """The project's page (named ``challenges:project_detail`` by the pages; empty until they
    exist, so that a notification never fails for a missing route)."""
    try:
        return reverse("challenges:project_detail", kwargs={"project_id": project.pk})
    except NoReverseMatch:
        return ""


def _announce(project: Project, change: str) -> None:
    """The ``project.updated`` webhook for partner systems (``change``: one of
    ``payloads.PROJECT_CHANGES``), in the caller's transaction."""
    webhook_emit(
        event="project.updated",
        data=payloads.project_updated_data(project, changes=[change]),
        visible_to=payloads.project_updated_visible(project),
    )


def _org_ids(project: Project, roles: Iterable[str]) -> set[int]:
    wanted = set(roles)
    return {p.organization_id for p in project.participants.all() if p.role in wanted}


def _admins(organization_ids: Iterable[int]) -> list[User]:
    ids = set(organization_ids)
    if not ids:
        return []
    return [
        m.user
        for m in OrganizationMember.objects.filter(
            organization_id__in=ids, role=OrganizationMember.Role.ADMIN
        )
        .select_related("user")
        .order_by("pk")
    ]


def _recipients(people: Iterable[User | None], actor: Any) -> list[User]:
    actor_pk = getattr(actor, "pk", None)
    return [p for p in people if p is not None and p.pk != actor_pk]


def _lead_name(project: Project) -> str:
    for participant in project.participants.all():
        if participant.role == Role.LEAD:
            return participant.organization.display_name
    return ""


def _context(project: Project, **extra: Any) -> dict[str, Any]:
    return {
        "project_id": project.pk,
        "code": project.code,
        "project_title": project.title,
        "lead": _lead_name(project),
        **extra,
    }


def _text(value: Any) -> Any:
    if isinstance(value, Money):
        return format_money(value, "es")
    if isinstance(value, models.Model):
        return value.pk
    return value


def _public_kind(organizations: Sequence[Organization]) -> str:
    """Public money when there is no organization (the cluster's own programme) or every one
    is a public body; private otherwise."""
    if all(o.kind in PUBLIC_KINDS for o in organizations):
        return ProjectFunding.Kind.PUBLIC
    return ProjectFunding.Kind.PRIVATE


def _next_due(project: Project, base: datetime.date | None = None) -> datetime.date | None:
    if not project.update_every_days:
        return None
    return (base or _today()) + datetime.timedelta(days=project.update_every_days)


def _ids(values: Iterable[Any]) -> list[int]:
    return [int(getattr(v, "pk", v)) for v in values]


def _set_m2m(project: Project, name: str, values: Iterable[Any]) -> tuple[list[int], list[int]]:
    """Set a many-to-many field; returns (before, after) ids."""
    ids = sorted(set(_ids(values)))
    if name in _CAPABILITY_DIMENSION:
        found = set(
            Capability.objects.filter(
                pk__in=ids, dimension=_CAPABILITY_DIMENSION[name]
            ).values_list("pk", flat=True)
        )
        if found != set(ids):
            raise ValidationError({name: _("Choose among the listed values.")}, code="invalid")
    elif name == "challenges" and Challenge.objects.filter(pk__in=ids).count() != len(ids):
        raise ValidationError({name: _("Choose among the listed values.")}, code="invalid")
    manager = getattr(project, name)
    before = sorted(manager.values_list("pk", flat=True))
    manager.set(ids)
    return before, ids


def _check_fields(data: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unexpected {what} fields: {sorted(unknown)}")


def _assign(obj: models.Model, data: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Set plain fields (strings stripped, money with its currency column); returns the
    ``update_fields`` and the audit changes."""
    fields: list[str] = []
    changes: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        before = getattr(obj, name)
        if isinstance(value, float):
            raise ValueError(f"{name}: floats are not accepted")
        if before == value:
            continue
        setattr(obj, name, value)
        fields.append(name)
        if isinstance(value, Money) or isinstance(before, Money):
            fields.append(f"{name}_currency")
        changes[name] = (_text(before), _text(value))
    return fields, changes


# --- Projects --------------------------------------------------------------------------------


def _add_participants(
    project: Project,
    *,
    lead: Organization,
    partners: Iterable[Organization | tuple[Organization, str]] = (),
    sponsors: Iterable[Organization] = (),
) -> None:
    rows: list[ProjectOrganization] = [
        ProjectOrganization(project=project, organization=lead, role=Role.LEAD)
    ]
    for partner in partners:
        organization, description = partner if isinstance(partner, tuple) else (partner, "")
        rows.append(
            ProjectOrganization(
                project=project,
                organization=organization,
                role=Role.PARTNER,
                description=(description or "")[:200],
            )
        )
    for sponsor in sponsors:
        rows.append(ProjectOrganization(project=project, organization=sponsor, role=Role.SPONSOR))
    seen: set[tuple[int, str]] = set()
    for row in rows:
        key = (row.organization_id, row.role)
        if key in seen:
            continue
        seen.add(key)
        row.full_clean(exclude=["project"], validate_constraints=False)
        row.save()


def _notify_created(project: Project, actor: Any) -> None:
    from notifications.services import notify

    project = Project.objects.prefetch_related("participants__organization").get(pk=project.pk)
    notify(
        recipients=_recipients(_admins(_org_ids(project, Role.values)), actor),
        event="challenges.project_created",
        context=_context(project, next_update_due=_date(project.next_update_due) or "—"),
        actor=actor,
        url=project_url(project),
        idempotency_key=f"challenges.project_created:{project.pk}",
    )


@transaction.atomic
def project_create(
    *,
    actor: User,
    data: Mapping[str, Any],
    lead: Organization,
    partners: Iterable[Organization | tuple[Organization, str]] = (),
    sponsors: Iterable[Organization] = (),
    challenges: Iterable[Challenge] = (),
) -> Project:
    """A project created directly by a portfolio manager (not from an award), planned.

    ``data``: keys of :data:`PROJECT_FIELDS` (``title`` required; ``challenges`` may be given
    here or as the argument). ``partners``: organizations or ``(organization, part)`` pairs.
    The code is taken last (a refusal uses up no number). ``next_update_due`` defaults to today
    + ``update_every_days``. The participants' admins are told. Audited.
    """
    _require_manager(actor)
    _check_fields(data, PROJECT_FIELDS, "project")
    plain = {k: v for k, v in data.items() if k not in _M2M_FIELDS}
    now = timezone.now()
    project = Project(created_by=actor, created_at=now, updated_at=now, code="-")
    _assign(project, plain)
    if "next_update_due" not in data:
        project.next_update_due = _next_due(project)
    project.full_clean(exclude=["code", "created_by"])
    project.code = next_reference(PROJECT_REFERENCE_PREFIX)
    project.save()
    for name in _M2M_FIELDS:
        if name in data:
            _set_m2m(project, name, data[name])
    if challenges:
        project.challenges.add(*challenges)
    _add_participants(project, lead=lead, partners=partners, sponsors=sponsors)
    audit_decision(actor=actor, target=project, action="project.create", reason=project.code)
    _notify_created(project, actor)
    return project


def _funding_rows(proposal: Proposal, sponsors: Sequence[Organization]) -> list[ProjectFunding]:
    """The call's money and the consortium's co-funding (see the module docstring)."""
    call = proposal.call
    budget, co_funding = proposal.budget, proposal.co_funding
    rows: list[ProjectFunding] = []
    requested: Money | None = None
    if budget is not None:
        requested = budget
        if co_funding is not None and co_funding.currency == budget.currency:
            requested = budget - co_funding
    elif call.funding_per_project is not None:
        requested = call.funding_per_project
    cap = call.funding_per_project
    if requested is not None and cap is not None and cap.currency == requested.currency:
        requested = min(requested, cap)
    if requested is not None and requested.amount > 0:
        only = sponsors[0] if len(sponsors) == 1 else None
        rows.append(
            ProjectFunding(
                source=call.title[:200],
                kind=_public_kind(sponsors),
                organization=only,
                amount=requested,
            )
        )
    if co_funding is not None and co_funding.amount > 0:
        lead = proposal.lead_organization
        rows.append(
            ProjectFunding(
                source=lead.display_name[:200],
                kind=_public_kind([lead]),
                organization=lead,
                amount=co_funding,
            )
        )
    return rows


@transaction.atomic
def project_create_from_award(*, actor: User | None, proposal: Proposal) -> Project:
    """The project of an awarded proposal (its decision published, outcome award); the one it
    already has when called again (a proposal has at most one project).

    Code, title and summary from the proposal; its call; the addressed challenge (or the
    call's challenges when the proposal names none); the lead as supplier lead, the confirmed
    partners as partners (their part as description), the call's sponsors as sponsors (see
    the module docstring); budget and funding rows; TRL at the start and target from the
    proposal (TRL now = at the start); region and site from the challenge (when there is one),
    its service areas, and the commodities of the challenges' companies; status planned;
    ``next_update_due`` today + the default schedule. Allowed to portfolio managers and to the
    evaluation coordinator who publishes the decisions (``actor=None``: the system). Audited;
    the participants' admins are told.
    """
    if actor is not None and not (
        permissions.can_manage_portfolio(actor) or permissions.can_coordinate_evaluation(actor)
    ):
        raise PermissionDenied(_("Only a portfolio manager can do this."))
    proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    existing = Project.objects.filter(proposal=proposal).first()
    if existing is not None:
        return existing
    decision = Decision.objects.filter(proposal=proposal).first()
    if (
        proposal.status != Proposal.Status.AWARDED
        or decision is None
        or not decision.is_published
        or decision.outcome != Decision.Outcome.AWARD
    ):
        raise ValidationError(
            _("Only an awarded proposal whose decision is published becomes a project."),
            code="not_awarded",
        )
    proposal = (
        Proposal.objects.select_related("call", "lead_organization", "challenge")
        .prefetch_related("call__challenges", "call__sponsors")
        .get(pk=proposal.pk)
    )
    call = proposal.call
    challenges = [proposal.challenge] if proposal.challenge else list(call.challenges.all())
    sponsors = list(call.sponsors.all()) or list(
        {c.organization_id: c.organization for c in challenges}.values()
    )
    one = challenges[0] if len(challenges) == 1 else None
    now = timezone.now()
    project = Project(
        title=proposal.title[:200],
        summary=(proposal.summary or "")[:2000],
        proposal=proposal,
        call=call,
        status=Project.Status.PLANNED,
        budget=proposal.budget,
        trl_start=proposal.trl_start,
        trl_target=proposal.trl_end,
        trl_now=proposal.trl_start,
        region=one.region if one else "",
        site=(one.site if one else "")[:200],
        created_by=actor,
        created_at=now,
        updated_at=now,
        code="-",
    )
    project.next_update_due = _next_due(project)
    project.full_clean(exclude=["code", "proposal", "created_by"])
    project.code = next_reference(PROJECT_REFERENCE_PREFIX)
    project.save()
    project.challenges.set(challenges)
    if challenges:
        project.service_areas.set(
            Capability.objects.filter(
                challenges_by_service__in=challenges,
                dimension=Capability.Dimension.SERVICE_AREA,
            ).distinct()
        )
        project.commodities.set(
            Capability.objects.filter(
                organizations__in={c.organization_id for c in challenges},
                dimension=Capability.Dimension.COMMODITY,
            ).distinct()
        )
    partners = [
        (p.organization, p.role)
        for p in ProposalPartner.objects.filter(
            proposal=proposal, status=ProposalPartner.Status.CONFIRMED
        )
        .select_related("organization")
        .order_by("invited_at", "pk")
    ]
    _add_participants(
        project, lead=proposal.lead_organization, partners=partners, sponsors=sponsors
    )
    for row in _funding_rows(proposal, sponsors):
        row.project = project
        row.full_clean()
        row.save()
    audit_decision(
        actor=actor,
        target=project,
        action="project.create_from_award",
        reason=f"{project.code} proposal={proposal.reference or proposal.pk}",
    )
    _notify_created(project, actor)
    return project


def projects_create_for_call_awards(*, actor: User | None, proposals: Iterable[Proposal]) -> int:
    """The projects of the awarded proposals among ``proposals`` (decisions_publish's hook, in
    its transaction). Returns how many projects exist for them afterwards."""
    count = 0
    for proposal in proposals:
        if proposal.status == Proposal.Status.AWARDED:
            project_create_from_award(actor=actor, proposal=proposal)
            count += 1
    return count


@transaction.atomic
def project_update(*, actor: User, project: Project, data: Mapping[str, Any]) -> Project:
    """Change the project's fields (``data``: keys of :data:`PROJECT_FIELDS`).

    :data:`MANAGER_FIELDS`: portfolio managers; :data:`TEAM_FIELDS` (``trl_now``): the team or
    a portfolio manager; :data:`CONSENT_FIELDS`: see
    ``permissions.can_change_public_consent`` (granting vs withdrawing). Any key the actor may
    not change refuses the whole update. Changing ``update_every_days`` without a
    ``next_update_due`` moves the due date to the last update (or today) + the new schedule.
    Audited with the old and new values.
    """
    _check_fields(data, PROJECT_FIELDS, "project")
    project = _lock(project)
    manager = actor is not None and permissions.can_manage_portfolio(actor)
    if set(data) & set(MANAGER_FIELDS):
        _require_manager(actor)
    if set(data) & set(TEAM_FIELDS):
        _deny_unless(permissions.can_report_progress(actor, project))
    for name in CONSENT_FIELDS:
        if name in data and bool(data[name]) != getattr(project, name):
            _deny_unless(
                permissions.can_change_public_consent(actor, project, granting=bool(data[name]))
            )
    plain = {k: v for k, v in data.items() if k not in _M2M_FIELDS}
    fields, changes = _assign(project, plain)
    if "update_every_days" in changes and "next_update_due" not in data and manager:
        last = project.progress_updates.order_by("-submitted_at").first()
        base = timezone.localdate(last.submitted_at) if last else None
        due = _next_due(project, base)
        if due != project.next_update_due:
            changes["next_update_due"] = (project.next_update_due, due)
            project.next_update_due = due
            fields.append("next_update_due")
    project.full_clean(exclude=["created_by"])
    for name in _M2M_FIELDS:
        if name in data:
            before, after = _set_m2m(project, name, data[name])
            if before != after:
                changes[name] = (before, after)
    if not changes:
        return project
    project.updated_at = timezone.now()
    project.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    audit_decision(actor=actor, target=project, action="project.update", changes=changes)
    _announce(project, "details")
    return project


@transaction.atomic
def project_transition(*, actor: User, project: Project, name: str, reason: str = "") -> Project:
    """Move the project through ``PROJECT`` (start, hold, resume, complete, cancel: portfolio
    managers). ``reason`` is required to hold or cancel and kept in ``status_reason``.
    Starting sets the start date (when empty) and a due date for the first update; resuming
    sets a new due date when the old one passed; completing or cancelling clears it (nothing
    is asked any more). Audited."""
    PROJECT.authorize(project, name, actor=actor)
    project = _lock(project)
    PROJECT.require(project, name, actor=actor)
    reason = (reason or "").strip()
    if name in ("hold", "cancel") and not reason:
        raise ValidationError({"reason": _("Give the reason.")}, code="required")
    before = project.status
    PROJECT.apply(project, name)
    today = _today()
    fields = ["status", "status_reason", "updated_at"]
    project.status_reason = reason
    if name == "start":
        if project.starts_on is None:
            project.starts_on = today
            fields.append("starts_on")
        if project.next_update_due is None:
            project.next_update_due = _next_due(project)
            fields.append("next_update_due")
    elif name == "resume":
        if project.next_update_due is None or project.next_update_due < today:
            project.next_update_due = _next_due(project)
            fields.append("next_update_due")
    elif name in ("complete", "cancel"):
        project.next_update_due = None
        fields.append("next_update_due")
    project.full_clean(exclude=["created_by"])
    project.updated_at = timezone.now()
    project.save(update_fields=fields)
    audit_decision(
        actor=actor,
        target=project,
        action=f"project.{name}",
        changes={"status": (before, project.status)},
        reason=reason,
    )
    _announce(project, "status")
    return project


@transaction.atomic
def project_participant_add(
    *,
    actor: User,
    project: Project,
    organization: Organization,
    role: str,
    description: str = "",
) -> ProjectOrganization:
    """Add an organization as partner or sponsor (or as lead to a project without one):
    portfolio managers. Audited."""
    _require_manager(actor)
    project = _lock(project)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")}, code="invalid")
    participant = ProjectOrganization(
        project=project, organization=organization, role=role, description=description.strip()
    )
    participant.full_clean()
    participant.save()
    audit_decision(
        actor=actor,
        target=project,
        action="project.participant_add",
        changes={role: ("", organization.display_name)},
    )
    _announce(project, "details")
    return participant


@transaction.atomic
def project_participant_remove(*, actor: User, participant: ProjectOrganization) -> None:
    """Remove a partner or sponsor (portfolio managers). The supplier lead stays: the project
    and its ledger are its. Audited."""
    _require_manager(actor)
    project = _lock(participant.project)
    participant = ProjectOrganization.objects.select_related("organization").get(
        pk=participant.pk, project=project
    )
    if participant.role == Role.LEAD:
        raise ValidationError(_("The supplier lead cannot be removed."), code="lead")
    participant.delete()
    audit_decision(
        actor=actor,
        target=project,
        action="project.participant_remove",
        changes={participant.role: (participant.organization.display_name, "")},
    )
    _announce(project, "details")


@transaction.atomic
def project_funding_add(
    *,
    actor: User,
    project: Project,
    source: str,
    kind: str,
    amount: Money,
    organization: Organization | None = None,
    in_kind: bool = False,
) -> ProjectFunding:
    """Record a funding source (portfolio managers). Audited."""
    _require_manager(actor)
    project = _lock(project)
    if not isinstance(amount, Money):
        raise ValueError("amount must be Money")
    funding = ProjectFunding(
        project=project,
        source=(source or "").strip(),
        kind=kind,
        amount=amount,
        organization=organization,
        in_kind=in_kind,
    )
    funding.full_clean()
    funding.save()
    audit_decision(
        actor=actor,
        target=project,
        action="project.funding_add",
        changes={"funding": ("", f"{funding.source}: {format_money(amount, 'es')} ({kind})")},
    )
    _announce(project, "details")
    return funding


@transaction.atomic
def project_funding_remove(*, actor: User, funding: ProjectFunding) -> None:
    """Remove a funding source (portfolio managers). Audited."""
    _require_manager(actor)
    project = _lock(funding.project)
    funding = ProjectFunding.objects.get(pk=funding.pk, project=project)
    funding.delete()
    audit_decision(
        actor=actor,
        target=project,
        action="project.funding_remove",
        changes={"funding": (f"{funding.source}: {format_money(funding.amount, 'es')}", "")},
    )
    _announce(project, "details")


# --- Milestones ------------------------------------------------------------------------------


def _check_weight(weight: Any) -> None:
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
        raise ValidationError(
            {"weight": _("The weight is a whole number from 1 to 100.")}, code="invalid"
        )


@transaction.atomic
def milestone_add(
    *,
    actor: User,
    project: Project,
    title: str,
    due_on: datetime.date,
    weight: int = 1,
    description: str = "",
    position: int = 0,
) -> Milestone:
    """Add a milestone to a project in progress: the team or a portfolio manager. Audited."""
    project = _lock(project)
    _deny_unless(permissions.can_report_progress(actor, project))
    _require_open(project)
    _check_weight(weight)
    milestone = Milestone(
        project=project,
        title=(title or "").strip(),
        description=(description or "").strip(),
        due_on=due_on,
        weight=weight,
        position=position,
    )
    milestone.full_clean()
    milestone.save()
    audit_decision(
        actor=actor,
        target=project,
        action="milestone.add",
        changes={"milestone": ("", f"{milestone.title} ({_date(due_on)}, {weight})")},
    )
    _announce(project, "milestone")
    return milestone


@transaction.atomic
def milestone_update(*, actor: User, milestone: Milestone, data: Mapping[str, Any]) -> Milestone:
    """Edit a pending milestone (``data``: keys of :data:`MILESTONE_FIELDS`): the team or a
    portfolio manager; the due date of a milestone already late only by a portfolio manager.
    Audited with the old and new values."""
    _check_fields(data, MILESTONE_FIELDS, "milestone")
    milestone = _lock_milestone(milestone)
    project = milestone.project
    _deny_unless(permissions.can_report_progress(actor, project))
    _require_open(project)
    if milestone.status != Milestone.Status.PENDING:
        raise ValidationError(
            _("This milestone is %(state)s: it can no longer be edited.")
            % {"state": str(MILESTONE.state_label(milestone)).lower()},
            code="invalid_transition",
        )
    if "weight" in data:
        _check_weight(data["weight"])
    if (
        "due_on" in data
        and data["due_on"] != milestone.due_on
        and milestone.due_on < _today()
        and not permissions.can_manage_portfolio(actor)
    ):
        raise PermissionDenied(
            _("This milestone is late: only a portfolio manager can move its date.")
        )
    fields, changes = _assign(milestone, data)
    if not changes:
        return milestone
    milestone.full_clean()
    milestone.save(update_fields=fields)
    audit_decision(actor=actor, target=milestone, action="milestone.update", changes=changes)
    _announce(project, "milestone")
    return milestone


def _store_evidence(actor: User, target: models.Model, uploaded_file: File) -> Attachment:
    checked = validate_upload(uploaded_file, allowed_types=EVIDENCE_KINDS)
    uploaded_file.seek(0)
    if checked.kind.code in IMAGE_KINDS:
        return attachment_create(
            actor=actor,
            target=target,
            uploaded_file=uploaded_file,
            purpose=EVIDENCE_PURPOSE,
            allowed_types=IMAGE_KINDS,
            image_max_side=EVIDENCE_IMAGE_MAX_SIDE,
        )
    return attachment_create(
        actor=actor,
        target=target,
        uploaded_file=uploaded_file,
        purpose=EVIDENCE_PURPOSE,
        allowed_types=EVIDENCE_KINDS,
    )


def _team_recipients(project: Project, *extra: User | None) -> list[User]:
    return [*_admins(_org_ids(project, (Role.LEAD, Role.PARTNER))), *(e for e in extra if e)]


def _sponsor_recipients(project: Project) -> list[User]:
    return _admins(_org_ids(project, (Role.SPONSOR,)))


@transaction.atomic
def milestone_submit(
    *, actor: User, milestone: Milestone, note: str, files: Iterable[File] = ()
) -> Milestone:
    """Submit a pending milestone's evidence (the team or a portfolio manager): what it shows
    (``note``, required) and files (attachments with purpose ``evidence``; documents, or photos
    re-encoded without metadata). At least one evidence file is needed, new or kept from an
    earlier submission the sponsor returned. The sponsors' admins are told. Audited."""
    MILESTONE.authorize(milestone, "submit", actor=actor)
    milestone = _lock_milestone(milestone)
    project = milestone.project
    MILESTONE.require(milestone, "submit", actor=actor)
    _require_open(project)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the evidence shows.")}, code="required")
    stored = [_store_evidence(actor, milestone, f) for f in files]
    if not stored and not milestone_evidence(milestone):
        raise ValidationError({"files": _("Attach at least one evidence file.")}, code="required")
    MILESTONE.apply(milestone, "submit")
    milestone.evidence_note = note
    milestone.submitted_by = actor
    milestone.submitted_at = timezone.now()
    milestone.return_reason = ""
    milestone.full_clean()
    milestone.save(
        update_fields=["status", "evidence_note", "submitted_by", "submitted_at", "return_reason"]
    )
    audit_decision(
        actor=actor,
        target=milestone,
        action="milestone.submit",
        changes={"status": (Milestone.Status.PENDING, milestone.status)},
        reason=note,
    )
    _announce(project, "milestone")
    from notifications.services import notify

    notify(
        recipients=_recipients(_sponsor_recipients(project), actor),
        event="challenges.milestone_submitted",
        context=_context(project, milestone_title=milestone.title, note=note[:500]),
        actor=actor,
        url=project_url(project),
        idempotency_key=(
            f"challenges.milestone_submitted:{milestone.pk}:{milestone.submitted_at.isoformat()}"
        ),
    )
    return milestone


def _progress_text(project: Project) -> str:
    percent = progress_of(project.milestones.all(), _today()).percent
    return f"{percent} %" if percent is not None else "—"


def _sponsor_name(actor: Any, project: Project) -> str:
    from members.viewer import viewer_for

    mine = viewer_for(actor).organization_ids
    for participant in project.participants.all():
        if participant.role == Role.SPONSOR and participant.organization_id in mine:
            return participant.organization.display_name
    return _("The secretariat")


@transaction.atomic
def milestone_accept(*, actor: User, milestone: Milestone) -> Milestone:
    """Accept the submitted evidence (a sponsor's people, or a portfolio manager standing in
    for a sponsor without an account). The team's admins and the submitter are told. Audited."""
    MILESTONE.authorize(milestone, "accept", actor=actor)
    milestone = _lock_milestone(milestone)
    project = milestone.project
    MILESTONE.require(milestone, "accept", actor=actor)
    _require_open(project)
    MILESTONE.apply(milestone, "accept")
    milestone.decided_by = actor
    milestone.accepted_at = timezone.now()
    milestone.save(update_fields=["status", "decided_by", "accepted_at"])
    audit_decision(
        actor=actor,
        target=milestone,
        action="milestone.accept",
        changes={"status": (Milestone.Status.SUBMITTED, milestone.status)},
    )
    _announce(project, "milestone")
    from notifications.services import notify

    notify(
        recipients=_recipients(_team_recipients(project, milestone.submitted_by), actor),
        event="challenges.milestone_accepted",
        context=_context(
            project,
            milestone_title=milestone.title,
            sponsor=_sponsor_name(actor, project),
            progress=_progress_text(project),
        ),
        actor=actor,
        url=project_url(project),
        idempotency_key=f"challenges.milestone_accepted:{milestone.pk}",
    )
    return milestone


@transaction.atomic
def milestone_return(*, actor: User, milestone: Milestone, reason: str) -> Milestone:
    """Return the submitted evidence to the team with a reason (a sponsor or a portfolio
    manager); the milestone is pending again and its files stay. The team's admins and the
    submitter are told. Audited."""
    MILESTONE.authorize(milestone, "return", actor=actor)
    milestone = _lock_milestone(milestone)
    project = milestone.project
    MILESTONE.require(milestone, "return", actor=actor)
    _require_open(project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")}, code="required")
    MILESTONE.apply(milestone, "return")
    milestone.decided_by = actor
    milestone.return_reason = reason
    milestone.save(update_fields=["status", "decided_by", "return_reason"])
    audit_decision(
        actor=actor,
        target=milestone,
        action="milestone.return",
        changes={"status": (Milestone.Status.SUBMITTED, milestone.status)},
        reason=reason,
    )
    _announce(project, "milestone")
    from notifications.services import notify

    submitted_at = milestone.submitted_at.isoformat() if milestone.submitted_at else ""
    notify(
        recipients=_recipients(_team_recipients(project, milestone.submitted_by), actor),
        event="challenges.milestone_returned",
        context=_context(project, milestone_title=milestone.title, reason=reason),
        actor=actor,
        url=project_url(project),
        idempotency_key=f"challenges.milestone_returned:{milestone.pk}:{submitted_at}",
    )
    return milestone


@transaction.atomic
def milestone_cancel(*, actor: User, milestone: Milestone, reason: str = "") -> Milestone:
    """Cancel a pending or submitted milestone (portfolio managers): it no longer counts for
    progress or risk. Audited."""
    MILESTONE.authorize(milestone, "cancel", actor=actor)
    milestone = _lock_milestone(milestone)
    MILESTONE.require(milestone, "cancel", actor=actor)
    before = milestone.status
    MILESTONE.apply(milestone, "cancel")
    milestone.decided_by = actor
    milestone.save(update_fields=["status", "decided_by"])
    audit_decision(
        actor=actor,
        target=milestone,
        action="milestone.cancel",
        changes={"status": (before, milestone.status)},
        reason=(reason or "").strip(),
    )
    _announce(milestone.project, "milestone")
    return milestone


# --- KPIs ------------------------------------------------------------------------------------


def _decimal(value: Any, name: str) -> Decimal:
    if isinstance(value, float | bool):
        raise ValueError(f"{name}: floats are not accepted")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({name: _("Enter a number.")}, code="invalid") from None
    if not number.is_finite():
        raise ValidationError({name: _("Enter a number.")}, code="invalid")
    return number


@transaction.atomic
def indicator_add(*, actor: User, project: Project, data: Mapping[str, Any]) -> Indicator:
    """Add a KPI (``data``: keys of :data:`INDICATOR_FIELDS`; ``result``, ``name``, ``unit``,
    ``baseline`` and ``target`` required): the team or a portfolio manager. Audited."""
    _check_fields(data, INDICATOR_FIELDS, "indicator")
    project = _lock(project)
    _deny_unless(permissions.can_report_progress(actor, project))
    _require_open(project)
    indicator = Indicator(project=project)
    values = {
        k: (_decimal(v, k) if k in ("baseline", "target") and v is not None else v)
        for k, v in data.items()
    }
    _assign(indicator, values)
    indicator.full_clean()
    indicator.save()
    audit_decision(
        actor=actor,
        target=project,
        action="indicator.add",
        changes={"indicator": ("", f"{indicator.name} ({indicator.unit})")},
    )
    _announce(project, "indicator")
    return indicator


@transaction.atomic
def indicator_update(*, actor: User, indicator: Indicator, data: Mapping[str, Any]) -> Indicator:
    """Edit a KPI: the team or a portfolio manager; once it has measurements, its unit,
    baseline, target and direction only by a portfolio manager. Audited."""
    _check_fields(data, INDICATOR_FIELDS, "indicator")
    project = _lock(indicator.project)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk, project=project)
    _deny_unless(permissions.can_report_progress(actor, project))
    _require_open(project)
    values = {
        k: (_decimal(v, k) if k in ("baseline", "target") and v is not None else v)
        for k, v in data.items()
    }
    fields, changes = _assign(indicator, values)
    if (
        set(changes) & _INDICATOR_MEANING
        and indicator.measurements.exists()
        and not permissions.can_manage_portfolio(actor)
    ):
        raise PermissionDenied(
            _(
                "This indicator has measurements: only a portfolio manager can change its unit, "
                "baseline, target or direction."
            )
        )
    if not changes:
        return indicator
    indicator.full_clean()
    indicator.save(update_fields=fields)
    audit_decision(actor=actor, target=indicator, action="indicator.update", changes=changes)
    _announce(project, "indicator")
    return indicator


@transaction.atomic
def measurement_record(
    *,
    actor: User,
    indicator: Indicator,
    period_start: datetime.date,
    period_end: datetime.date,
    value: Decimal | int | str,
    comment: str = "",
) -> Measurement:
    """Record the indicator's value for a period (the team or a portfolio manager).

    One row per period (by its start). A period that already has a value is *corrected*: the
    row takes the new end, value and comment, and the audit keeps the old value
    (``measurement.correct``; the comment is the reason). A period overlapping another
    period of the indicator is refused. Audited either way.
    """
    project = _lock(indicator.project)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk, project=project)
    _deny_unless(permissions.can_report_progress(actor, project))
    _require_open(project)
    number = _decimal(value, "value")
    comment = (comment or "").strip()
    if period_end < period_start:
        raise ValidationError(
            {"period_end": _("The period cannot end before it starts.")}, code="invalid"
        )
    overlapping = (
        indicator.measurements.filter(period_start__lte=period_end, period_end__gte=period_start)
        .exclude(period_start=period_start)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                "period_start": _("The period overlaps %(start)s to %(end)s, which has a value.")
                % {"start": _date(overlapping.period_start), "end": _date(overlapping.period_end)}
            },
            code="overlap",
        )
    measurement = indicator.measurements.filter(period_start=period_start).first()
    now = timezone.now()
    if measurement is None:
        measurement = Measurement(
            indicator=indicator,
            period_start=period_start,
            period_end=period_end,
            value=number,
            comment=comment,
            recorded_by=actor,
            recorded_at=now,
        )
        measurement.full_clean()
        measurement.save()
        audit_decision(
            actor=actor,
            target=indicator,
            action="measurement.record",
            changes={str(period_start): ("", str(number))},
            reason=comment,
        )
        _announce(project, "indicator")
        return measurement
    before = (measurement.value, measurement.period_end)
    measurement.period_end = period_end
    measurement.value = number
    measurement.comment = comment
    measurement.recorded_by = actor
    measurement.recorded_at = now
    measurement.full_clean()
    measurement.save(update_fields=["period_end", "value", "comment", "recorded_by", "recorded_at"])
    audit_decision(
        actor=actor,
        target=indicator,
        action="measurement.correct",
        changes={
            "value": (str(before[0]), str(number)),
            "period_end": (str(before[1]), str(period_end)),
            "period_start": (str(period_start), str(period_start)),
        },
        reason=comment,
    )
    _announce(project, "indicator")
    return measurement


# --- Progress updates ------------------------------------------------------------------------


@transaction.atomic
def progress_update_submit(
    *,
    actor: User,
    project: Project,
    period_end: datetime.date,
    summary: str,
    next_steps: str = "",
    risks: str = "",
) -> ProgressUpdate:
    """The team's report (the team or a portfolio manager), for a project in progress.
    ``next_update_due`` becomes today + ``update_every_days`` (none without a schedule). The
    sponsors' admins are told. Audited."""
    project = _lock(project)
    _deny_unless(permissions.can_report_progress(actor, project))
    _require_open(project)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Say what happened.")}, code="required")
    if period_end > _today():
        raise ValidationError(
            {"period_end": _("The period reported cannot end in the future.")}, code="invalid"
        )
    update = ProgressUpdate(
        project=project,
        period_end=period_end,
        summary=summary,
        next_steps=(next_steps or "").strip(),
        risks=(risks or "").strip(),
        author=actor,
        submitted_at=timezone.now(),
    )
    update.full_clean()
    update.save()
    before = project.next_update_due
    project.next_update_due = _next_due(project)
    project.updated_at = timezone.now()
    project.save(update_fields=["next_update_due", "updated_at"])
    audit_decision(
        actor=actor,
        target=project,
        action="progress_update.submit",
        changes={"next_update_due": (before, project.next_update_due)},
    )
    _announce(project, "progress_update")
    from notifications.services import notify

    notify(
        recipients=_recipients(_sponsor_recipients(project), actor),
        event="challenges.progress_update_submitted",
        context=_context(project, period_end=_date(period_end), summary=summary[:500]),
        actor=actor,
        url=project_url(project),
        idempotency_key=f"challenges.progress_update_submitted:{update.pk}",
    )
    return update


@transaction.atomic
def progress_comment_add(*, actor: User, update: ProgressUpdate, body: str) -> ProgressComment:
    """A comment on a progress update: the project's organizations' people and the secretariat
    (any staff role). The update's author and the team's admins are told."""
    project = Project.objects.prefetch_related("participants__organization").get(
        pk=update.project_id
    )
    _deny_unless(permissions.can_comment_progress(actor, project))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the comment.")}, code="required")
    comment = ProgressComment(update=update, author=actor, body=body, created_at=timezone.now())
    comment.full_clean()
    comment.save()
    from notifications.services import notify

    notify(
        recipients=_recipients(_team_recipients(project, update.author), actor),
        event="challenges.progress_comment_added",
        context=_context(
            project,
            author=actor.get_full_name() or actor.email,
            period_end=_date(update.period_end),
            comment=body[:500],
        ),
        actor=actor,
        url=project_url(project),
        idempotency_key=f"challenges.progress_comment_added:{comment.pk}",
    )
    return comment


def progress_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the teams of running projects (planned or active, with a schedule) about their
    next progress update: :data:`REMINDER_DAYS_BEFORE` days before its date (``before``) and
    once the date has passed (``overdue``), each at most once per due date (a
    :class:`ProgressReminder` row written with the notification). A project that reports gets a
    new due date and so new reminders. Recipients: the lead's admins and the last update's
    author. Safe to run twice or concurrently. Returns how many reminders were sent."""
    from notifications.services import notify

    today = today or _today()
    horizon = today + datetime.timedelta(days=REMINDER_DAYS_BEFORE)
    candidates = (
        Project.objects.filter(
            status__in=PROJECT.values_tagged(RUNNING),
            update_every_days__gt=0,
            next_update_due__isnull=False,
            next_update_due__lte=horizon,
        )
        .prefetch_related("participants__organization", "progress_reminders")
        .order_by("pk")
    )
    sent = 0
    for project in candidates:
        due = project.next_update_due
        if due is None:  # excluded by the query; for the type checker
            continue
        kind = ProgressReminder.Kind.OVERDUE if due < today else ProgressReminder.Kind.BEFORE
        if any(r.due_on == due and r.kind == kind for r in project.progress_reminders.all()):
            continue
        last = project.progress_updates.select_related("author").order_by("-submitted_at").first()
        recipients = [*_admins(_org_ids(project, (Role.LEAD,))), last.author if last else None]
        event = (
            "challenges.progress_update_overdue"
            if kind == ProgressReminder.Kind.OVERDUE
            else "challenges.progress_update_due"
        )
        try:
            with transaction.atomic():
                ProgressReminder.objects.create(project=project, due_on=due, kind=kind)
                notify(
                    recipients=[r for r in recipients if r is not None],
                    event=event,
                    context=_context(project, due_on=_date(due), days=max((due - today).days, 0)),
                    url=project_url(project),
                    idempotency_key=f"challenges.progress_reminder:{project.pk}:{due}:{kind}",
                )
        except IntegrityError:
            continue  # another run sent it meanwhile
        sent += 1
    return sent
