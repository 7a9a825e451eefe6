"""Writes of missions: creating and changing a mission, its selection criteria and quotas, and
its lifecycle (publish, close applications, start travel, complete, cancel).

Which transition may leave which state, and who may take it, is the ``MISSION`` table of
``missions/workflows.py``; every service that changes a mission locks its row
(``select_for_update``) and asks the table after the lock. Closing applications, starting
travel and completing are also timed transitions: the periodic job calls them with
``actor=None``, and they leave a mission that has already moved alone.

Rules kept here (not in forms, so the API and commands get them too):

* the destination is an ISO 3166-1 alpha-2 country babel knows; the time zone an IANA name;
* departure before return, the window opens before it closes and closes before the departure
  day (Lima's date);
* places for delegates are at least the places for organizations; co-funding per delegate is in
  the cost's currency and not above it;
* eligibility uses the organization kinds and regions of the member directory, and once
  applications exist it may widen but never narrow (an organization that applied in good faith
  would become ineligible);
* the selection rules (capacities, per-organization maximum, quotas) change until the mission
  travels; a change while the delegation is being formed (``DELEGATION_TAG``) re-runs the
  selection (``missions.services.applications.selection_rerun``) in the same transaction.

Refusals: ``PermissionDenied`` (who) or ``ValidationError`` (what; code ``invalid_transition``
for a state that does not allow the change, so pages show it as a message).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from cluster_portal.core.peru import Region
from cluster_portal.core.references import next_reference
from members.models import Organization, User
from notifications.services import notify_audience
from notifications.services.webhooks import webhook_emit
from notifications.webhooks import payloads

from .. import calendars
from ..groups import Group
from ..models import (
    MISSION_REFERENCE_PREFIX,
    Application,
    Mission,
    MissionQuota,
    SelectionCriterion,
)
from ..permissions import DELEGATION_TAG, OUT_TAG, can_coordinate_missions
from ..selectors.missions import country_codes, country_name
from ..workflows import APPLICATION, MISSION

logger = logging.getLogger(__name__)

GENERAL_FIELDS = (
    "title",
    "title_en",
    "summary",
    "summary_en",
    "objectives",
    "objectives_en",
    "country",
    "cities",
    "time_zone",
    "starts_on",
    "ends_on",
    "cost_per_delegate",
    "co_funding_per_delegate",
    "co_funding_note",
    "visa_required",
    "vaccinations_required",
)
WINDOW_FIELDS = ("applications_open_at", "applications_close_at")
CAPACITY_FIELDS = ("capacity_organizations", "capacity_delegates", "max_delegates_per_organization")
ELIGIBILITY_FIELDS = ("eligible_kinds", "eligible_regions")
RULE_FIELDS = (*WINDOW_FIELDS, *CAPACITY_FIELDS, *ELIGIBILITY_FIELDS, "hold_hours")
#: What ``mission_create`` / ``mission_update`` accept in ``data``.
MISSION_FIELDS = GENERAL_FIELDS + RULE_FIELDS
CRITERION_FIELDS = ("name", "name_en", "description", "description_en", "weight", "max_score")
#: Total of a mission's criteria weights.
WEIGHT_TOTAL = 100
REASON_MAX_LENGTH = 500
SLUG_MAX_LENGTH = 80


# --- Helpers ---------------------------------------------------------------------------------


def _require_coordinator(actor: Any) -> None:
    if actor is None or not can_coordinate_missions(actor):
        raise PermissionDenied(_("Only a mission coordinator can do this."))


def _lock(mission: Mission) -> Mission:
    return Mission.objects.select_for_update().get(pk=mission.pk)


def _state_allows_any(mission: Mission, *transitions: str) -> bool:
    return any(MISSION.state_allows(mission, name) for name in transitions)


def selection_rules_editable(mission: Mission) -> bool:
    """Capacities, quotas and eligibility change until the mission travels (draft, open,
    selecting, confirmed: the states some pre-travel step leaves)."""
    return _state_allows_any(
        mission, "publish", "close_applications", "publish_selection", "start_travel"
    )


def criteria_editable(mission: Mission) -> bool:
    """Criteria change until the selection is published (draft, open, selecting)."""
    return _state_allows_any(mission, "publish", "close_applications", "publish_selection")


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_transition")


def mission_public_url(mission: Mission) -> str:
    """The public page (H5's ``missions:mission_detail``); the list when it is not wired."""
    try:
        return reverse("missions:mission_detail", kwargs={"slug": mission.slug})
    except NoReverseMatch:
        return "/missions/"


def _lima_datetime(value: Any) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _clean(name: str, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if name == "country":
            value = value.upper()
    if name in ELIGIBILITY_FIELDS:
        value = sorted(dict.fromkeys(str(v) for v in (value or [])))
    return value


def _assign(mission: Mission, data: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    """Copy the known ``fields`` present in ``data`` onto ``mission``; the changed ones."""
    changed = []
    for name in fields:
        if name not in data:
            continue
        value = _clean(name, data[name])
        if getattr(mission, name) != value:
            setattr(mission, name, value)
            changed.append(name)
    return changed


#: First path segments of other pages under ``/missions/`` (``missions.urls``): never a slug.
RESERVED_SLUGS = frozenset({"ours", "delegates", "applications"})


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[: SLUG_MAX_LENGTH - 6].strip("-") or "mision"
    if base in RESERVED_SLUGS:
        base = f"mision-{base}"
    others = Mission.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _rule_errors(mission: Mission) -> dict[str, list[str]]:
    """Form errors of the mission's cross-field rules (only for values that are set)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if mission.country and mission.country not in country_codes():
        add("country", _("Choose a country from the list."))
    if mission.time_zone and not calendars.is_valid_zone(mission.time_zone):
        add(
            "time_zone",
            _("“%(zone)s” is not a time zone name; use one like Australia/Perth.")
            % {"zone": mission.time_zone},
        )
    if mission.starts_on and mission.ends_on and mission.ends_on < mission.starts_on:
        add("ends_on", _("The return cannot be before the departure."))
    open_at, close_at = mission.applications_open_at, mission.applications_close_at
    if open_at and close_at and close_at <= open_at:
        add("applications_close_at", _("Applications must open before they close."))
    if close_at and mission.starts_on and timezone.localdate(close_at) >= mission.starts_on:
        add(
            "applications_close_at",
            _("Applications must close before the day of departure."),
        )
    organizations, delegates = mission.capacity_organizations, mission.capacity_delegates
    if organizations and delegates and delegates < organizations:
        add(
            "capacity_delegates",
            _("There must be at least one place for a delegate per organization."),
        )
    cost, co_funding = mission.cost_per_delegate, mission.co_funding_per_delegate
    if cost is not None and cost.amount < 0:
        add("cost_per_delegate", _("Enter an amount of zero or more."))
    if co_funding is not None:
        if co_funding.amount < 0:
            add("co_funding_per_delegate", _("Enter an amount of zero or more."))
        elif cost is not None and str(co_funding.currency) != str(cost.currency):
            add(
                "co_funding_per_delegate",
                _("Give the co-funding in the currency of the cost."),
            )
        elif cost is not None and co_funding.amount > cost.amount:
            add(
                "co_funding_per_delegate",
                _("The co-funding cannot be more than the cost per delegate."),
            )
    if not set(mission.eligible_kinds) <= set(Organization.Kind.values):
        add("eligible_kinds", _("Choose kinds of organization from the list."))
    if not set(mission.eligible_regions) <= set(Region.values):
        add("eligible_regions", _("Choose regions from the list."))
    return errors


def _validate(mission: Mission) -> None:
    errors: dict[str, list[str]] = {}
    try:
        mission.full_clean(exclude=["code", "slug"], validate_constraints=False)
    except ValidationError as error:
        errors = {field: list(messages) for field, messages in error.message_dict.items()}
    for field, messages in _rule_errors(mission).items():
        errors.setdefault(field, []).extend(m for m in messages if m not in errors[field])
    if errors:
        raise ValidationError(errors)


def _narrows(before: Sequence[str], after: Sequence[str]) -> bool:
    """An empty list admits everyone; ``after`` narrows ``before`` when it admits less."""
    if not after:
        return False
    return not before or not set(before) <= set(after)


def _quota_errors(mission: Mission, minimums: Mapping[str, int]) -> list[str]:
    too_big = [
        str(Group(group).label)
        for group, minimum in minimums.items()
        if minimum > mission.capacity_organizations
    ]
    if not too_big:
        return []
    return [
        _(
            "A quota cannot ask for more places than the mission has for organizations "
            "(%(capacity)s): %(groups)s."
        )
        % {"capacity": mission.capacity_organizations, "groups": ", ".join(too_big)}
    ]


def _rerun_selection(*, actor: User | None, mission: Mission) -> None:
    """Re-run the selection when the delegation is being formed (H3's service)."""
    if not MISSION.has_tag(mission, DELEGATION_TAG):
        return
    from .applications import selection_rerun

    selection_rerun(actor=actor, mission=mission)


# --- Creating and changing a mission -------------------------------------------------------------


@transaction.atomic
def mission_create(*, actor: User, data: Mapping[str, Any]) -> Mission:
    """A new draft mission (coordinators). ``data`` holds :data:`MISSION_FIELDS`; the code
    is the next ``CMSP-MIS-<year>-<n>`` and the slug comes from the title (unique). Audited."""
    _require_coordinator(actor)
    mission = Mission(created_by=actor, status=Mission.Status.DRAFT)
    _assign(mission, data, MISSION_FIELDS)
    _validate(mission)
    mission.code = next_reference(MISSION_REFERENCE_PREFIX)
    mission.slug = _unique_slug(mission.title)
    mission.full_clean(validate_constraints=False)
    mission.save()
    audit_decision(actor=actor, target=mission, action="mission.create")
    return mission


@transaction.atomic
def mission_update(*, actor: User, mission: Mission, data: Mapping[str, Any]) -> Mission:
    """Change the mission's fields (any of :data:`MISSION_FIELDS` in ``data``).

    Not once it is completed or cancelled; the selection rules (:data:`RULE_FIELDS`) not once
    it travels. With applications, eligibility may widen but not narrow, and the quotas must
    still fit a lowered capacity. A change of capacity or per-organization maximum while the
    delegation is being formed re-runs the selection. Audited with the changed fields.
    """
    _require_coordinator(actor)
    mission = _lock(mission)
    if not MISSION.is_open(mission):
        raise _refuse(
            _("This mission is %(state)s: it can no longer change.")
            % {"state": str(MISSION.state_label(mission)).lower()}
        )
    before = {name: getattr(mission, name) for name in MISSION_FIELDS}
    changed = _assign(mission, data, MISSION_FIELDS)
    rule_changes = [name for name in changed if name in RULE_FIELDS]
    if rule_changes and not selection_rules_editable(mission):
        raise _refuse(
            _("The mission is under way: its window, places and eligibility can no longer change.")
        )
    _validate(mission)
    if mission.applications.exists():
        errors: dict[str, str] = {}
        if _narrows(before["eligible_kinds"], mission.eligible_kinds):
            errors["eligible_kinds"] = _(
                "Organizations have applied: the kinds admitted can be widened, not narrowed."
            )
        if _narrows(before["eligible_regions"], mission.eligible_regions):
            errors["eligible_regions"] = _(
                "Organizations have applied: the regions admitted can be widened, not narrowed."
            )
        if errors:
            raise ValidationError(errors)
    if "capacity_organizations" in changed:
        quota_errors = _quota_errors(mission, {q.group: q.minimum for q in mission.quotas.all()})
        if quota_errors:
            raise ValidationError({"capacity_organizations": quota_errors})
    if not changed:
        return mission
    mission.save(update_fields=[*changed, "updated_at"])
    audit_decision(
        actor=actor,
        target=mission,
        action="mission.update",
        changes={name: (before[name], getattr(mission, name)) for name in changed},
    )
    if set(changed) & set(CAPACITY_FIELDS):
        _rerun_selection(actor=actor, mission=mission)
    return mission


@transaction.atomic
def mission_criteria_set(
    *, actor: User, mission: Mission, criteria: Sequence[Mapping[str, Any]]
) -> list[SelectionCriterion]:
    """Replace the mission's selection criteria with ``criteria`` (in order), each a mapping of
    :data:`CRITERION_FIELDS` with an optional ``id`` of an existing criterion to keep (and its
    scores). Weights must sum to exactly 100. Only before the selection is published.

    Scores of a removed criterion go with it, and the weighted totals of the mission's
    applications are cleared when the criteria change (they no longer mean the same): the
    coordinators score again. Audited.
    """
    _require_coordinator(actor)
    mission = _lock(mission)
    if not criteria_editable(mission):
        raise _refuse(_("The selection is published: the criteria can no longer change."))
    existing = {c.pk: c for c in mission.criteria.all()}
    before = [f"{c.name} ({c.weight})" for c in existing.values()]
    structure_before = {(c.pk, c.weight, c.max_score) for c in existing.values()}
    kept: list[SelectionCriterion] = []
    errors: list[ValidationError] = []
    for position, row in enumerate(criteria):
        pk = row.get("id")
        criterion = existing.get(int(pk)) if pk else None
        if pk and criterion is None:
            raise ValidationError(_("A criterion does not belong to this mission."), code="id")
        criterion = criterion or SelectionCriterion(mission=mission)
        for name in CRITERION_FIELDS:
            if name in row:
                value = row[name]
                setattr(criterion, name, value.strip() if isinstance(value, str) else value)
        criterion.position = position
        try:
            criterion.full_clean()
        except ValidationError as error:
            errors.append(
                ValidationError(
                    _("Criterion %(number)s: %(problem)s")
                    % {"number": position + 1, "problem": " ".join(error.messages)},
                    code="criterion",
                )
            )
        kept.append(criterion)
    if not kept:
        errors.append(ValidationError(_("Add at least one criterion."), code="no_criteria"))
    total = sum(int(c.weight or 0) for c in kept)
    if kept and total != WEIGHT_TOTAL:
        errors.append(
            ValidationError(
                _("The weights sum to %(total)s; they must sum to exactly 100.") % {"total": total},
                code="weights",
            )
        )
    if errors:
        raise ValidationError(errors)
    removed = [pk for pk in existing if pk not in {c.pk for c in kept if c.pk}]
    SelectionCriterion.objects.filter(pk__in=removed).delete()
    for criterion in kept:
        criterion.save()
    structure_after = {(c.pk, c.weight, c.max_score) for c in kept}
    if structure_before != structure_after:
        Application.objects.filter(mission=mission, score__isnull=False).update(
            score=None, scored_at=None
        )
    after = [f"{c.name} ({c.weight})" for c in kept]
    if before != after:
        audit_decision(
            actor=actor,
            target=mission,
            action="mission.criteria_set",
            changes={"criteria": ("; ".join(before), "; ".join(after))},
        )
    return kept


@transaction.atomic
def mission_quotas_set(
    *, actor: User, mission: Mission, quotas: Mapping[str, int | None]
) -> list[MissionQuota]:
    """Set the mission's quotas: ``{group: minimum places}``; a group absent, 0 or None has
    none. Groups overlap (a small company from Tacna counts for "small companies" and for
    "outside Arequipa"), so the minimums may add up to more than the places; each one alone
    must fit the places for organizations. Until the mission travels; while the delegation is
    being formed the selection re-runs. Audited."""
    _require_coordinator(actor)
    mission = _lock(mission)
    if not selection_rules_editable(mission):
        raise _refuse(_("The mission is under way: its quotas can no longer change."))
    unknown = set(quotas) - set(Group.values)
    if unknown:
        raise ValidationError(_("Choose groups from the list."), code="group")
    minimums: dict[str, int] = {}
    for group, minimum in quotas.items():
        if minimum in (None, "", 0):
            continue
        try:
            value = int(minimum)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationError(_("Enter whole numbers of places."), code="minimum") from None
        if value < 0:
            raise ValidationError(_("Enter whole numbers of places."), code="minimum")
        minimums[group] = value
    errors = _quota_errors(mission, minimums)
    if errors:
        raise ValidationError(errors, code="capacity")
    current = {q.group: q for q in mission.quotas.all()}
    before = {group: q.minimum for group, q in current.items()}
    if before == minimums:
        return list(current.values())
    MissionQuota.objects.filter(mission=mission).exclude(group__in=list(minimums)).delete()
    result = []
    for group in Group.values:
        if group not in minimums:
            continue
        quota = current.get(group) or MissionQuota(mission=mission, group=group)
        quota.minimum = minimums[group]
        quota.full_clean(validate_constraints=False)
        quota.save()
        result.append(quota)
    audit_decision(
        actor=actor,
        target=mission,
        action="mission.quotas_set",
        changes={"quotas": (_quota_text(before), _quota_text(minimums))},
    )
    _rerun_selection(actor=actor, mission=mission)
    return result


def _quota_text(minimums: Mapping[str, int]) -> str:
    return ", ".join(f"{group} ≥ {minimum}" for group, minimum in sorted(minimums.items()))


# --- Lifecycle ----------------------------------------------------------------------------------


def mission_publication_errors(mission: Mission, *, now: Any = None) -> list[ValidationError]:
    """Why ``mission`` cannot be published now, one item per reason (empty: it can)."""
    now = now or timezone.now()
    errors: list[ValidationError] = []
    weights = [c.weight for c in mission.criteria.all()]
    if not weights:
        errors.append(ValidationError(_("Add the selection criteria first."), code="no_criteria"))
    elif sum(weights) != WEIGHT_TOTAL:
        errors.append(
            ValidationError(
                _("The criteria weights sum to %(total)s; they must sum to exactly 100.")
                % {"total": sum(weights)},
                code="weights",
            )
        )
    if mission.applications_close_at <= now:
        errors.append(
            ValidationError(
                _("The application window has already closed: move its dates first."),
                code="window",
            )
        )
    try:
        _validate(mission)
    except ValidationError as error:
        errors.extend(ValidationError(m, code="invalid") for m in error.messages)
    return errors


def _transition(*, actor: User | None, mission: Mission, name: str, reason: str = "") -> Mission:
    """Lock, check and take transition ``name``; audited. The caller authorized ``actor``."""
    mission = _lock(mission)
    MISSION.require(mission, name, actor=actor)
    before = mission.status
    MISSION.apply(mission, name)
    mission.save(update_fields=["status", "updated_at"])
    audit_decision(
        actor=actor,
        target=mission,
        action=f"mission.{name}",
        changes={"status": (before, mission.status)},
        reason=reason,
    )
    return mission


def _timed(*, actor: User | None, mission: Mission, name: str) -> Mission:
    """A transition the clock also takes: the system leaves a mission that already moved."""
    MISSION.authorize(mission, name, actor=actor)
    if actor is None:
        locked = _lock(mission)
        if not MISSION.state_allows(locked, name):
            logger.info("mission %s already %s: no %s", locked.pk, locked.status, name)
            return locked
    moved = _transition(actor=actor, mission=mission, name=name)
    logger.info("mission %s (%s): %s", moved.pk, moved.code, name)
    return moved


@transaction.atomic
def mission_publish(*, actor: User, mission: Mission) -> Mission:
    """Publish a draft: it opens for applications. Needs criteria whose weights sum to 100, an
    application window that has not closed and valid rules (one itemized ``ValidationError``
    otherwise). Sets ``published_at`` and tells the people of eligible member organizations
    through ONE durable broadcast (``missions.eligible_people``, key
    ``missions.published:<pk>``: a repeat notifies nobody twice) and partner systems through the
    ``mission.published`` webhook. Audited."""
    MISSION.authorize(mission, "publish", actor=actor)
    mission = _lock(mission)
    MISSION.require(mission, "publish", actor=actor)
    errors = mission_publication_errors(mission)
    if errors:
        raise ValidationError(errors)
    MISSION.apply(mission, "publish")
    mission.published_at = timezone.now()
    mission.save(update_fields=["status", "published_at", "updated_at"])
    audit_decision(
        actor=actor,
        target=mission,
        action="mission.publish",
        changes={"status": (Mission.Status.DRAFT, mission.status)},
    )
    notify_audience(
        audience="missions.eligible_people",
        audience_params={"mission_id": mission.pk},
        event="missions.published",
        context={
            "mission_id": mission.pk,
            "mission_title": mission.title,
            "destination": f"{mission.cities} ({country_name(mission.country, 'es')})",
            "starts_on": _date(mission.starts_on),
            "ends_on": _date(mission.ends_on),
            "closes_at": _lima_datetime(mission.applications_close_at),
        },
        actor=actor,
        url=mission_public_url(mission),
        idempotency_key=f"missions.published:{mission.pk}",
    )
    webhook_emit(
        event="mission.published",
        data=payloads.mission_published_data(mission),
        visible_to=payloads.mission_published_visible(mission),
    )
    return mission


@transaction.atomic
def mission_close_applications(*, actor: User | None, mission: Mission) -> Mission:
    """Applications close: by a coordinator before the window ends, or by the periodic job at
    ``applications_close_at`` (``actor=None``; idempotent). Audited."""
    return _timed(actor=actor, mission=mission, name="close_applications")


@transaction.atomic
def mission_start_travel(*, actor: User | None, mission: Mission) -> Mission:
    """The delegation travels: a coordinator, or the periodic job on the departure day
    (``actor=None``; idempotent). Audited."""
    return _timed(actor=actor, mission=mission, name="start_travel")


@transaction.atomic
def mission_complete(*, actor: User | None, mission: Mission) -> Mission:
    """The mission is over: a coordinator, or the periodic job the day after the return
    (``actor=None``; idempotent). Audited."""
    return _timed(actor=actor, mission=mission, name="complete")


@transaction.atomic
def mission_cancel(*, actor: User, mission: Mission, reason: str) -> Mission:
    """Cancel the mission (coordinators; before it travels), with a reason people are told.

    Offers still held stop counting down (``hold_until`` cleared), so the periodic job does not
    let them lapse and promote anyone on a cancelled mission. The people of every organization
    whose application still holds or waits for a place are notified (``missions.cancelled``,
    one durable broadcast). Audited with the reason.
    """
    MISSION.authorize(mission, "cancel", actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the mission is cancelled.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX_LENGTH}}
        )
    mission = _lock(mission)
    MISSION.require(mission, "cancel", actor=actor)
    before = mission.status
    MISSION.apply(mission, "cancel")
    mission.status_reason = reason
    mission.save(update_fields=["status", "status_reason", "updated_at"])
    Application.objects.filter(mission=mission, hold_until__isnull=False).update(hold_until=None)
    audit_decision(
        actor=actor,
        target=mission,
        action="mission.cancel",
        changes={"status": (before, mission.status)},
        reason=reason,
    )
    if (
        Application.objects.filter(mission=mission)
        .exclude(status__in=APPLICATION.values_tagged(OUT_TAG))
        .exists()
    ):
        notify_audience(
            audience="missions.applicant_people",
            audience_params={"mission_id": mission.pk},
            event="missions.cancelled",
            context={"mission_id": mission.pk, "mission_title": mission.title, "reason": reason},
            actor=actor,
            url=mission_public_url(mission),
            idempotency_key=f"missions.cancelled:{mission.pk}",
        )
    return mission


#: The lifecycle services by transition name, for the coordinators' action view (the
#: selection's publication is ``missions.services.applications.selection_publish``).
LIFECYCLE_SERVICES = {
    "publish": mission_publish,
    "close_applications": mission_close_applications,
    "start_travel": mission_start_travel,
    "complete": mission_complete,
}
