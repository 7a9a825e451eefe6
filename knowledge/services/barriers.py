"""Writes of the regulatory barrier register: recording and editing a barrier (editors), its
evidence files, moving it through ``knowledge.workflows.BARRIER`` (every move is a row of its
history), linking it to the challenges it blocks and the projects it affects, and the
endorsements of member organizations.

Who may do what is ``knowledge.permissions`` (editors: ``can_edit_content``; endorsing:
``can_endorse_barrier``, an admin of an active member organization on a barrier still being
worked on). A refusal raises ``PermissionDenied`` (who, asked before the input is validated) or
``ValidationError`` (what, when) and changes nothing. Every decision is audited
(``audit_decision``) in the same transaction.

Decisions taken here:

* **Creation** takes the code ``CMSP-BAR-<year>-<n>`` last (a refusal uses up no number) and
  writes the first history row (empty ``from_status``, the status it starts in).
* **Transitions**: a note is required to drop or resolve (the reason, or what was achieved);
  the case or resolution number may be given when the dialogue opens or the barrier is
  resolved (INDECOPI's file or resolution), and only then. The admins of the endorsing
  organizations are told (event ``knowledge.barrier_status``), never the person acting.
* **Endorsing** is one click; the statement is optional. Endorsing again updates the statement
  (no second row). Withdrawing is for the organization's admins, at any time.
* **Links**: the lists are replaced; an id the editor may not see (or that does not exist) is
  refused with the field named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from cluster_portal.core.money import Money, format_money
from cluster_portal.core.references import next_reference
from cluster_portal.files.models import Attachment
from cluster_portal.files.services import attachment_create, attachment_delete
from cluster_portal.files.validation import DOCUMENT_KINDS, IMAGE_KINDS, validate_upload
from members.models import Organization, OrganizationMember, User
from members.permissions import is_org_admin

from .. import permissions
from ..models import (
    BARRIER_REFERENCE_PREFIX,
    BarrierEndorsement,
    BarrierStatusChange,
    RegulatoryBarrier,
)
from ..workflows import BARRIER

Status = RegulatoryBarrier.Status

#: Fields of ``data`` in :func:`barrier_create` and :func:`barrier_update`.
BARRIER_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "rule",
    "rule_article",
    "authority",
    "manifestation",
    "value_chain_stage",
    "estimated_cost",
    "estimated_delay_days",
    "improvement_proposal",
    "case_number",
    "visibility",
)
#: Transitions that need a note (why it is dropped; what resolved it).
NOTE_REQUIRED: frozenset[str] = frozenset({"drop", "resolve"})
#: Transitions with which the case or resolution number may be recorded.
CASE_NUMBER_TRANSITIONS: frozenset[str] = frozenset({"open_dialogue", "resolve"})
#: ``purpose`` of evidence files.
EVIDENCE_PURPOSE = "evidence"
#: Evidence may be documents or photos (photos are re-encoded: no GPS or camera metadata).
EVIDENCE_KINDS: tuple[str, ...] = (*DOCUMENT_KINDS, *IMAGE_KINDS)
EVIDENCE_IMAGE_MAX_SIDE = 3000


# --- Helpers ---------------------------------------------------------------------------------


def _require_editor(actor: Any) -> None:
    if actor is None or not permissions.can_edit_content(actor):
        raise PermissionDenied(_("Only an editor can do this."))


def _check_fields(data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(BARRIER_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected barrier fields: {sorted(unknown)}")


def _text(value: Any) -> Any:
    if isinstance(value, Money):
        return format_money(value, "es")
    if isinstance(value, models.Model):
        return value.pk
    return value


def _assign(
    barrier: RegulatoryBarrier, data: Mapping[str, Any]
) -> tuple[list[str], dict[str, tuple[Any, Any]]]:
    """Set the fields (strings stripped, money with its currency column); returns the
    ``update_fields`` and the audit changes."""
    fields: list[str] = []
    changes: dict[str, tuple[Any, Any]] = {}
    for name, raw in data.items():
        value = raw.strip() if isinstance(raw, str) else raw
        if isinstance(value, float):
            raise ValueError(f"{name}: floats are not accepted")
        before = getattr(barrier, name)
        if before == value:
            continue
        setattr(barrier, name, value)
        fields.append(name)
        if isinstance(value, Money) or isinstance(before, Money):
            fields.append(f"{name}_currency")
        changes[name] = (_text(before), _text(value))
    return fields, changes


def _lock(barrier: RegulatoryBarrier) -> RegulatoryBarrier:
    return RegulatoryBarrier.objects.select_for_update().get(pk=barrier.pk)


def barrier_url(barrier: RegulatoryBarrier) -> str:
    """The barrier's public page (empty if the route is missing, so a notification never
    fails for it)."""
    try:
        return reverse("knowledge:barrier_detail", kwargs={"code": barrier.code})
    except NoReverseMatch:
        return ""


def _store_evidence(actor: User, barrier: RegulatoryBarrier, uploaded_file: File) -> Attachment:
    checked = validate_upload(uploaded_file, allowed_types=EVIDENCE_KINDS)
    uploaded_file.seek(0)
    if checked.kind.code in IMAGE_KINDS:
        return attachment_create(
            actor=actor,
            target=barrier,
            uploaded_file=uploaded_file,
            purpose=EVIDENCE_PURPOSE,
            allowed_types=IMAGE_KINDS,
            image_max_side=EVIDENCE_IMAGE_MAX_SIDE,
        )
    return attachment_create(
        actor=actor,
        target=barrier,
        uploaded_file=uploaded_file,
        purpose=EVIDENCE_PURPOSE,
        allowed_types=EVIDENCE_KINDS,
    )


# --- Recording and editing -------------------------------------------------------------------


@transaction.atomic
def barrier_create(
    *, actor: User, data: Mapping[str, Any], files: Iterable[File] = ()
) -> RegulatoryBarrier:
    """Record a barrier (editors); it starts identified. ``data``: keys of
    :data:`BARRIER_FIELDS` (``title``, ``description``, ``rule`` and ``authority`` required).
    ``files``: evidence documents or photos. Writes the first history row and audits.
    Enqueues nothing."""
    _require_editor(actor)
    _check_fields(data)
    now = timezone.now()
    barrier = RegulatoryBarrier(
        created_by=actor, created_at=now, updated_at=now, code="-", status=Status.IDENTIFIED
    )
    _assign(barrier, data)
    barrier.full_clean(exclude=["code", "created_by"])
    barrier.code = next_reference(BARRIER_REFERENCE_PREFIX)
    barrier.save()
    for uploaded in files:
        _store_evidence(actor, barrier, uploaded)
    BarrierStatusChange.objects.create(
        barrier=barrier, from_status="", to_status=barrier.status, actor=actor
    )
    audit_decision(actor=actor, target=barrier, action="barrier.create", reason=barrier.code)
    return barrier


@transaction.atomic
def barrier_update(
    *, actor: User, barrier: RegulatoryBarrier, data: Mapping[str, Any]
) -> RegulatoryBarrier:
    """Change a barrier's fields (editors; ``data``: keys of :data:`BARRIER_FIELDS`). The
    status moves only through :func:`barrier_transition`. Audited with the old and new
    values; nothing is written when nothing changed."""
    _require_editor(actor)
    _check_fields(data)
    barrier = _lock(barrier)
    fields, changes = _assign(barrier, data)
    if not changes:
        return barrier
    barrier.full_clean(exclude=["created_by"])
    barrier.updated_at = timezone.now()
    barrier.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    audit_decision(actor=actor, target=barrier, action="barrier.update", changes=changes)
    return barrier


@transaction.atomic
def barrier_evidence_add(
    *, actor: User, barrier: RegulatoryBarrier, files: Iterable[File]
) -> list[Attachment]:
    """Attach evidence files (editors). A bad file refuses them all. Audited."""
    _require_editor(actor)
    barrier = _lock(barrier)
    stored = [_store_evidence(actor, barrier, f) for f in files]
    if not stored:
        raise ValidationError({"files": _("Choose at least one file.")}, code="required")
    audit_decision(
        actor=actor,
        target=barrier,
        action="barrier.evidence_add",
        changes={"evidence": ("", ", ".join(a.original_name for a in stored))},
    )
    RegulatoryBarrier.objects.filter(pk=barrier.pk).update(updated_at=timezone.now())
    return stored


@transaction.atomic
def barrier_evidence_remove(
    *, actor: User, barrier: RegulatoryBarrier, attachment: Attachment
) -> None:
    """Remove one evidence file of the barrier (editors). Audited."""
    _require_editor(actor)
    barrier = _lock(barrier)
    if (
        attachment.object_id != barrier.pk
        or attachment.content_type.model_class() is not RegulatoryBarrier
        or attachment.purpose != EVIDENCE_PURPOSE
    ):
        raise ValidationError(_("This file is not evidence of this barrier."), code="invalid")
    name = attachment.original_name
    attachment_delete(actor=actor, attachment=attachment)
    audit_decision(
        actor=actor,
        target=barrier,
        action="barrier.evidence_remove",
        changes={"evidence": (name, "")},
    )


# --- Lifecycle -------------------------------------------------------------------------------


def _endorser_admins(barrier: RegulatoryBarrier) -> dict[Organization, list[User]]:
    """The admins of each endorsing organization (one query)."""
    by_org: dict[Organization, list[User]] = {}
    rows = (
        OrganizationMember.objects.filter(
            organization__barrier_endorsements__barrier=barrier,
            role=OrganizationMember.Role.ADMIN,
        )
        .select_related("user", "organization")
        .order_by("organization_id", "pk")
    )
    for row in rows:
        by_org.setdefault(row.organization, []).append(row.user)
    return by_org


def _notify_status(barrier: RegulatoryBarrier, change: BarrierStatusChange, actor: Any) -> None:
    from notifications.services import notify

    actor_pk = getattr(actor, "pk", None)
    for organization, admins in _endorser_admins(barrier).items():
        notify(
            recipients=[u for u in admins if u.pk != actor_pk],
            event="knowledge.barrier_status",
            context={
                "barrier_id": barrier.pk,
                "code": barrier.code,
                "barrier_title": barrier.title,
                "organization": organization.display_name,
                "status": BARRIER.state_label(barrier),
                "note": change.note,
            },
            actor=actor,
            url=barrier_url(barrier),
            # Per change: someone admin of two endorsing organizations is told once.
            idempotency_key=f"knowledge.barrier_status:{change.pk}",
        )


@transaction.atomic
def barrier_transition(
    *,
    actor: User,
    barrier: RegulatoryBarrier,
    transition: str,
    note: str = "",
    case_number: str | None = None,
) -> RegulatoryBarrier:
    """Move the barrier through ``BARRIER`` (editors), under the row lock.

    ``note`` is required for ``drop`` and ``resolve`` and kept in the history row;
    ``case_number`` may be given with ``open_dialogue`` or ``resolve`` only (None leaves it as
    it is). Writes a :class:`BarrierStatusChange`, audits, and tells the admins of the
    endorsing organizations (in the same transaction; emails after commit)."""
    BARRIER.authorize(barrier, transition, actor=actor)
    barrier = _lock(barrier)
    BARRIER.require(barrier, transition, actor=actor)
    note = (note or "").strip()
    if transition in NOTE_REQUIRED and not note:
        raise ValidationError({"note": _("Give a note: it stays in the history.")}, "required")
    fields = ["status", "updated_at"]
    changes: dict[str, tuple[Any, Any]] = {}
    if case_number is not None:
        case_number = case_number.strip()
        if case_number != barrier.case_number:
            if transition not in CASE_NUMBER_TRANSITIONS:
                raise ValidationError(
                    {
                        "case_number": _(
                            "The case or resolution number is recorded when the dialogue "
                            "opens or the barrier is resolved."
                        )
                    },
                    code="invalid",
                )
            changes["case_number"] = (barrier.case_number, case_number)
            barrier.case_number = case_number
            fields.append("case_number")
    before = barrier.status
    BARRIER.apply(barrier, transition)
    changes["status"] = (before, barrier.status)
    barrier.full_clean(exclude=["created_by"])
    barrier.updated_at = timezone.now()
    barrier.save(update_fields=fields)
    change = BarrierStatusChange(
        barrier=barrier, from_status=before, to_status=barrier.status, note=note, actor=actor
    )
    change.full_clean()
    change.save()
    audit_decision(
        actor=actor,
        target=barrier,
        action=f"barrier.{transition}",
        changes=changes,
        reason=note,
    )
    _notify_status(barrier, change, actor)
    return barrier


# --- Links -----------------------------------------------------------------------------------


def _ids(values: Iterable[Any]) -> list[int]:
    try:
        return sorted({int(getattr(v, "pk", v)) for v in values})
    except (TypeError, ValueError):
        raise ValidationError(_("Choose among the listed values."), code="invalid") from None


@transaction.atomic
def barrier_link(
    *,
    actor: User,
    barrier: RegulatoryBarrier,
    challenge_ids: Iterable[Any],
    project_ids: Iterable[Any],
) -> RegulatoryBarrier:
    """Set the challenges the barrier blocks and the projects it affects (editors), among the
    records the editor may see (challenges: ``challenges.selectors.surveys``; projects: the
    ones they may see whole, or public ones). Replaces both lists. Audited."""
    from challenges.models import Project
    from challenges.selectors.portfolio import visible_projects
    from challenges.selectors.surveys import challenges_visible_to

    _require_editor(actor)
    challenges = _ids(challenge_ids)
    projects = _ids(project_ids)
    barrier = _lock(barrier)
    seen = set(challenges_visible_to(actor).filter(pk__in=challenges).values_list("pk", flat=True))
    if seen != set(challenges):
        raise ValidationError({"challenges": _("Choose among the listed values.")}, "invalid")
    seen_projects = set(
        Project.objects.filter(pk__in=projects)
        .filter(models.Q(is_public=True) | models.Q(pk__in=visible_projects(actor).values("pk")))
        .values_list("pk", flat=True)
    )
    if seen_projects != set(projects):
        raise ValidationError({"projects": _("Choose among the listed values.")}, "invalid")
    before_challenges = sorted(barrier.challenges.values_list("pk", flat=True))
    before_projects = sorted(barrier.projects.values_list("pk", flat=True))
    changes: dict[str, tuple[Any, Any]] = {}
    if before_challenges != challenges:
        barrier.challenges.set(challenges)
        changes["challenges"] = (before_challenges, challenges)
    if before_projects != projects:
        barrier.projects.set(projects)
        changes["projects"] = (before_projects, projects)
    if changes:
        RegulatoryBarrier.objects.filter(pk=barrier.pk).update(updated_at=timezone.now())
        audit_decision(actor=actor, target=barrier, action="barrier.link", changes=changes)
    return barrier


# --- Endorsements ----------------------------------------------------------------------------


@transaction.atomic
def barrier_endorse(
    *,
    actor: User,
    barrier: RegulatoryBarrier,
    organization: Organization,
    statement: str = "",
) -> BarrierEndorsement:
    """``organization`` endorses the barrier (``permissions.can_endorse_barrier``: an admin of
    an active member organization, on a barrier still being worked on). Endorsing again
    updates the statement. Audited."""
    verdict = permissions.can_endorse_barrier(actor, barrier, organization)
    if not verdict:
        raise PermissionDenied(str(verdict.reason or _("You may not do this.")))
    barrier = _lock(barrier)
    verdict = permissions.can_endorse_barrier(actor, barrier, organization)  # state, re-read
    if not verdict:
        raise ValidationError(str(verdict.reason), code="invalid_transition")
    statement = (statement or "").strip()
    endorsement = BarrierEndorsement.objects.filter(
        barrier=barrier, organization=organization
    ).first()
    if endorsement is not None:
        if endorsement.statement == statement:
            return endorsement
        before = endorsement.statement
        endorsement.statement = statement
        endorsement.full_clean()
        endorsement.save(update_fields=["statement"])
        audit_decision(
            actor=actor,
            target=barrier,
            action="barrier.endorsement_update",
            changes={organization.display_name: (before, statement)},
        )
        return endorsement
    endorsement = BarrierEndorsement(
        barrier=barrier, organization=organization, statement=statement, endorsed_by=actor
    )
    endorsement.full_clean()
    endorsement.save()
    audit_decision(
        actor=actor,
        target=barrier,
        action="barrier.endorse",
        changes={"endorsements": ("", organization.display_name)},
        reason=statement,
    )
    return endorsement


@transaction.atomic
def barrier_unendorse(
    *, actor: User, barrier: RegulatoryBarrier, organization: Organization
) -> bool:
    """Withdraw ``organization``'s endorsement (its admins, at any time). Returns whether
    there was one to withdraw (withdrawing twice changes nothing). Audited."""
    if not is_org_admin(actor, organization):
        raise PermissionDenied(
            _("Only an administrator of the organization can withdraw its endorsement.")
        )
    barrier = _lock(barrier)
    deleted, _rows = BarrierEndorsement.objects.filter(
        barrier=barrier, organization=organization
    ).delete()
    if not deleted:
        return False
    audit_decision(
        actor=actor,
        target=barrier,
        action="barrier.unendorse",
        changes={"endorsements": (organization.display_name, "")},
    )
    return True
