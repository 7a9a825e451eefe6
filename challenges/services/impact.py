"""Writes of the impact ledger (append-only): claims, corrections and their verification.

* :func:`impact_claim` — the supplier lead's people (or a portfolio manager) claim what
  happened after the award, with evidence files; the sponsors are told.
* :func:`impact_update` / :func:`impact_withdraw` — a *claim* is edited or withdrawn (deleted
  with its evidence) by the same people; a confirmed or verified entry never is.
* :func:`impact_correct` — a confirmed or verified entry is corrected by a new claim that
  references it (``corrects``) and goes through the same steps; once verified, its values
  replace the corrected entry's in the totals (``challenges.impact_totals``).
* :func:`impact_confirm` (a sponsor) → :func:`impact_verify` (a portfolio manager);
  :func:`impact_reject` (a sponsor or the secretariat, with a reason) ends a claim.

Values (decided here, checked by :func:`clean_values`): contracts, sales and follow-on
investment (``ImpactEntry.MONEY_KINDS``) need an ``amount`` in soles or dollars and no count;
pilots, jobs and patents need a ``count`` and no amount. A claim's value is positive; a
correction's may be zero (the contract fell through: the entry leaves the totals). The date
cannot be in the future.

Four eyes: whoever claimed an entry cannot confirm it, and whoever confirmed it cannot verify
it (a portfolio manager standing in for a sponsor still needs a colleague to verify).

Every change locks the entry (``select_for_update``) and asks the ``IMPACT`` lifecycle table
(``challenges/workflows.py``); the service writes only the status and its ``*_by``/``*_at``
columns of an entry it confirms or verifies, never a frozen entry's content (the database
trigger of migration ``0005`` is the second line). Refusals: ``PermissionDenied`` (who) or
``ValidationError`` (what: per field, or codes ``frozen``, ``not_frozen``,
``pending_correction``, ``no_change``, ``same_person``, ``invalid_transition``); nothing is
changed then. Decisions are audited (``audit_decision``, codes ``impact.*``) and notified in
each recipient's language.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from cluster_portal.audit.services import audit_decision
from cluster_portal.core import roles
from cluster_portal.core.money import format_money, validate_currency
from cluster_portal.files.models import Attachment
from cluster_portal.files.selectors import attachment_list_for_target
from cluster_portal.files.services import attachment_create, attachment_delete
from cluster_portal.files.validation import DOCUMENT_KINDS
from members.models import Organization, OrganizationMember, User
from members.services._effects import staff_recipients
from notifications.services import notify
from notifications.services.webhooks import webhook_emit
from notifications.webhooks import payloads

from .. import permissions
from ..models import ImpactEntry, Project, ProjectOrganization
from ..workflows import IMPACT

Kind = ImpactEntry.Kind
Status = ImpactEntry.Status

#: Attachment purpose of evidence files (download rule: ``can_view_project``, see apps.py).
EVIDENCE_PURPOSE = "evidence"
EVIDENCE_KINDS: tuple[str, ...] = (*DOCUMENT_KINDS, "png", "jpeg")
#: What a claim or a correction says (forms and the API send the same names).
VALUE_FIELDS = ("kind", "description", "occurred_on", "amount", "count", "counterpart")
DESCRIPTION_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 2000


# --- Helpers ---------------------------------------------------------------------------------


def _deny_unless(verdict: Any) -> None:
    if not verdict:
        raise PermissionDenied(str(getattr(verdict, "reason", "") or _("You may not do this.")))


def _lock(entry: ImpactEntry) -> ImpactEntry:
    """The entry locked for this transaction, with its project's organizations (the guards)."""
    locked = (
        ImpactEntry.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=entry.pk)
    )
    project = Project.objects.prefetch_related("participants").get(pk=locked.project_id)
    locked.project = project
    return locked


