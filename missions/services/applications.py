"""Writes of mission applications: apply, edit, withdraw; the coordinators' scores; the
selection (publish and re-run); the answers to an offer (accept, decline) and the lapse of a
hold; and the automatic promotion from the waitlist when a place is freed.

The lifecycle is ``missions.workflows.APPLICATION`` (and ``MISSION`` for publishing the
selection); the selection itself is the pure :mod:`missions.selection`, fed by
``missions.selectors.applications`` so that the preview, the published selection, re-runs and
promotions read the same facts.

**Locks.** Places are counted over the whole mission, so every write that may change who holds
a place or the waitlist locks the **mission row first**, then the application(s): two
organizations withdrawing at the same moment are serialized, and the second one's promotion
sees the first one's. The one writer that cannot follow that order is the periodic lapse
(``run_time_transitions`` locks the application before calling :func:`application_lapse`):
it asks for the mission's lock without waiting (``NOWAIT``) and, when a person holds it, gives
up with a ``ValidationError`` the periodic job logs and retries on its next run — so it never
deadlocks with a person answering the same offer.

A refusal raises ``PermissionDenied`` (who; asked before anything else) or ``ValidationError``
(what, when) and changes nothing. Decisions are audited; notifications are written in the same
transaction (emails go out after commit).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster_portal.audit.services import audit_decision
from cluster_portal.core import roles
from cluster_portal.core.predicates import Verdict
from members.models import Organization, OrganizationMember, User
from members.services._effects import staff_recipients
from notifications.services import notify

from .. import permissions, selection
from ..models import Application, ApplicationScore, Delegate, Mission
from ..permissions import DELEGATION_TAG, HOLDS_PLACE_TAG
from ..selectors import applications as selectors
from ..workflows import APPLICATION, CANDIDATE_TAG, MISSION

Status = Application.Status
#: Decimals of an application's total score (0-100).
SCORE_QUANTUM = Decimal("0.01")


# --- Helpers -----------------------------------------------------------------------------------


def _deny_unless(verdict: Any) -> None:
    if not verdict:
        raise PermissionDenied(str(getattr(verdict, "reason", "") or _("You may not do this.")))


def _lock_mission(mission: Mission | int) -> Mission:
    pk = mission if isinstance(mission, int) else mission.pk
    return Mission.objects.select_for_update().get(pk=pk)


def _lock_application(application: Application, mission: Mission) -> Application:
    """The application locked and reloaded with its organization and delegates (after the
    mission's lock); ``mission`` is the locked instance."""
    Application.objects.select_for_update().filter(pk=application.pk).get()
    locked = selectors.application_queryset().get(pk=application.pk)
    locked.mission = mission
    return locked


def _mission_applications(mission: Mission, *, lock: bool) -> list[Application]:
    """Every application of the (locked) mission with organization and delegates. ``lock``
    takes the rows' locks too (publishing and re-running change them all)."""
    if lock:
        list(Application.objects.select_for_update().filter(mission=mission).values_list("pk"))
    applications = list(selectors.application_queryset().filter(mission=mission))
    for application in applications:
        application.mission = mission
    return applications


def _lima(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def application_url(application: Application) -> str:
    return reverse("missions:application_detail", kwargs={"application_id": application.pk})


def _staff_url(mission: Mission) -> str:
    try:
        return reverse("missions_staff:applications", kwargs={"mission_id": mission.pk})
    except Exception:  # pragma: no cover - the staff pages are part of this module's feature
        return ""


def _admins(organization_id: int) -> list[User]:
    return [
        m.user
        for m in OrganizationMember.objects.filter(
            organization_id=organization_id, role=OrganizationMember.Role.ADMIN
        ).select_related("user")
    ]


def _context(application: Application, **extra: Any) -> dict[str, Any]:
    mission = application.mission
    return {
        "mission_id": mission.pk,
        "mission_title": mission.title,
        "application_id": application.pk,
        "organization": application.organization.display_name,
        **extra,
    }


def _notify_admins(application: Application, event: str, key: str, **extra: Any) -> None:
    notify(
        recipients=_admins(application.organization_id),
        event=event,
        context=_context(application, **extra),
        url=application_url(application),
        idempotency_key=f"{event}:{application.pk}:{key}",
    )


def _coordinators() -> list[User]:
    return staff_recipients(roles.COORDINATE_MISSIONS)


def _hold_until(mission: Mission, now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(hours=mission.hold_hours)


def _set_included(application: Application, granted: int) -> None:
    """The first ``granted`` delegates by position travel; the others are left out."""
    for index, delegate in enumerate(application.delegates.all()):
        included = index < granted
        if delegate.included != included:
            delegate.included = included
            delegate.save(update_fields=["included"])


def _offer(
    application: Application,
    *,
    granted: int,
    now: datetime.datetime,
    promoted: bool,
) -> None:
    """Offer the place (state ``offered``), held for the mission's hours from ``now``."""
    APPLICATION.require(application, "offer", actor=None)
    APPLICATION.apply(application, "offer")
    application.offered_at = now
    application.hold_until = _hold_until(application.mission, now)
    application.promoted = promoted
    application.granted_delegates = granted
    application.waitlist_position = None
    application.buckets = []
    application.full_clean(validate_unique=False, validate_constraints=False)
    application.save(
        update_fields=[
            "status",
            "offered_at",
            "hold_until",
            "promoted",
            "granted_delegates",
            "waitlist_position",
            "buckets",
            "updated_at",
        ]
    )
    _set_included(application, granted)


# --- Apply, edit -------------------------------------------------------------------------------


def _clean_delegates(
    mission: Mission,
    organization_id: int,
    delegates: Sequence[User],
    roles_: Sequence[str] | None,
    application: Application | None,
) -> list[tuple[User, str]]:
    """The nominated people in order, checked: 1 to the mission's maximum, distinct, people of
    the organization, and not nominated for this mission by another application."""
    people = list(delegates)
    titles = list(roles_ or [])
    titles += [""] * (len(people) - len(titles))
    if not people:
        raise ValidationError(
            {"delegates": _("Nominate at least one delegate.")}, code="no_delegates"
        )
    limit = mission.max_delegates_per_organization
    if len(people) > limit:
        raise ValidationError(
            {
                "delegates": _("Nominate at most %(limit)d delegate(s) for this mission.")
                % {"limit": limit}
            },
            code="too_many_delegates",
        )
    if len({p.pk for p in people}) != len(people):
        raise ValidationError(
            {"delegates": _("Each person can be nominated only once.")}, code="repeated_delegate"
        )
    members = set(
        OrganizationMember.objects.filter(
            organization_id=organization_id, user_id__in=[p.pk for p in people]
        ).values_list("user_id", flat=True)
    )
    strangers = [p for p in people if p.pk not in members]
    if strangers:
        raise ValidationError(
            {
                "delegates": _("Only people of the organization can be delegates: %(names)s.")
                % {"names": ", ".join(p.get_full_name() or str(p) for p in strangers)}
            },
            code="not_a_member",
        )
    taken = Delegate.objects.filter(mission=mission, person_id__in=[p.pk for p in people])
    if application is not None:
        taken = taken.exclude(application=application)
    taken_names = [
        d.person.get_full_name() or str(d.person) for d in taken.select_related("person")
    ]
    if taken_names:
        raise ValidationError(
            {
                "delegates": _(
                    "A person travels once per mission: %(names)s already nominated by "
                    "another organization."
                )
                % {"names": ", ".join(taken_names)}
            },
            code="delegate_taken",
        )
    return [(p, (t or "").strip()[:150]) for p, t in zip(people, titles, strict=True)]


def _write_delegates(application: Application, nominated: list[tuple[User, str]]) -> None:
    """Replace the application's delegates by ``nominated`` (positions 1..n), keeping the rows
    of people still nominated (their confirmations and checklists stay theirs)."""
    existing = {d.person_id: d for d in application.delegates.all()}
    keep = {p.pk for p, _role in nominated}
    Delegate.objects.filter(application=application).exclude(person_id__in=keep).delete()
    # Positions are rewritten in two steps so no unique order is ever shared mid-way.
    for position, (person, role) in enumerate(nominated, start=1):
        delegate = existing.get(person.pk)
        if delegate is None:
            delegate = Delegate(application=application, mission=application.mission, person=person)
        delegate.position = position
        delegate.role = role
        delegate.included = True
        delegate.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                delegate.save()
        except IntegrityError:
            raise ValidationError(
                {
                    "delegates": _(
                        "A person travels once per mission: %(names)s already nominated by "
                        "another organization."
                    )
                    % {"names": person.get_full_name() or str(person)}
                },
                code="delegate_taken",
            ) from None


@transaction.atomic
def application_create(
    *,
    actor: User,
    mission: Mission,
    organization: Organization,
    motivation: str,
    delegates: Sequence[User],
    delegate_roles: Sequence[str] | None = None,
) -> Application:
    """Apply to ``mission`` on behalf of ``organization`` (status ``submitted`` at once),
    nominating ``delegates`` in order (with optional roles).

    Preconditions: ``actor`` administers the organization (``PermissionDenied``); the
    organization is eligible and the window open (``ValidationError``, checked again under the
    mission's lock); one application per organization; 1 to the mission's maximum delegates,
    people of the organization, each travelling once per mission. Tells the organization's
    admins (``missions.application_received``). Audited.
    """
    from members.permissions import is_org_admin

    if not is_org_admin(actor, organization):
        raise PermissionDenied(_("Only an administrator of the organization can apply."))
    mission = _lock_mission(mission)
    verdict = permissions.can_apply(actor, mission, organization)
    if not verdict:
        raise ValidationError(str(verdict.reason), code="cannot_apply")
    if Application.objects.filter(mission=mission, organization=organization).exists():
        raise ValidationError(
            _("%(organization)s has already applied to this mission.")
            % {"organization": organization.display_name},
            code="already_applied",
        )
    nominated = _clean_delegates(mission, organization.pk, delegates, delegate_roles, None)
    application = Application(
        mission=mission,
        organization=organization,
        motivation=(motivation or "").strip(),
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(
            _("%(organization)s has already applied to this mission.")
            % {"organization": organization.display_name},
            code="already_applied",
        ) from None
    _write_delegates(application, nominated)
    audit_decision(
        actor=actor,
        target=application,
        action="mission_application.submit",
        changes={"status": ("", application.status), "delegates": ("", len(nominated))},
    )
    _notify_admins(
        application,
        "missions.application_received",
        "submit",
        delegates=len(nominated),
        closes_at=_lima(mission.applications_close_at),
    )
    return application


@transaction.atomic
def application_update(
    *,
    actor: User,
    application: Application,
    motivation: str,
    delegates: Sequence[User],
    delegate_roles: Sequence[str] | None = None,
) -> Application:
    """Change the motivation and the delegates while the application may be edited
    (``permissions.can_edit_application``: its admin, ``submitted``, the window open; asked
    again under the lock). Same rules for the delegates as :func:`application_create`."""
    _deny_unless(permissions.can_act_for_application(actor, application))
    mission = _lock_mission(application.mission_id)
    application = _lock_application(application, mission)
    verdict = permissions.can_edit_application(actor, application)
    if not verdict:
        raise ValidationError(str(verdict.reason), code="invalid_transition")
    nominated = _clean_delegates(
        mission, application.organization_id, delegates, delegate_roles, application
    )
    before = [d.person_id for d in application.delegates.all()]
    application.motivation = (motivation or "").strip()
    application.full_clean(validate_constraints=False)
    application.save(update_fields=["motivation", "updated_at"])
    _write_delegates(application, nominated)
    audit_decision(
        actor=actor,
        target=application,
        action="mission_application.update",
        changes={"delegates": (before, [p.pk for p, _role in nominated])},
    )
    return application


# --- Scores ------------------------------------------------------------------------------------


def scoring_open(mission: Mission) -> bool:
    """Scores may change while the mission takes applications or is being selected (the
    source states of the steps that lead to the selection)."""
    return MISSION.value_of(mission) in (
        MISSION.sources("close_applications") | MISSION.sources("publish_selection")
    )


def total_score(criteria: Sequence[Any], values: Mapping[int, Decimal]) -> Decimal | None:
    """Σ weight * value / max_score over the criteria (weights sum to 100): 0-100 with two
    decimals, half up; ``None`` while a criterion has no value."""
    if not criteria or any(c.pk not in values for c in criteria):
        return None
    total = sum(
        (Decimal(c.weight) * Decimal(values[c.pk]) / Decimal(c.max_score) for c in criteria),
        Decimal(0),
    )
    return total.quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)


@transaction.atomic
def application_score(
    *,
    actor: User,
    application: Application,
    values: Mapping[int, Any],
    notes: Mapping[int, str] | None = None,
) -> Application:
    """Record the coordinator's score of ``application`` against each criterion (criterion id
    → value from 0 to its maximum; ``None`` or "" clears it) and recompute the total, set only
    when every criterion has a value.

    Preconditions: a mission coordinator (``PermissionDenied``); the mission open or selecting,
    the application still taking part (``ValidationError``); values are numbers within the
    criterion's range (``ValidationError`` by field ``criterion_<id>``). Audited.
    """
    _deny_unless(permissions.can_score_applications(actor, application.mission))
    mission = _lock_mission(application.mission_id)
    application = _lock_application(application, mission)
    if not scoring_open(mission):
        raise ValidationError(
            _("Applications can be scored only while the mission is open or selecting."),
            code="invalid_transition",
        )
    if not APPLICATION.has_tag(application, CANDIDATE_TAG):
        raise ValidationError(
            _("This application is %(state)s: it is no longer scored.")
            % {"state": str(APPLICATION.state_label(application)).lower()},
            code="invalid_transition",
        )
    criteria = list(mission.criteria.all())
    by_id = {c.pk: c for c in criteria}
    unknown = set(map(int, values)) - set(by_id)
    if unknown:
        raise ValueError(f"Not criteria of this mission: {sorted(unknown)}")
    errors: dict[str, str] = {}
    cleaned: dict[int, Decimal | None] = {}
    for criterion_id, raw in values.items():
        criterion = by_id[int(criterion_id)]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            cleaned[criterion.pk] = None
            continue
        try:
            value = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            errors[f"criterion_{criterion.pk}"] = _("Enter a number.")
            continue
        if not value.is_finite() or value < 0 or value > criterion.max_score:
            errors[f"criterion_{criterion.pk}"] = _("Enter a score from 0 to %(max)d.") % {
                "max": criterion.max_score
            }
            continue
        if value != value.quantize(SCORE_QUANTUM):
            errors[f"criterion_{criterion.pk}"] = _("Use at most two decimals.")
            continue
        cleaned[criterion.pk] = value
    if errors:
        raise ValidationError(errors)
    existing = {s.criterion_id: s for s in ApplicationScore.objects.filter(application=application)}
    for criterion_id, new_value in cleaned.items():
        row = existing.get(criterion_id)
        if new_value is None:
            if row is not None:
                row.delete()
                del existing[criterion_id]
            continue
        note = ((notes or {}).get(criterion_id) or "").strip()[:500]
        if row is None:
            row = ApplicationScore(application=application, criterion=by_id[criterion_id])
        row.value = new_value
        row.note = note
        row.scored_by = actor
        row.full_clean(validate_constraints=False)
        row.save()
        existing[criterion_id] = row
    before = application.score
    application.score = total_score(criteria, {k: s.value for k, s in existing.items()})
    application.scored_at = timezone.now() if application.score is not None else None
    application.save(update_fields=["score", "scored_at", "updated_at"])
    audit_decision(
        actor=actor,
        target=application,
        action="mission_application.score",
        changes={"score": (before, application.score)},
    )
    return application


# --- Selection ---------------------------------------------------------------------------------


def _report(result: selection.Selection, rules: selection.Rules, kind: str) -> dict[str, Any]:
    """The selection's explanations as JSON data (codes and numbers; the page translates)."""
    return {
        "kind": kind,
        "organizations": result.organizations,
        "delegates": result.delegates,
        "capacity_organizations": rules.capacity_organizations,
        "capacity_delegates": rules.capacity_delegates,
        "max_delegates_per_organization": rules.max_delegates_per_organization,
        "total_score": str(result.total_score),
        "selected": list(result.selected_ids),
        "waitlist": list(result.waitlist_ids),
        "quotas": [
            {
                "group": q.group,
                "minimum": q.minimum,
                "selected": q.selected,
                "available": q.available,
                "missing": q.missing,
                "reason": str(q.reason) if q.reason else None,
            }
            for q in result.quotas
        ],
        "trims": [
            {"application_id": t.application_id, "requested": t.requested, "granted": t.granted}
            for t in result.trims
        ],
        "notices": [
            {
                "code": str(n.code),
                "limit": n.limit,
                "confirmed": n.confirmed,
                "organization_id": n.organization_id,
            }
            for n in result.notices
        ],
        "excluded": [
            {"application_id": e.application_id, "reason": str(e.reason)} for e in result.excluded
        ],
    }


def _apply_selection(
    applications: list[Application],
    result: selection.Selection,
    *,
    now: datetime.datetime,
    run: str,
) -> None:
    """Move every application still taking part to where ``result`` puts it, and tell its
    organization when its standing changed. Offers still held and selected again keep their
    hold; accepted places stay as they are."""
    by_id = {a.pk: a for a in applications}
    for placement in result.selected:
        application = by_id[placement.application_id]
        status = APPLICATION.value_of(application)
        if status == Status.ACCEPTED:
            continue
        if status == Status.OFFERED:
            if application.granted_delegates != placement.delegates:
                application.granted_delegates = placement.delegates
                application.save(update_fields=["granted_delegates", "updated_at"])
                _set_included(application, placement.delegates)
            continue
        _offer(application, granted=placement.delegates, now=now, promoted=False)
        _notify_admins(
            application,
            "missions.place_offered",
            f"{run}:{application.offered_at.isoformat() if application.offered_at else ''}",
            hold_until=_lima(application.hold_until),
        )
    for entry in result.waitlist:
        application = by_id[entry.application_id]
        was = APPLICATION.value_of(application)
        buckets = sorted(entry.buckets)
        if was != Status.WAITLISTED:
            APPLICATION.require(application, "waitlist", actor=None)
            APPLICATION.apply(application, "waitlist")
            application.hold_until = None
            application.granted_delegates = None
        if (
            was == Status.WAITLISTED
            and application.waitlist_position == entry.position
            and application.buckets == buckets
        ):
            continue
        application.waitlist_position = entry.position
        application.buckets = buckets
        application.save(
            update_fields=[
                "status",
                "hold_until",
                "granted_delegates",
                "waitlist_position",
                "buckets",
                "updated_at",
            ]
        )
        if was != Status.WAITLISTED:
            _notify_admins(
                application,
                "missions.waitlisted",
                f"{run}:{now.isoformat()}",
                position=entry.position,
                hold_hours=application.mission.hold_hours,
            )
    placed = set(result.selected_ids) | set(result.waitlist_ids)
    for application in applications:
        if application.pk in placed or not APPLICATION.has_tag(application, CANDIDATE_TAG):
            continue
        if APPLICATION.value_of(application) == Status.NOT_SELECTED:
            continue
        APPLICATION.require(application, "not_select", actor=None)
        APPLICATION.apply(application, "not_select")
        application.hold_until = None
        application.granted_delegates = None
        application.waitlist_position = None
        application.buckets = []
        application.save(
            update_fields=[
                "status",
                "hold_until",
                "granted_delegates",
                "waitlist_position",
                "buckets",
                "updated_at",
            ]
        )
        _notify_admins(application, "missions.not_selected", f"{run}:{now.isoformat()}")


class SelectionNotReady(ValidationError):
    """Eligible applications are still unscored: the selection waits for them."""

    def __init__(self, unscored: Sequence[Application]) -> None:
        self.unscored = list(unscored)
        super().__init__(
            _("Score every eligible application before publishing the selection: %(names)s.")
            % {"names": ", ".join(a.organization.display_name for a in self.unscored)},
            code="unscored",
        )


@transaction.atomic
def selection_publish(*, actor: User, mission: Mission) -> Mission:
    """Run the selection and publish it (MISSION ``publish_selection``: selecting →
    confirmed): the selected applications are offered their place, held for
    ``mission.hold_hours``; the next ones form the waitlist in order; the others are not
    selected. The report (quotas met or missing and why, trims, notices, exclusions) is stored
    on the mission.

    Preconditions: a coordinator (``PermissionDenied``); the mission selecting and every
    eligible application scored (:class:`SelectionNotReady`, a ``ValidationError`` naming
    them). Tells each organization's admins (place_offered / waitlisted / not_selected).
    Audited.
    """
    MISSION.authorize(mission, "publish_selection", actor=actor)
    mission = _lock_mission(mission)
    MISSION.require(mission, "publish_selection", actor=actor)
    applications = _mission_applications(mission, lock=True)
    unscored = selectors.unscored_candidates(applications)
    if unscored:
        raise SelectionNotReady(unscored)
    rules = selectors.selection_rules(mission)
    result = selection.select(selectors.selection_inputs(applications), rules)
    now = timezone.now()
    _apply_selection(applications, result, now=now, run="publish")
    before = mission.status
    MISSION.apply(mission, "publish_selection")
    mission.selection_report = _report(result, rules, "publish")
    mission.selection_run_at = now
    mission.full_clean()
    mission.save(update_fields=["status", "selection_report", "selection_run_at", "updated_at"])
    audit_decision(
        actor=actor,
        target=mission,
        action="mission.publish_selection",
        changes={
            "status": (before, mission.status),
            "selected": ("", len(result.selected)),
            "waitlist": ("", len(result.waitlist)),
        },
    )
    return mission


@transaction.atomic
def selection_rerun(*, actor: User | None, mission: Mission) -> None:
    """Select again after the capacity, the per-organization maximum or a quota changed
    (``selection.rerun``): accepted places are kept; offers still held and selected again keep
    their hold; newly selected applications are offered; offers no longer selected go back to
    the waitlist (told); positions are recomputed and the report stored.

    Does nothing unless the mission has its delegation (``DELEGATION_TAG``: the selection was
    published). ``actor`` is a coordinator (``PermissionDenied``), or None for the system.
    """
    if actor is not None:
        _deny_unless(
            Verdict.of(
                permissions.can_coordinate_missions(actor),
                _("Only a mission coordinator can do this."),
            )
        )
    mission = _lock_mission(mission)
    if not MISSION.has_tag(mission, DELEGATION_TAG):
        return
    applications = _mission_applications(mission, lock=True)
    confirmed = [a.pk for a in applications if a.status == Status.ACCEPTED]
    rules = selectors.selection_rules(mission)
    result = selection.rerun(selectors.selection_inputs(applications), rules, confirmed=confirmed)
    now = timezone.now()
    _apply_selection(applications, result, now=now, run="rerun")
    mission.selection_report = _report(result, rules, "rerun")
    mission.selection_run_at = now
    mission.save(update_fields=["selection_report", "selection_run_at", "updated_at"])
    audit_decision(
        actor=actor,
        target=mission,
        action="mission.rerun_selection",
        changes={
            "selected": ("", len(result.selected)),
            "waitlist": ("", len(result.waitlist)),
        },
    )


# --- Answers to an offer, withdrawal, lapse, promotion ----------------------------------------


HOW_WITHDREW = gettext_lazy("withdrew from the mission")
HOW_DECLINED = gettext_lazy("declined its place")
HOW_LAPSED = gettext_lazy("did not answer the offer in time (the hold lapsed)")


def _renumber_waitlist(waitlist: Sequence[int], by_id: Mapping[int, Application]) -> None:
    for position, application_id in enumerate(waitlist, start=1):
        application = by_id[application_id]
        if application.waitlist_position != position:
            application.waitlist_position = position
            application.save(update_fields=["waitlist_position", "updated_at"])


def _free_place(
    mission: Mission, freed: Application, how: Any, actor: User | None
) -> selection.Promotion | None:
    """``freed`` (locked, just moved out of the mission) held a place: give it to the next
    application of the waitlist in the same quota bucket (``selection.promote``), offer it
    with a new hold, renumber the waitlist and tell the promoted organization and the
    coordinators. Requires the mission's lock (taken first by the caller)."""
    if not MISSION.has_tag(mission, DELEGATION_TAG):
        return None
    list(
        Application.objects.select_for_update()
        .filter(mission=mission, status=Status.WAITLISTED)
        .values_list("pk")
    )
    applications = [
        a
        for a in _mission_applications(mission, lock=False)
        if a.pk != freed.pk
        and (APPLICATION.has_tag(a, HOLDS_PLACE_TAG) or a.status == Status.WAITLISTED)
    ]
    holders, waitlist = selectors.holders_and_waitlist(applications)
    inputs = selectors.selection_inputs(applications)
    # The pure module takes the freed application as still selected and marks it out itself.
    freed_input = selectors.selection_input(freed)
    inputs.append(
        selection.Application(
            id=freed_input.id,
            organization_id=freed_input.organization_id,
            score=freed_input.score,
            delegates=freed_input.delegates,
            submitted_at=freed_input.submitted_at,
            groups=freed_input.groups,
            eligible=True,
        )
    )
    state = selection.SelectionState(
        applications=tuple(inputs), selected=(*holders, freed.pk), waitlist=tuple(waitlist)
    )
    rules = selectors.selection_rules(mission)
    promotion = selection.promote(state, freed.pk, rules)
    by_id = {a.pk: a for a in applications}
    now = timezone.now()
    promoted: Application | None = None
    if promotion.promoted is not None:
        promoted = by_id[promotion.promoted]
        granted = rules.granted(next(i for i in inputs if i.id == promoted.pk))
        _offer(promoted, granted=granted, now=now, promoted=True)
        audit_decision(
            actor=actor,
            target=promoted,
            action="mission_application.promote",
            changes={"status": (Status.WAITLISTED, promoted.status)},
            reason=f"{freed.organization.display_name}: {promotion.reason}",
        )
        _notify_admins(
            promoted,
            "missions.place_promoted",
            (promoted.offered_at or now).isoformat(),
            hold_until=_lima(promoted.hold_until),
        )
    _renumber_waitlist(promotion.state.waitlist, by_id)
    if promoted is not None:
        outcome: Any = format_lazy(
            gettext_lazy(
                "The place was offered to {promoted}, held until {hold_until} (Lima time)."
            ),
            promoted=promoted.organization.display_name,
            hold_until=_lima(promoted.hold_until),
        )
    else:
        outcome = gettext_lazy("Nobody on the waitlist fits the freed place.")
    notify(
        recipients=_coordinators(),
        event="missions.place_freed",
        context=_context(freed, how=how, outcome=outcome),
        actor=actor,
        url=_staff_url(mission),
        idempotency_key=f"missions.place_freed:{freed.pk}",
    )
    return promotion


def _leave(
    *,
    actor: User | None,
    application: Application,
    transition: str,
    how: Any,
    reason: str = "",
) -> Application:
    """Move ``application`` (locked) out of the mission by ``transition`` and free its place."""
    held_place = APPLICATION.has_tag(application, HOLDS_PLACE_TAG)
    was_waitlisted = application.status == Status.WAITLISTED
    before = application.status
    APPLICATION.apply(application, transition)
    now = timezone.now()
    fields = ["status", "waitlist_position", "buckets", "updated_at"]
    if transition == "withdraw":
        application.withdrawn_at = now
        fields.append("withdrawn_at")
    else:
        application.responded_at = now if transition == "decline" else application.responded_at
        fields.append("responded_at")
    application.waitlist_position = None
    application.buckets = []
    if reason:
        application.status_reason = reason[:500]
        fields.append("status_reason")
    application.save(update_fields=fields)
    audit_decision(
        actor=actor,
        target=application,
        action=f"mission_application.{transition}",
        changes={"status": (before, application.status)},
        reason=reason,
    )
    mission = application.mission
    if held_place:
        _free_place(mission, application, how, actor)
    elif was_waitlisted:
        applications = [
            a for a in _mission_applications(mission, lock=False) if a.pk != application.pk
        ]
        _holders, waitlist = selectors.holders_and_waitlist(applications)
        _renumber_waitlist(waitlist, {a.pk: a for a in applications})
    return application


def _lock_for_answer(application: Application) -> tuple[Mission, Application]:
    """Mission first, then the application."""
    mission = _lock_mission(application.mission_id)
    return mission, _lock_application(application, mission)


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    """Withdraw the application (its admin; from any state still in the mission). Final: it
    is never selected or promoted again. When it held a place and the delegation is
    confirmed, the next application of the waitlist is offered the place (see
    :func:`_free_place`)."""
    APPLICATION.authorize(application, "withdraw", actor=actor)
    _mission, application = _lock_for_answer(application)
    APPLICATION.require(application, "withdraw", actor=actor)
    return _leave(
        actor=actor, application=application, transition="withdraw", how=HOW_WITHDREW, reason=reason
    )


@transaction.atomic
def application_decline(*, actor: User, application: Application) -> Application:
    """Decline the offered place (its admin). The place goes to the next on the waitlist."""
    APPLICATION.authorize(application, "decline", actor=actor)
    _mission, application = _lock_for_answer(application)
    APPLICATION.require(application, "decline", actor=actor)
    return _leave(actor=actor, application=application, transition="decline", how=HOW_DECLINED)


@transaction.atomic
def application_accept(*, actor: User, application: Application) -> Application:
    """Accept the offered place within its hold (its admin): the delegation is confirmed, the
    included delegates' checklists are created (``readiness_checklist_create``) and they are
    told (``missions.delegation_confirmed``). Audited."""
    from .readiness import readiness_checklist_create

    APPLICATION.authorize(application, "accept", actor=actor)
    mission, application = _lock_for_answer(application)
    APPLICATION.require(application, "accept", actor=actor)
    if not MISSION.has_tag(mission, DELEGATION_TAG):
        raise ValidationError(
            _("This mission is %(state)s: offers can no longer be accepted.")
            % {"state": str(MISSION.state_label(mission)).lower()},
            code="invalid_transition",
        )
    APPLICATION.apply(application, "accept")
    application.responded_at = timezone.now()
    application.save(update_fields=["status", "responded_at", "updated_at"])
    audit_decision(
        actor=actor,
        target=application,
        action="mission_application.accept",
        changes={"status": (Status.OFFERED, application.status)},
    )
    readiness_checklist_create(application=application)
    included = [d for d in application.delegates.all() if d.included]
    for delegate in included:
        notify(
            recipients=[delegate.person],
            event="missions.delegation_confirmed",
            context=_context(application, delegate_id=delegate.pk),
            actor=actor,
            url=_delegate_url(delegate) or application_url(application),
            idempotency_key=f"missions.delegation_confirmed:{delegate.pk}",
        )
    return application


def _delegate_url(delegate: Delegate) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse("missions:delegate_detail", kwargs={"delegate_id": delegate.pk})
    except NoReverseMatch:
        return ""


class MissionBusy(ValidationError):
    """The mission's row is locked by a person's action: the periodic job tries again."""


@transaction.atomic
def application_lapse(*, actor: None = None, application: Application) -> Application:
    """The hold of an offer ended without an answer (the system, from
    ``run_time_transitions``, which locked the row and checked the time): the application
    lapses (final), its organization is told (``missions.offer_lapsed``) and the place goes to
    the next on the waitlist.

    The mission's lock is asked without waiting (see the module docstring): when a person is
    acting on the mission at that moment, :class:`MissionBusy` is raised and nothing changes;
    the next run lapses it."""
    if actor is not None:
        raise PermissionDenied(_("This happens by itself."))
    try:
        with transaction.atomic():
            mission = Mission.objects.select_for_update(nowait=True).get(pk=application.mission_id)
    except DatabaseError:
        raise MissionBusy(
            _("The mission is being changed; the offer lapses on the next run."), code="busy"
        ) from None
    application = _lock_application(application, mission)
    APPLICATION.require(application, "lapse", actor=None)
    hold_until = application.hold_until
    _leave(actor=None, application=application, transition="lapse", how=HOW_LAPSED)
    _notify_admins(application, "missions.offer_lapsed", "lapse", hold_until=_lima(hold_until))
    return application
