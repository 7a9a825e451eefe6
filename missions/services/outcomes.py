"""Writes of mission outcomes: each delegate's outcome (contacts, agreements, follow-ups,
business generated), the agreements reached, an agreement that became a contract claimed in a
project's impact ledger, and the reminders to record outcomes after return.

Who: the delegate or an administrator of the organization, once the mission is under way
(``permissions.can_record_outcome``); the impact claim also asks the portfolio's
``can_claim_impact`` (through ``challenges.services.impact.impact_claim``). A refusal raises
``PermissionDenied`` (who) or ``ValidationError`` (what) and changes nothing. Audited.

Decisions:

* :func:`outcome_record` creates the outcome or updates it (one per delegate); an update sends
  only the fields it changes.
* :func:`agreement_to_impact` is for a *contract* with a value and a signing date, on a project
  whose supplier lead is the delegate's organization; the agreement's counterpart is named in
  the entry's description (the ledger's ``counterpart`` is a member organization, which a
  foreign company is not). An agreement is claimed once.
* Reminders (:func:`outcome_reminders_send`): included delegates of accepted applications of
  missions travelling or completed, with no outcome yet: ``first`` from the day after return,
  ``last`` :data:`LAST_REMINDER_DAYS` days after return, each once (``OutcomeReminder``). A
  delegate first seen after the last date gets only ``last``; nobody is reminded about a
  return older than :data:`REMINDER_WINDOW_DAYS` days (so a mission of last year does not
  wake up when this code is deployed).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from cluster_portal.audit.services import audit_decision
from cluster_portal.core.money import format_money
from members.models import User

from .. import permissions
from ..models import Agreement, Application, Delegate, Outcome, OutcomeReminder
from ..permissions import OUTCOMES_TAG
from ..workflows import MISSION
from .readiness import delegate_url

OUTCOME_FIELDS = frozenset(
    {"contacts_made", "agreements", "follow_ups", "business_generated", "notes"}
)
AGREEMENT_FIELDS = frozenset({"kind", "counterpart", "description", "value", "signed_on"})

#: The last outcome reminder goes this many days after return.
LAST_REMINDER_DAYS = 14
#: No outcome reminder about a return older than this.
REMINDER_WINDOW_DAYS = 60


class ReminderKind:
    FIRST = "first"
    LAST = "last"


# --- Helpers ---------------------------------------------------------------------------------


def _deny_unless(verdict: Any, message: str = "") -> None:
    if not verdict:
        raise PermissionDenied(
            str(getattr(verdict, "reason", "") or message or _("You may not do this."))
        )


def _today() -> datetime.date:
    return timezone.localdate()


def _check_fields(data: Mapping[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Unexpected {what} fields: {sorted(unknown)}")


def _shown(value: Any) -> Any:
    if isinstance(value, Money):
        return format_money(value, "es")
    return value


def _assign(obj: models.Model, data: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Set the fields that change; returns the ``update_fields`` and the audit changes."""
    fields: list[str] = []
    changes: dict[str, Any] = {}
    for name, raw in data.items():
        value = raw.strip() if isinstance(raw, str) else raw
        if isinstance(value, float):
            raise ValueError(f"{name}: floats are not accepted")
        before = getattr(obj, name)
        if before == value:
            continue
        setattr(obj, name, value)
        fields.append(name)
        if isinstance(value, Money) or isinstance(before, Money):
            fields.append(f"{name}_currency")
        changes[name] = (_shown(before), _shown(value))
    return fields, changes


def _lock_delegate(delegate: Delegate) -> Delegate:
    Delegate.objects.select_for_update(of=("self",)).get(pk=delegate.pk)
    return Delegate.objects.select_related("application__organization", "mission").get(
        pk=delegate.pk
    )


def _money_not_negative(value: Any, field: str, errors: dict[str, str]) -> None:
    if value is not None and isinstance(value, Money) and value.amount < 0:
        errors[field] = _("The amount cannot be negative.")


# --- Outcomes --------------------------------------------------------------------------------


@transaction.atomic
def outcome_record(*, actor: User, delegate: Delegate, data: Mapping[str, Any]) -> Outcome:
    """Create or update the delegate's outcome with ``data`` (any of :data:`OUTCOME_FIELDS`).
    The delegate or the organization's admin, once the mission is under way."""
    _check_fields(data, OUTCOME_FIELDS, "outcome")
    delegate = _lock_delegate(delegate)
    _deny_unless(permissions.can_record_outcome(actor, delegate))
    outcome = Outcome.objects.filter(delegate=delegate).first()
    created = outcome is None
    if outcome is None:
        outcome = Outcome(delegate=delegate)
    fields, changes = _assign(outcome, data)
    errors: dict[str, str] = {}
    _money_not_negative(outcome.business_generated, "business_generated", errors)
    if errors:
        raise ValidationError(errors)
    if not created and not fields:
        return outcome
    outcome.full_clean()
    if created:
        outcome.save()
    else:
        outcome.save(update_fields=[*fields, "updated_at"])
    audit_decision(
        actor=actor,
        target=outcome,
        action="missions.outcome.create" if created else "missions.outcome.update",
        changes={k: v for k, v in changes.items() if k not in {"follow_ups", "notes"}},
    )
    return outcome