def _require_claim(entry: ImpactEntry) -> None:
    """Only a claim (not yet confirmed, not rejected) may be edited or withdrawn."""
    if entry.is_frozen:
        raise ValidationError(
            _(
                "This entry is %(state)s: it can no longer be changed or withdrawn. "
                "Add a correction instead."
            )
            % {"state": str(IMPACT.state_label(entry)).lower()},
            code="frozen",
        )
    if entry.status != Status.CLAIMED:
        raise ValidationError(
            _("This entry was rejected: it can no longer change. Claim it again if needed."),
            code="invalid_transition",
        )


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Give the reason.")}, code="required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: _("At most %(n)s characters.") % {"n": REASON_MAX_LENGTH}}, code="max_length"
        )
    return reason


def _values_of(entry: ImpactEntry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "description": entry.description,
        "occurred_on": entry.occurred_on,
        "amount": entry.amount,
        "count": entry.count,
        "counterpart": entry.counterpart,
    }


def clean_values(
    data: Mapping[str, Any],
    *,
    base: Mapping[str, Any] | None = None,
    allow_zero: bool = False,
) -> dict[str, Any]:
    """The entry's values from ``data`` (over ``base``, the current values, for an edit or a
    correction), checked: one ``ValidationError`` with every field's problem.

    When ``data`` changes the kind, the value (amount or count) of ``base`` is not carried
    over: a sale's amount means nothing as a number of jobs.
    """
    unknown = sorted(set(data) - set(VALUE_FIELDS))
    if unknown:
        raise ValueError(f"Unknown impact entry fields: {', '.join(unknown)}")
    values: dict[str, Any] = dict(base or {})
    if base is not None and "kind" in data and data["kind"] != base.get("kind"):
        values.pop("amount", None)
        values.pop("count", None)
    values.update(data)
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    kind = values.get("kind") or ""
    if kind not in Kind.values:
        fail("kind", _("Choose what happened."))
    description = str(values.get("description") or "").strip()
    if not description:
        fail("description", _("Describe what happened."))
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        fail("description", _("At most %(n)s characters.") % {"n": DESCRIPTION_MAX_LENGTH})
    values["description"] = description
    occurred_on = values.get("occurred_on")
    if not isinstance(occurred_on, datetime.date) or isinstance(occurred_on, datetime.datetime):
        fail("occurred_on", _("Give the date it happened."))
    elif occurred_on > timezone.localdate():
        fail("occurred_on", _("The date cannot be in the future."))
    amount = values.get("amount")
    count = values.get("count")
    lowest = 0 if allow_zero else 1
    if kind in ImpactEntry.MONEY_KINDS:
        if count is not None:
            fail("count", _("This kind is measured in money: leave the count empty."))
        if amount is None:
            fail("amount", _("Give the amount."))
        elif not isinstance(amount, Money):
            raise TypeError("amount must be a djmoney Money")
        else:
            try:
                validate_currency(amount)
            except ValidationError as error:
                errors.setdefault("amount", []).extend(error.messages)
            if amount.amount < lowest:
                fail(
                    "amount",
                    _("The amount cannot be negative.")
                    if allow_zero
                    else _("The amount must be positive."),
                )
    elif kind:
        if amount is not None:
            fail("amount", _("This kind is a count: leave the amount empty."))
        if count is None:
            fail("count", _("Give the number."))
        elif isinstance(count, bool) or not isinstance(count, int):
            fail("count", _("Give a whole number."))
        elif count < lowest:
            fail(
                "count",
                _("The number cannot be negative.")
                if allow_zero
                else _("The number must be at least 1."),
            )
    counterpart = values.get("counterpart")
    if counterpart is not None and not isinstance(counterpart, Organization):
        raise TypeError("counterpart must be an Organization")
    if errors:
        raise ValidationError(errors)
    return {field: values.get(field) for field in VALUE_FIELDS}


