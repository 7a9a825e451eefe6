"""Writes of the challenge survey: survey rounds, challenges written by mining companies, and
the secretariat's triage (accept, ask for detail, decline, reopen, merge, share).

Every state change asks the lifecycle table ``CHALLENGE`` (``challenges/workflows.py``) after
locking the row (``select_for_update``), so two people acting at once cannot both win; a refused
transition raises ``PermissionDenied`` (the guard's reason) or ``ValidationError`` (code
``invalid_transition``) and changes nothing. Decisions are audited
(:func:`cluster_portal.audit.services.audit_decision`) and notified durably through
:func:`notifications.services.notify`, in each recipient's language.

Notifications never carry the words of a restricted challenge to anyone outside its company:
the name of another company's challenge is chosen by :func:`_name_for` (its public version, or
only its reference).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster_portal.audit.services import audit_decision
from cluster_portal.core import roles
from cluster_portal.core.references import next_reference
from members.models import Capability, Organization, OrganizationMember, User
from members.services._effects import staff_recipients
from notifications.services import notify
from notifications.services.webhooks import webhook_emit
from notifications.webhooks import payloads

from .. import permissions
from ..models import Challenge, SurveyRound
from ..models.surveys import CHALLENGE_REFERENCE_PREFIX
from ..workflows import CHALLENGE, EDITABLE, PUBLISHED

Status = Challenge.Status
Confidentiality = Challenge.Confidentiality

#: What the secretariat may ask a company to add, as a checklist (codes stored on the challenge).
DETAIL_ITEMS: dict[str, Any] = {
    "site": gettext_lazy("Site and location (unit, altitude, access)"),
    "impact_figures": gettext_lazy("Impact in figures (cost, downtime, incidents)"),
    "constraints": gettext_lazy("Operational constraints (safety, permits, shifts)"),
    "data_available": gettext_lazy("Data available (sensors, records, samples)"),
    "desired_outcome": gettext_lazy("Desired outcome and how success is measured"),
    "tried_before": gettext_lazy("What has been tried so far"),
    "photos": gettext_lazy("Photos or diagrams"),
    "timeline": gettext_lazy("Expected timeline and budget range"),
}

#: Fields a company writes (the form and the API send the same names).
CHALLENGE_FIELDS = (
    "title",
    "problem",
    "operational_area",
    "site",
    "region",
    "altitude_band",
    "impact_cost",
    "impact_safety",
    "impact_environment",
    "impact_production",
    "estimated_annual_cost",
    "impact_notes",
    "desired_outcome",
    "constraints",
    "confidentiality",
    "public_title",
    "public_summary",
)
TAXONOMY_FIELDS = {
    "value_chain_stages": Capability.Dimension.VALUE_CHAIN,
    "service_areas": Capability.Dimension.SERVICE_AREA,
}
SURVEY_ROUND_FIELDS = (
    "title",
    "title_en",
    "description",
    "description_en",
    "opens_at",
    "closes_at",
)


# --- Helpers ------------------------------------------------------------------------------------


def _lock(challenge: Challenge) -> Challenge:
    return (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=challenge.pk)
    )


def _require_call_manager(actor: Any) -> None:
    if actor is None or not permissions.can_manage_calls(actor):
        raise PermissionDenied(_("Only a call manager can do this."))


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _company_people(organization_id: int, author_id: int | None) -> list[User]:
    """Who hears of a decision about a company's challenge: its author and the company's
    admins (one query)."""
    query = Q(
        organization_memberships__organization_id=organization_id,
        organization_memberships__role=OrganizationMember.Role.ADMIN,
    )
    if author_id is not None:
        query |= Q(pk=author_id, organization_memberships__organization_id=organization_id)
    return list(User.objects.filter(query).distinct().order_by("pk"))


def _call_managers() -> list[User]:
    return staff_recipients(roles.MANAGE_CALLS)


def _name_for(challenge: Challenge, organization_id: int) -> str:
    """How ``challenge`` is named to the people of ``organization_id``: its own title for its
    company; for another company the title only when it is published and not restricted, else
    its public version, else only its reference."""
    if challenge.organization_id == organization_id:
        return challenge.title
    if CHALLENGE.has_tag(challenge, PUBLISHED) and not challenge.is_restricted:
        return challenge.title
    if challenge.is_restricted and challenge.has_public_version:
        return challenge.public_title
    reference = challenge.reference or f"#{challenge.pk}"
    # Lazy: the notification renders it in each recipient's language, not the actor's.
    return _lazy_text(
        lambda: _("challenge %(reference)s of another company") % {"reference": reference}
    )


def _lazy_text(build: Any) -> Any:
    return lazy(build, str)()


def _company_url(challenge: Challenge) -> str:
    return reverse("challenges:challenge_mine_detail", args=[challenge.pk])


def _staff_url(challenge: Challenge) -> str:
    return reverse("challenges_staff:triage_detail", args=[challenge.pk])


def _notify_company(challenge: Challenge, event: str, actor: Any, **extra: str) -> None:
    context = {
        "title": challenge.title,
        "reference": challenge.reference or "",
        "challenge_id": challenge.pk,
        **extra,
    }
    notify(
        recipients=_company_people(challenge.organization_id, challenge.submitted_by_id),
        event=event,
        context=context,
        actor=actor,
        url=_company_url(challenge),
    )


def _notify_call_managers(challenge: Challenge, event: str, actor: Any, **extra: str) -> None:
    notify(
        recipients=_call_managers(),
        event=event,
        context={
            "title": challenge.title,
            "reference": challenge.reference or "",
            "organization": challenge.organization.display_name,
            "challenge_id": challenge.pk,
            **extra,
        },
        actor=actor,
        url=_staff_url(challenge),
    )


# --- Survey rounds ------------------------------------------------------------------------------


def _apply_round(survey_round: SurveyRound, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in SURVEY_ROUND_FIELDS:
        if name in data:
            value = _strip(data[name])
            if value is None and name not in ("opens_at", "closes_at"):
                value = ""
            if getattr(survey_round, name) != value:
                setattr(survey_round, name, value)
                changed.append(name)
    return changed


def _check_round_dates(survey_round: SurveyRound) -> None:
    if (
        survey_round.opens_at
        and survey_round.closes_at
        and survey_round.closes_at <= survey_round.opens_at
    ):
        raise ValidationError({"closes_at": _("The round must close after it opens.")})


@transaction.atomic
def survey_round_create(*, actor: User, data: Mapping[str, Any]) -> SurveyRound:
    """A new survey round (call managers). ``data``: title (Spanish), title_en, description(_en)
    in Markdown, opens_at, closes_at (aware date-times)."""
    _require_call_manager(actor)
    survey_round = SurveyRound(created_by=actor)
    _apply_round(survey_round, data)
    _check_round_dates(survey_round)
    survey_round.full_clean()
    survey_round.save()
    audit_decision(actor=actor, action="survey_round.create", target=survey_round)
    return survey_round


@transaction.atomic
def survey_round_update(
    *, actor: User, survey_round: SurveyRound, data: Mapping[str, Any]
) -> SurveyRound:
    """Change a round's texts or dates (call managers)."""
    _require_call_manager(actor)
    survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    before = {name: getattr(survey_round, name) for name in SURVEY_ROUND_FIELDS}
    changed = _apply_round(survey_round, data)
    _check_round_dates(survey_round)
    survey_round.full_clean()
    if changed:
        survey_round.save(update_fields=changed)
        audit_decision(
            actor=actor,
            action="survey_round.update",
            target=survey_round,
            changes={name: (before[name], getattr(survey_round, name)) for name in changed},
        )
    return survey_round