@transaction.atomic
def agreement_record(*, actor: User, delegate: Delegate, data: Mapping[str, Any]) -> Agreement:
    """Record an agreement the delegate reached (``kind``, ``counterpart``, ``description``,
    optional ``value`` and ``signed_on``, not in the future)."""
    _check_fields(data, AGREEMENT_FIELDS, "agreement")
    delegate = _lock_delegate(delegate)
    _deny_unless(permissions.can_record_outcome(actor, delegate))
    agreement = Agreement(delegate=delegate, mission=delegate.mission, created_by=actor)
    _assign(agreement, data)
    errors: dict[str, str] = {}
    _money_not_negative(agreement.value, "value", errors)
    if agreement.signed_on is not None and agreement.signed_on > _today():
        errors["signed_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    agreement.full_clean()
    agreement.save()
    audit_decision(
        actor=actor,
        target=agreement,
        action="missions.agreement.record",
        changes={"kind": ("", agreement.kind), "value": ("", _shown(agreement.value) or "")},
    )
    return agreement


def lead_projects(delegate: Delegate) -> models.QuerySet[Any]:
    """Projects whose supplier lead is the delegate's organization (where a contract from the
    mission can be claimed), newest first."""
    from challenges.models import Project, ProjectOrganization

    return Project.objects.filter(
        participants__organization_id=delegate.application.organization_id,
        participants__role=ProjectOrganization.Role.LEAD,
    ).order_by("-pk")


@transaction.atomic
def agreement_to_impact(*, actor: User, agreement: Agreement, project: Any) -> Agreement:
    """Claim a contract reached on the mission in ``project``'s impact ledger (kind contract,
    its value and signing date) and link it (``agreement.impact_entry``).

    Preconditions: ``actor`` may record the delegate's outcomes and claim impact on the project
    (``can_claim_impact``: the supplier lead's people); the project's supplier lead is the
    delegate's organization; the agreement is a contract with a value and a signing date, not
    claimed before. The sponsors are told by ``impact_claim``.
    """
    from challenges.models import ImpactEntry
    from challenges.services.impact import impact_claim

    Agreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    agreement = Agreement.objects.select_related(
        "delegate__application__organization", "delegate__mission"
    ).get(pk=agreement.pk)
    delegate = agreement.delegate
    _deny_unless(permissions.can_record_outcome(actor, delegate))
    if not lead_projects(delegate).filter(pk=project.pk).exists():
        raise ValidationError(
            {"project": _("Choose a project your organization leads as supplier.")}
        )
    errors: dict[str, str] = {}
    if agreement.impact_entry_id is not None:
        errors["project"] = _("This agreement is already in the impact ledger.")
    if agreement.kind != Agreement.Kind.CONTRACT:
        errors["kind"] = _("Only a contract or purchase order goes to the impact ledger.")
    if agreement.value is None:
        errors["value"] = _("Give the contract's value first.")
    if agreement.signed_on is None:
        errors["signed_on"] = _("Give the date it was signed first.")
    if errors:
        raise ValidationError(errors)
    description = _("%(description)s (with %(counterpart)s, during the mission %(mission)s)") % {
        "description": agreement.description,
        "counterpart": agreement.counterpart,
        "mission": delegate.mission.code,
    }
    entry = impact_claim(
        actor=actor,
        project=project,
        data={
            "kind": ImpactEntry.Kind.CONTRACT,
            "description": description[:2000],
            "occurred_on": agreement.signed_on,
            "amount": agreement.value,
        },
    )
    agreement.impact_entry = entry
    agreement.save(update_fields=["impact_entry"])
    audit_decision(
        actor=actor,
        target=agreement,
        action="missions.agreement.to_impact",
        changes={"impact_entry": ("", entry.pk), "project": ("", project.pk)},
    )
    return agreement


# --- Reminders -------------------------------------------------------------------------------


def outcome_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind included delegates of accepted applications of missions under way or completed
    (``OUTCOMES_TAG``) who have no outcome yet (see the module's decisions). Each kind once per
    delegate (an :class:`OutcomeReminder` row written with the notification). Returns how many
    were sent."""
    from notifications.services import notify

    today = today or _today()
    candidates = (
        Delegate.objects.filter(
            included=True,
            application__status=Application.Status.ACCEPTED,
            mission__status__in=MISSION.values_tagged(OUTCOMES_TAG),
            mission__ends_on__lt=today,
            mission__ends_on__gte=today - datetime.timedelta(days=REMINDER_WINDOW_DAYS),
            outcome__isnull=True,
        )
        .select_related("person", "mission")
        .order_by("mission_id", "pk")
    )
    delegates = list(candidates)
    sent_before = set(
        OutcomeReminder.objects.filter(delegate__in=delegates).values_list("delegate_id", "kind")
    )
    sent = 0
    for delegate in delegates:
        last_from = delegate.mission.ends_on + datetime.timedelta(days=LAST_REMINDER_DAYS)
        kind = ReminderKind.LAST if today >= last_from else ReminderKind.FIRST
        if (delegate.pk, kind) in sent_before:
            continue
        try:
            with transaction.atomic():
                OutcomeReminder.objects.create(delegate=delegate, kind=kind)
                notify(
                    recipients=[delegate.person],
                    event="missions.outcome_reminder",
                    context={
                        "mission_id": delegate.mission_id,
                        "mission_title": delegate.mission.title,
                        "delegate_id": delegate.pk,
                    },
                    url=delegate_url(delegate),
                    idempotency_key=f"missions.outcome_reminder:{delegate.pk}:{kind}",
                )
        except IntegrityError:
            continue
        sent += 1
    return sent