def _assign(entry: ImpactEntry, values: Mapping[str, Any]) -> list[str]:
    """Set the values on ``entry``; the fields that changed."""
    changed = []
    for field, value in values.items():
        if getattr(entry, field) != value:
            setattr(entry, field, value)
            changed.append(field)
    return changed


def _full_clean(entry: ImpactEntry) -> None:
    entry.full_clean(exclude=["project", "corrects", "claimed_by", "confirmed_by", "verified_by"])


def _attach(actor: User, entry: ImpactEntry, files: Iterable[File]) -> list[Attachment]:
    return [
        attachment_create(
            actor=actor,
            target=entry,
            uploaded_file=uploaded,
            purpose=EVIDENCE_PURPOSE,
            allowed_types=EVIDENCE_KINDS,
        )
        for uploaded in files
    ]


def _shown(value: Any) -> str:
    if isinstance(value, Money):
        return f"{value.amount} {value.currency}"  # the audit log: exact and unambiguous
    if value is None:
        return ""
    return str(value)


def _people(project: Project, role: str) -> list[User]:
    """The people of the project's organizations with ``role`` (one query)."""
    organizations = ProjectOrganization.objects.filter(project=project, role=role).values(
        "organization_id"
    )
    return [
        m.user
        for m in OrganizationMember.objects.filter(organization_id__in=organizations)
        .select_related("user")
        .order_by("user_id")
    ]


def _value(entry: ImpactEntry) -> str:
    return format_money(entry.amount) if entry.amount is not None else str(entry.count)


def _context(entry: ImpactEntry, **extra: str) -> dict[str, Any]:
    value = _value(entry)
    return {
        "project_code": entry.project.code,
        "project_title": entry.project.title,
        # Lazy: written in each recipient's language (notifications render under it).
        "kind": ImpactEntry.Kind(entry.kind).label,
        "value": value,
        "occurred_on": entry.occurred_on.strftime("%d/%m/%Y"),
        **extra,
    }