def current_survey_round(now: Any = None) -> SurveyRound | None:
    """The open round that closes first (None outside every round)."""
    now = now or timezone.now()
    return (
        SurveyRound.objects.filter(opens_at__lte=now, closes_at__gt=now)
        .order_by("closes_at", "pk")
        .first()
    )


# --- Challenges: the company's side ---------------------------------------------------------------


def _taxonomy(data: Mapping[str, Any]) -> dict[str, list[Capability]]:
    """The stages and service areas sent, checked against their dimension (ids or rows)."""
    chosen: dict[str, list[Capability]] = {}
    errors: dict[str, str] = {}
    for name, dimension in TAXONOMY_FIELDS.items():
        if name not in data:
            continue
        values = list(data[name] or [])
        ids = {v.pk if isinstance(v, Capability) else v for v in values}
        rows = (
            list(Capability.objects.filter(pk__in=ids, dimension=dimension, is_active=True))
            if ids
            else []
        )
        if len(rows) != len(ids):
            errors[name] = _("Choose terms of the taxonomy from the list.")
        chosen[name] = rows
    if errors:
        raise ValidationError(errors)
    return chosen


def _apply_challenge(challenge: Challenge, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in CHALLENGE_FIELDS:
        if name not in data:
            continue
        value = _strip(data[name])
        if value is None and name != "estimated_annual_cost":
            value = ""
        if getattr(challenge, name) != value:
            setattr(challenge, name, value)
            changed.append(name)
    if challenge.confidentiality != Confidentiality.RESTRICTED:
        # A public version only exists for restricted challenges: never keep a stale one.
        for name in ("public_title", "public_summary"):
            if getattr(challenge, name):
                setattr(challenge, name, "")
                changed.append(name)
    return changed


def _required_text(challenge: Challenge) -> None:
    errors = {}
    for name, message in (
        ("title", _("Give the challenge a title.")),
        ("problem", _("Describe the problem.")),
        ("desired_outcome", _("Say what outcome you expect.")),
    ):
        if not getattr(challenge, name):
            errors[name] = message
    if errors:
        raise ValidationError(errors)


def _check_round(survey_round: SurveyRound | None) -> None:
    if survey_round is not None and not survey_round.is_open:
        raise ValidationError(
            {"survey_round": _("The survey round “%(round)s” is closed.") % {"round": survey_round}}
        )


@transaction.atomic
def challenge_create(
    *,
    actor: User | None,
    organization: Organization,
    data: Mapping[str, Any],
    partner: Any = None,
) -> Challenge:
    """A draft challenge of ``organization`` (a mining company) written by ``actor``.

    The ONE validation path of the form and the API: ``data`` holds :data:`CHALLENGE_FIELDS`,
    ``value_chain_stages`` / ``service_areas`` (capability rows or ids of their dimension) and
    optionally ``survey_round`` (default: the open round, if any; a closed round is refused).
    A partner system (``partner``: its ``PartnerClient``, ``actor`` None) writes only for its own
    organization. Raises ``PermissionDenied`` or ``ValidationError`` (by field); nothing is
    written then.
    """
    if partner is not None:
        if partner.organization_id != organization.pk:
            raise PermissionDenied(_("A partner system reports only its own company's challenges."))
        if organization.kind != Organization.Kind.MINING_COMPANY:
            raise PermissionDenied(_("Only mining companies report challenges."))
    else:
        allowed = permissions.can_submit_challenges(actor, organization)
        if not allowed:
            raise PermissionDenied(str(allowed.reason))
    survey_round = data.get("survey_round") or current_survey_round()
    _check_round(survey_round)
    challenge = Challenge(
        organization=organization,
        submitted_by=actor,
        survey_round=survey_round,
        status=Status.DRAFT,
    )
    _apply_challenge(challenge, data)
    taxonomy = _taxonomy(data)
    _required_text(challenge)
    challenge.full_clean()
    challenge.save()
    for name, rows in taxonomy.items():
        getattr(challenge, name).set(rows)
    return challenge


@transaction.atomic
def challenge_update(*, actor: User, challenge: Challenge, data: Mapping[str, Any]) -> Challenge:
    """Change a challenge while its authors may (draft, submitted, detail requested): the
    person who wrote it or an admin of the company."""
    allowed = permissions.can_edit_challenge(actor, challenge)
    if not allowed:
        raise PermissionDenied(str(allowed.reason))
    challenge = _lock(challenge)
    if not CHALLENGE.has_tag(challenge, EDITABLE):
        raise ValidationError(
            _("This challenge is %(state)s: it can no longer be changed.")
            % {"state": str(CHALLENGE.state_label(challenge)).lower()},
            code="invalid_transition",
        )
    changed = _apply_challenge(challenge, data)
    taxonomy = _taxonomy(data)
    _required_text(challenge)
    challenge.full_clean()
    if changed:
        challenge.save(update_fields=[*changed, "updated_at"])
    for name, rows in taxonomy.items():
        getattr(challenge, name).set(rows)
    return challenge


@transaction.atomic
def challenge_submit(*, actor: User | None, challenge: Challenge, partner: Any = None) -> Challenge:
    """Send a draft to the secretariat: it takes its reference (``CMSP-RET-2026-0007``), enters
    the triage queue (``queued_at``) and the call managers are notified. A partner system
    submits what it just created (``partner``, ``actor`` None)."""
    challenge = _lock(challenge)
    if partner is None or partner.organization_id != challenge.organization_id:
        # A partner system acts for its own company (the API checked its scope); people
        # pass the table's guard. The state is checked by ``apply`` below in both cases.
        CHALLENGE.require(challenge, "submit", actor=actor)
    if challenge.survey_round_id is not None:
        _check_round(challenge.survey_round)
    CHALLENGE.apply(challenge, "submit")
    now = timezone.now()
    if not challenge.reference:
        challenge.reference = next_reference(CHALLENGE_REFERENCE_PREFIX)
    challenge.submitted_at = now
    challenge.queued_at = now
    challenge.save(update_fields=["status", "reference", "submitted_at", "queued_at", "updated_at"])
    audit_decision(actor=actor, action="challenge.submit", target=challenge)
    _notify_call_managers(challenge, "challenges.challenge_submitted", actor)
    return challenge


@transaction.atomic
def challenge_set_public_version(
    *, actor: User, challenge: Challenge, public_title: str, public_summary: str
) -> Challenge:
    """Write the sanitized public version of a restricted challenge: the company (its author or
    an admin) or a call manager, in any state. An empty title removes the public version (the
    challenge is then hidden from everybody outside the company and the secretariat)."""
    if not (
        permissions.can_manage_calls(actor) or permissions.can_edit_challenge(actor, challenge)
    ):
        raise PermissionDenied(
            _("Only the company or a call manager can write the public version.")
        )
    challenge = _lock(challenge)
    if not challenge.is_restricted:
        raise ValidationError(
            {"public_title": _("Only restricted challenges have a public version.")}
        )
    before = (challenge.public_title, challenge.public_summary)
    challenge.public_title = _strip(public_title or "")
    challenge.public_summary = _strip(public_summary or "")
    challenge.public_version_by = actor
    challenge.full_clean()
    challenge.save(
        update_fields=["public_title", "public_summary", "public_version_by", "updated_at"]
    )
    audit_decision(
        actor=actor,
        action="challenge.public_version",
        target=challenge,
        changes={"public_title": (before[0], challenge.public_title)},
    )
    return challenge


# --- Triage -------------------------------------------------------------------------------------


def _decide(challenge: Challenge, name: str, actor: User) -> Challenge:
    challenge = _lock(challenge)
    CHALLENGE.require(challenge, name, actor=actor)
    CHALLENGE.apply(challenge, name)
    challenge.triaged_by = actor
    challenge.triaged_at = timezone.now()
    return challenge


@transaction.atomic
def challenge_accept(*, actor: User, challenge: Challenge) -> Challenge:
    """Accept a challenge from the queue: it is published (by its confidentiality) and can
    become part of a call. The company is notified. Partner systems that may read it get the
    ``challenge.created`` webhook: acceptance, not creation, is when a challenge enters the
    catalogue partners read (a draft or a queued one is only its company's and the
    secretariat's)."""
    challenge = _decide(challenge, "accept", actor)
    challenge.queued_at = None
    challenge.save(update_fields=["status", "triaged_by", "triaged_at", "queued_at", "updated_at"])
    audit_decision(actor=actor, action="challenge.accept", target=challenge)
    _notify_company(challenge, "challenges.challenge_accepted", actor)
    webhook_emit(
        event="challenge.created",
        data=payloads.challenge_created_data(challenge),
        visible_to=payloads.challenge_created_visible(challenge),
    )
    return challenge


@transaction.atomic
def challenge_request_detail(
    *, actor: User, challenge: Challenge, checklist: Iterable[str], message: str = ""
) -> Challenge:
    """Ask the company for more detail: ``checklist`` is a non-empty list of codes of
    :data:`DETAIL_ITEMS`; ``message`` optional. The challenge leaves the queue until answered."""
    CHALLENGE.authorize(challenge, "request_detail", actor=actor)
    items = list(dict.fromkeys(checklist or []))
    unknown = [item for item in items if item not in DETAIL_ITEMS]
    if not items or unknown:
        raise ValidationError({"checklist": _("Tick at least one item of the list.")})
    challenge = _decide(challenge, "request_detail", actor)
    challenge.detail_checklist = items
    challenge.detail_message = _strip(message or "")
    challenge.detail_answer = ""
    challenge.queued_at = None
    challenge.save(
        update_fields=[
            "status",
            "triaged_by",
            "triaged_at",
            "detail_checklist",
            "detail_message",
            "detail_answer",
            "queued_at",
            "updated_at",
        ]
    )
    audit_decision(
        actor=actor,
        action="challenge.request_detail",
        target=challenge,
        reason=challenge.detail_message,
        changes={"checklist": ([], items)},
    )
    wanted = "; ".join(str(DETAIL_ITEMS[item]) for item in items)
    _notify_company(
        challenge,
        "challenges.challenge_detail_requested",
        actor,
        items=wanted,
        message=challenge.detail_message,
    )
    return challenge


@transaction.atomic
def challenge_answer_detail(
    *, actor: User, challenge: Challenge, answer: str, data: Mapping[str, Any] | None = None
) -> Challenge:
    """The company answers a request for detail (and may change the challenge's fields in
    ``data`` at the same time): back to the queue, its clock restarting now."""
    answer = _strip(answer or "")
    CHALLENGE.authorize(challenge, "answer_detail", actor=actor)
    if not answer:
        raise ValidationError({"answer": _("Write your answer to the secretariat.")})
    if data:
        challenge = challenge_update(actor=actor, challenge=challenge, data=data)
    challenge = _lock(challenge)
    CHALLENGE.require(challenge, "answer_detail", actor=actor)
    CHALLENGE.apply(challenge, "answer_detail")
    challenge.detail_answer = answer
    challenge.queued_at = timezone.now()
    challenge.save(update_fields=["status", "detail_answer", "queued_at", "updated_at"])
    audit_decision(actor=actor, action="challenge.answer_detail", target=challenge)
    _notify_call_managers(challenge, "challenges.challenge_detail_answered", actor, answer=answer)
    return challenge


@transaction.atomic
def challenge_decline(*, actor: User, challenge: Challenge, reason: str) -> Challenge:
    """Decline with a reason (required), which the company reads."""
    CHALLENGE.authorize(challenge, "decline", actor=actor)
    reason = _strip(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Give the company the reason.")})
    challenge = _decide(challenge, "decline", actor)
    challenge.decline_reason = reason
    challenge.queued_at = None
    challenge.save(
        update_fields=[
            "status",
            "triaged_by",
            "triaged_at",
            "decline_reason",
            "queued_at",
            "updated_at",
        ]
    )
    audit_decision(actor=actor, action="challenge.decline", target=challenge, reason=reason)
    _notify_company(challenge, "challenges.challenge_declined", actor, reason=reason)
    return challenge


@transaction.atomic
def challenge_reopen(*, actor: User, challenge: Challenge) -> Challenge:
    """Put a declined challenge back in the queue (its clock restarts)."""
    challenge = _decide(challenge, "reopen", actor)
    previous_reason = challenge.decline_reason
    challenge.decline_reason = ""
    challenge.queued_at = timezone.now()
    challenge.save(
        update_fields=[
            "status",
            "triaged_by",
            "triaged_at",
            "decline_reason",
            "queued_at",
            "updated_at",
        ]
    )
    audit_decision(
        actor=actor,
        action="challenge.reopen",
        target=challenge,
        changes={"decline_reason": (previous_reason, "")},
    )
    _notify_company(challenge, "challenges.challenge_reopened", actor)
    return challenge


def _merge_notify(challenge: Challenge, into: Challenge, event: str, actor: User) -> None:
    """Both companies hear of it, each naming the other's challenge only as it may see it."""
    for own, other in ((challenge, into), (into, challenge)):
        notify(
            recipients=_company_people(own.organization_id, own.submitted_by_id),
            event=event,
            context={
                "title": own.title,
                "reference": own.reference or "",
                "other": _name_for(other, own.organization_id),
                "merged": _name_for(challenge, own.organization_id),
                "target": _name_for(into, own.organization_id),
                "challenge_id": own.pk,
            },
            actor=actor,
            url=_company_url(own),
        )


@transaction.atomic
def challenge_merge(*, actor: User, challenge: Challenge, into: Challenge) -> Challenge:
    """Merge a duplicate into ``into`` without destroying anything: ``challenge`` becomes
    *merged* with ``merged_into`` and the status it had (``status_before_merge``, for undo);
    its authors, texts and taxonomy stay. Both companies' authors and admins are notified;
    audited. Refused for itself, for a target that is merged, declined or a draft, and for a
    challenge others were merged into (undo those first)."""
    CHALLENGE.authorize(challenge, "merge", actor=actor)
    if into.pk == challenge.pk:
        raise ValidationError({"into": _("A challenge cannot be merged into itself.")})
    # Both rows locked in primary-key order, so two merges of the same pair cannot deadlock.
    locked = {
        c.pk: c
        for c in Challenge.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(pk__in=[challenge.pk, into.pk])
        .order_by("pk")
    }
    challenge, into = locked[challenge.pk], locked[into.pk]
    CHALLENGE.require(challenge, "merge", actor=actor)
    if into.status not in CHALLENGE.sources("merge"):
        raise ValidationError(
            {
                "into": _("A challenge can only be merged into one that is %(states)s.")
                % {
                    "states": ", ".join(
                        str(CHALLENGE.state_label(s)).lower()
                        for s in sorted(CHALLENGE.sources("merge"))
                    )
                }
            }
        )
    if challenge.merged_challenges.exists():
        raise ValidationError(
            {"into": _("Other challenges were merged into this one: undo those merges first.")}
        )
    challenge.status_before_merge = challenge.status
    CHALLENGE.apply(challenge, "merge")
    challenge.merged_into = into
    challenge.triaged_by = actor
    challenge.triaged_at = timezone.now()
    challenge.queued_at = None
    challenge.full_clean()
    challenge.save(
        update_fields=[
            "status",
            "status_before_merge",
            "merged_into",
            "triaged_by",
            "triaged_at",
            "queued_at",
            "updated_at",
        ]
    )
    audit_decision(
        actor=actor,
        action="challenge.merge",
        target=challenge,
        changes={
            "status": (challenge.status_before_merge, challenge.status),
            "merged_into": ("", into.reference or str(into.pk)),
        },
    )
    _merge_notify(challenge, into, "challenges.challenge_merged", actor)
    return challenge


@transaction.atomic
def challenge_unmerge(*, actor: User, challenge: Challenge) -> Challenge:
    """Undo a merge: back to the status it had, ``merged_into`` cleared; audited, both
    companies notified."""
    challenge = _lock(challenge)
    CHALLENGE.require(challenge, "unmerge", actor=actor)
    # The model's constraint guarantees a merged challenge has its target.
    into = Challenge.objects.select_related("organization").get(merged_challenges=challenge)
    CHALLENGE.apply(challenge, "unmerge")  # to status_before_merge
    restored = challenge.status
    challenge.merged_into = None
    challenge.status_before_merge = ""
    challenge.triaged_by = actor
    challenge.triaged_at = timezone.now()
    if CHALLENGE.has_tag(challenge, "in_queue"):
        challenge.queued_at = timezone.now()
    challenge.full_clean()
    challenge.save(
        update_fields=[
            "status",
            "status_before_merge",
            "merged_into",
            "triaged_by",
            "triaged_at",
            "queued_at",
            "updated_at",
        ]
    )
    audit_decision(
        actor=actor,
        action="challenge.unmerge",
        target=challenge,
        changes={
            "status": (Status.MERGED, restored),
            "merged_into": (into.reference or str(into.pk), ""),
        },
    )
    _merge_notify(challenge, into, "challenges.challenge_unmerged", actor)
    return challenge


@transaction.atomic
def challenge_share(*, actor: User, challenge: Challenge, others: Iterable[Challenge]) -> Challenge:
    """Mark similar challenges of *other* companies as shared with ``challenge`` (symmetric),
    so that the companies can sponsor one call together. Audited."""
    _require_call_manager(actor)
    challenge = _lock(challenge)
    other_ids = {o.pk for o in others} - {challenge.pk}
    rows = list(
        Challenge.objects.filter(pk__in=other_ids)
        .exclude(status__in=[Status.DRAFT, Status.MERGED])
        .only("pk", "organization_id", "reference")
    )
    if not other_ids or len(rows) != len(other_ids):
        raise ValidationError({"others": _("Choose challenges from the list.")})
    if any(o.organization_id == challenge.organization_id for o in rows):
        raise ValidationError(
            {"others": _("Only challenges of different companies can be shared.")}
        )
    if challenge.status in (Status.DRAFT, Status.MERGED):
        raise ValidationError(
            _("This challenge is %(state)s: it cannot be shared.")
            % {"state": str(CHALLENGE.state_label(challenge)).lower()},
            code="invalid_transition",
        )
    challenge.shared_with.add(*rows)
    audit_decision(
        actor=actor,
        action="challenge.share",
        target=challenge,
        changes={"shared_with": ("", ", ".join(o.reference or str(o.pk) for o in rows))},
    )
    return challenge


@transaction.atomic
def challenge_unshare(*, actor: User, challenge: Challenge, other: Challenge) -> Challenge:
    """Remove one sharing link (both directions). Audited."""
    _require_call_manager(actor)
    challenge = _lock(challenge)
    if not challenge.shared_with.filter(pk=other.pk).exists():
        raise ValidationError({"others": _("These challenges are not shared.")})
    challenge.shared_with.remove(other)
    audit_decision(
        actor=actor,
        action="challenge.unshare",
        target=challenge,
        changes={"shared_with": (other.reference or str(other.pk), "")},
    )
    return challenge