def _project_url(project: Project) -> str:
    """The project's page once the portfolio pages exist; until then no link."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("challenges:project_detail", kwargs={"project_id": project.pk})
    except NoReverseMatch:
        return ""


def _notify(
    recipients: Iterable[User], event: str, entry: ImpactEntry, actor: User, **extra: str
) -> None:
    notify(
        recipients=recipients,
        event=event,
        context=_context(entry, **extra),
        actor=actor,
        url=_project_url(entry.project),
        idempotency_key=f"{event}:{entry.pk}",
    )


# --- Claims ----------------------------------------------------------------------------------


@transaction.atomic
def impact_claim(
    *,
    actor: User,
    project: Project,
    data: Mapping[str, Any],
    files: Iterable[File] = (),
) -> ImpactEntry:
    """Claim an impact entry for ``project`` (status ``claimed``) with evidence ``files``.

    Preconditions: ``actor`` is of the supplier lead or a portfolio manager
    (``can_claim_impact``); ``data`` holds :data:`VALUE_FIELDS` (see :func:`clean_values`).
    Tells the sponsors' people (``challenges.impact_claimed``). Audited.
    """
    _deny_unless(permissions.can_claim_impact(actor, project))
    values = clean_values(data)
    entry = ImpactEntry(project=project, claimed_by=actor, claimed_at=timezone.now(), **values)
    _full_clean(entry)
    entry.save()
    _attach(actor, entry, files)
    audit_decision(
        actor=actor,
        target=entry,
        action="impact.claim",
        changes={"status": ("", entry.status), "value": ("", _value(entry))},
    )
    _notify(
        _people(project, ProjectOrganization.Role.SPONSOR),
        "challenges.impact_claimed",
        entry,
        actor,
    )
    return entry


@transaction.atomic
def impact_update(
    *,
    actor: User,
    entry: ImpactEntry,
    data: Mapping[str, Any],
    files: Iterable[File] = (),
) -> ImpactEntry:
    """Edit a claim (and add evidence). A confirmed or verified entry is refused (code
    ``frozen``: add a correction); a rejected one too. Audited with what changed."""
    _deny_unless(permissions.can_claim_impact(actor, entry.project))
    entry = _lock(entry)
    _require_claim(entry)
    before = _values_of(entry)
    values = clean_values(data, base=before, allow_zero=entry.corrects_id is not None)
    changed = _assign(entry, values)
    if changed:
        _full_clean(entry)
        columns = [
            column
            for field in changed
            for column in ((field, f"{field}_currency") if field == "amount" else (field,))
        ]
        entry.save(update_fields=columns)
    attachments = _attach(actor, entry, files)
    if changed or attachments:
        changes = {f: (_shown(before[f]), _shown(getattr(entry, f))) for f in changed}
        if attachments:
            changes["evidence"] = ("", ", ".join(a.original_name for a in attachments))
        audit_decision(actor=actor, target=entry, action="impact.update", changes=changes)
    return entry


@transaction.atomic
def impact_withdraw(*, actor: User, entry: ImpactEntry) -> None:
    """Withdraw a claim: the entry and its evidence are deleted (a claim is not yet part of
    the record). A confirmed or verified entry is refused (code ``frozen``). Audited first."""
    _deny_unless(permissions.can_claim_impact(actor, entry.project))
    entry = _lock(entry)
    _require_claim(entry)
    audit_decision(
        actor=actor,
        target=entry,
        action="impact.withdraw",
        changes={"status": (entry.status, "withdrawn")},
    )
    for attachment in attachment_list_for_target(target=entry):
        attachment_delete(actor=actor, attachment=attachment)
    entry.delete()


@transaction.atomic
def impact_correct(
    *,
    actor: User,
    entry: ImpactEntry,
    data: Mapping[str, Any],
    reason: str,
    files: Iterable[File] = (),
) -> ImpactEntry:
    """Correct a confirmed or verified entry: a new claim with ``corrects=entry`` and the
    corrected values (``data`` over the entry's own; a value may be zero), which goes through
    confirmation and verification like any claim. The corrected entry is not touched.

    Refused for a claim or a rejected entry (``not_frozen``: edit or withdraw it), while
    another correction of it is still a claim (``pending_correction``: edit that one), and
    when nothing would change (``no_change``). The ``reason`` is audited and told to the
    sponsors (``challenges.impact_claimed``).
    """
    _deny_unless(permissions.can_claim_impact(actor, entry.project))
    entry = _lock(entry)
    if not entry.is_frozen:
        raise ValidationError(
            _("Only a confirmed or verified entry is corrected; edit or withdraw a claim."),
            code="not_frozen",
        )
    reason = _reason(reason)
    if entry.corrections.filter(status=Status.CLAIMED).exists():
        raise ValidationError(
            _("A correction of this entry is waiting for the sponsor: edit that one instead."),
            code="pending_correction",
        )
    before = _values_of(entry)
    values = clean_values(data, base=before, allow_zero=True)
    if values == before:
        raise ValidationError(
            _("The correction changes nothing: change the value, the date or the description."),
            code="no_change",
        )
    correction = ImpactEntry(
        project=entry.project,
        corrects=entry,
        claimed_by=actor,
        claimed_at=timezone.now(),
        **values,
    )
    _full_clean(correction)
    correction.save()
    _attach(actor, correction, files)
    changes = {
        field: (_shown(before[field]), _shown(values[field]))
        for field in VALUE_FIELDS
        if before[field] != values[field]
    }
    audit_decision(
        actor=actor,
        target=correction,
        action="impact.correct",
        changes={"corrects": ("", str(entry.pk)), **changes},
        reason=reason,
    )
    _notify(
        _people(correction.project, ProjectOrganization.Role.SPONSOR),
        "challenges.impact_claimed",
        correction,
        actor,
    )
    return correction


# --- Verification ----------------------------------------------------------------------------


def _not_the_same_person(person: User | None, actor: User, message: str) -> None:
    if person is not None and person.pk == actor.pk:
        raise ValidationError(message, code="same_person")


@transaction.atomic
def impact_confirm(*, actor: User, entry: ImpactEntry) -> ImpactEntry:
    """A sponsor confirms a claim (``claimed`` → ``confirmed``): from now on the entry is
    frozen. Not by the person who claimed it. Tells the supplier lead's people
    (``challenges.impact_confirmed``) and the portfolio managers
    (``challenges.impact_to_verify``). Audited."""
    IMPACT.authorize(entry, "confirm", actor=actor)
    entry = _lock(entry)
    IMPACT.require(entry, "confirm", actor=actor)
    _not_the_same_person(
        entry.claimed_by, actor, _("Someone other than the person who claimed it must confirm.")
    )
    before = entry.status
    IMPACT.apply(entry, "confirm")
    entry.confirmed_by = actor
    entry.confirmed_at = timezone.now()
    entry.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit_decision(
        actor=actor,
        target=entry,
        action="impact.confirm",
        changes={"status": (before, entry.status)},
    )
    _notify(
        _people(entry.project, ProjectOrganization.Role.LEAD),
        "challenges.impact_confirmed",
        entry,
        actor,
    )
    _notify(staff_recipients(roles.MANAGE_PORTFOLIO), "challenges.impact_to_verify", entry, actor)
    return entry


@transaction.atomic
def impact_reject(*, actor: User, entry: ImpactEntry, reason: str) -> ImpactEntry:
    """A sponsor or the secretariat rejects a claim, with a reason (``claimed`` →
    ``rejected``, final). Tells the supplier lead's people (``challenges.impact_rejected``).
    Audited."""
    IMPACT.authorize(entry, "reject", actor=actor)
    reason = _reason(reason)
    entry = _lock(entry)
    IMPACT.require(entry, "reject", actor=actor)
    before = entry.status
    IMPACT.apply(entry, "reject")
    entry.rejected_reason = reason
    entry.save(update_fields=["status", "rejected_reason"])
    audit_decision(
        actor=actor,
        target=entry,
        action="impact.reject",
        changes={"status": (before, entry.status)},
        reason=reason,
    )
    _notify(
        _people(entry.project, ProjectOrganization.Role.LEAD),
        "challenges.impact_rejected",
        entry,
        actor,
        reason=reason,
    )
    return entry


@transaction.atomic
def impact_verify(*, actor: User, entry: ImpactEntry) -> ImpactEntry:
    """A portfolio manager verifies a confirmed entry (``confirmed`` → ``verified``): it now
    counts in the totals (tag ``IN_TOTALS``), replacing what it corrects. Not by the person who
    confirmed it. Tells the supplier lead's people (``challenges.impact_verified``) and partner
    systems (webhook ``impact.entry.verified``). Audited."""
    IMPACT.authorize(entry, "verify", actor=actor)
    entry = _lock(entry)
    IMPACT.require(entry, "verify", actor=actor)
    _not_the_same_person(
        entry.confirmed_by, actor, _("Someone other than the person who confirmed it must verify.")
    )
    before = entry.status
    IMPACT.apply(entry, "verify")
    entry.verified_by = actor
    entry.verified_at = timezone.now()
    entry.save(update_fields=["status", "verified_by", "verified_at"])
    audit_decision(
        actor=actor,
        target=entry,
        action="impact.verify",
        changes={"status": (before, entry.status)},
    )
    _notify(
        _people(entry.project, ProjectOrganization.Role.LEAD),
        "challenges.impact_verified",
        entry,
        actor,
    )
    webhook_emit(
        event="impact.entry.verified",
        data=payloads.impact_entry_verified_data(entry),
        visible_to=payloads.impact_entry_verified_visible(entry),
    )
    return entry
