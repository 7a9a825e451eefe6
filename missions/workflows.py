"""The lifecycle tables of missions and their applications. See
:mod:`cluster_portal.core.workflows` for how services, pages and the periodic job use them; no
other module writes a list of statuses.

``Mission.status`` (mission coordinators; the clock moves the dated steps)::

    draft ──publish──▶ open ──close_applications (or the window's end)──▶ selecting
    selecting ──publish_selection (runs the selection, sends the offers)──▶ confirmed
    confirmed ──start_travel (the departure date)──▶ travelling
    travelling ──complete (the day after return)──▶ completed
    draft | open | selecting | confirmed ──cancel (with a reason)──▶ cancelled

``Application.status`` (the organization's admin; the selection and the clock as the system)::

    submitted ──(selection)──▶ offered | waitlisted | not_selected
    waitlisted | not_selected ──(promotion or re-run)──▶ offered
    offered ──(re-run)──▶ waitlisted | not_selected
    offered ──accept (before the hold ends)──▶ accepted
    offered ──decline──▶ declined          offered ──(the hold ends)──▶ lapsed
    submitted | offered | accepted | waitlisted | not_selected ──withdraw──▶ withdrawn

Withdrawn, declined and lapsed applications are out for good: never selected or promoted
again. When one that held a place leaves, the next eligible application on the waitlist is
offered the place (``missions.services.applications``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.predicates import Verdict
from cluster_portal.core.workflows import (
    State,
    TimedTransition,
    Transition,
    Workflow,
    frozen,
    register,
)

from . import permissions
from .models import Application, Mission
from .permissions import (
    ACCEPTS_APPLICATIONS_TAG,
    DELEGATION_TAG,
    HOLDS_PLACE_TAG,
    OUT_TAG,
    OUTCOMES_TAG,
    PUBLISHED_TAG,
)

MissionStatus = Mission.Status
ApplicationStatus = Application.Status

#: Application states the organization may still edit (while the window is open).
EDITABLE_TAG = "editable"
#: Application states taking part in a selection run (not out, not accepted).
CANDIDATE_TAG = "candidate"


def coordinator(actor: Any, obj: Any) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only a mission coordinator can do this."))
    return Verdict.of(
        permissions.can_coordinate_missions(actor), _("Only a mission coordinator can do this.")
    )


def coordinator_or_system(actor: Any, obj: Any) -> Verdict:
    return Verdict.yes() if actor is None else coordinator(actor, obj)


def system_only(actor: Any, obj: Any) -> Verdict:
    return Verdict.of(actor is None, _("This happens by itself."))


def organization_admin(actor: Any, application: Application) -> Verdict:
    if actor is None:
        return Verdict.no(_("Only an administrator of the organization can do this."))
    return permissions.can_act_for_application(actor, application)


def organization_admin_within_hold(actor: Any, application: Application) -> Verdict:
    allowed = organization_admin(actor, application)
    if not allowed:
        return allowed
    if application.hold_until is not None and timezone.now() >= application.hold_until:
        return Verdict.no(_("The time to answer this offer has ended."))
    return Verdict.yes()


def lima_today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now)


MISSION: Workflow[Mission] = register(
    Workflow(
        name="missions.mission",
        model=Mission,
        field="status",
        refusal=_("This mission is %(state)s: this change is not possible now."),
        states=[
            State(
                MissionStatus.DRAFT,
                "text-bg-light border",
                description=_("Only coordinators see it."),
            ),
            State(
                MissionStatus.OPEN,
                "text-bg-success",
                tags=frozenset({PUBLISHED_TAG, ACCEPTS_APPLICATIONS_TAG}),
            ),
            State(
                MissionStatus.SELECTING,
                "text-bg-info",
                tags=frozenset({PUBLISHED_TAG}),
                description=_("Applications are closed; the coordinators are selecting."),
            ),
            State(
                MissionStatus.CONFIRMED,
                "text-bg-primary",
                tags=frozenset({PUBLISHED_TAG, DELEGATION_TAG}),
            ),
            State(
                MissionStatus.TRAVELLING,
                "text-bg-warning",
                tags=frozenset({PUBLISHED_TAG, OUTCOMES_TAG}),
            ),
            State(
                MissionStatus.COMPLETED,
                "text-bg-dark",
                tags=frozenset({PUBLISHED_TAG, OUTCOMES_TAG}),
            ),
            State(MissionStatus.CANCELLED, "text-bg-secondary", tags=frozenset({PUBLISHED_TAG})),
        ],
        transitions=[
            Transition(
                "publish",
                frozen([MissionStatus.DRAFT]),
                MissionStatus.OPEN,
                _("Publish and open applications"),
                guard=coordinator,
                style="success",
                confirm=_("Publish this mission? Eligible members will be told."),
            ),
            Transition(
                "close_applications",
                frozen([MissionStatus.OPEN]),
                MissionStatus.SELECTING,
                _("Close applications"),
                guard=coordinator_or_system,
                style="outline-primary",
                confirm=_("Close applications now, before the window ends?"),
            ),
            Transition(
                "publish_selection",
                frozen([MissionStatus.SELECTING]),
                MissionStatus.CONFIRMED,
                _("Publish the selection"),
                guard=coordinator,
                style="primary",
                confirm=_(
                    "Publish the selection? Selected organizations are offered their place, "
                    "the others are told where they stand."
                ),
            ),
            Transition(
                "start_travel",
                frozen([MissionStatus.CONFIRMED]),
                MissionStatus.TRAVELLING,
                _("Mark as travelling"),
                guard=coordinator_or_system,
                style="outline-primary",
            ),
            Transition(
                "complete",
                frozen([MissionStatus.TRAVELLING]),
                MissionStatus.COMPLETED,
                _("Mark as completed"),
                guard=coordinator_or_system,
                style="outline-primary",
            ),
            Transition(
                "cancel",
                frozen(
                    [
                        MissionStatus.DRAFT,
                        MissionStatus.OPEN,
                        MissionStatus.SELECTING,
                        MissionStatus.CONFIRMED,
                    ]
                ),
                MissionStatus.CANCELLED,
                _("Cancel the mission"),
                guard=coordinator,
                style="outline-danger",
                confirm=_("Cancel this mission? Applicants and delegates will be told."),
            ),
        ],
        timed=[
            TimedTransition(
                "close_applications",
                lambda now: Q(applications_close_at__lte=now),
                "missions.services.missions.mission_close_applications",
                "mission",
            ),
            TimedTransition(
                "start_travel",
                lambda now: Q(starts_on__lte=lima_today(now)),
                "missions.services.missions.mission_start_travel",
                "mission",
            ),
            TimedTransition(
                "complete",
                lambda now: Q(ends_on__lt=lima_today(now)),
                "missions.services.missions.mission_complete",
                "mission",
            ),
        ],
    )
)


APPLICATION: Workflow[Application] = register(
    Workflow(
        name="missions.application",
        model=Application,
        field="status",
        refusal=_("This application is %(state)s: this change is not possible now."),
        states=[
            State(
                ApplicationStatus.SUBMITTED,
                "text-bg-primary",
                tags=frozenset({EDITABLE_TAG, CANDIDATE_TAG}),
                description=_("Received; it can be changed until applications close."),
            ),
            State(
                ApplicationStatus.OFFERED,
                "text-bg-warning",
                tags=frozenset({HOLDS_PLACE_TAG, CANDIDATE_TAG}),
                description=_("A place is held for the organization until it answers."),
            ),
            State(ApplicationStatus.ACCEPTED, "text-bg-success", tags=frozenset({HOLDS_PLACE_TAG})),
            State(
                ApplicationStatus.WAITLISTED,
                "text-bg-info",
                tags=frozenset({CANDIDATE_TAG}),
                description=_("Offered a place automatically if one is freed."),
            ),
            State(
                ApplicationStatus.NOT_SELECTED, "text-bg-secondary", tags=frozenset({CANDIDATE_TAG})
            ),
            State(ApplicationStatus.WITHDRAWN, "text-bg-secondary", tags=frozenset({OUT_TAG})),
            State(ApplicationStatus.DECLINED, "text-bg-secondary", tags=frozenset({OUT_TAG})),
            State(ApplicationStatus.LAPSED, "text-bg-secondary", tags=frozenset({OUT_TAG})),
        ],
        transitions=[
            Transition(
                "accept",
                frozen([ApplicationStatus.OFFERED]),
                ApplicationStatus.ACCEPTED,
                _("Accept the place"),
                guard=organization_admin_within_hold,
                audience="organization",
                style="success",
            ),
            Transition(
                "decline",
                frozen([ApplicationStatus.OFFERED]),
                ApplicationStatus.DECLINED,
                _("Decline the place"),
                guard=organization_admin,
                audience="organization",
                style="outline-danger",
                confirm=_("Decline this place? It goes to the next organization on the waitlist."),
            ),
            Transition(
                "withdraw",
                frozen(
                    [
                        ApplicationStatus.SUBMITTED,
                        ApplicationStatus.OFFERED,
                        ApplicationStatus.ACCEPTED,
                        ApplicationStatus.WAITLISTED,
                        ApplicationStatus.NOT_SELECTED,
                    ]
                ),
                ApplicationStatus.WITHDRAWN,
                _("Withdraw the application"),
                guard=organization_admin,
                audience="organization",
                style="outline-danger",
                confirm=_(
                    "Withdraw from this mission? This cannot be undone: the organization will "
                    "not be offered a place again."
                ),
            ),
            Transition(
                "offer",
                frozen(
                    [
                        ApplicationStatus.SUBMITTED,
                        ApplicationStatus.WAITLISTED,
                        ApplicationStatus.NOT_SELECTED,
                    ]
                ),
                ApplicationStatus.OFFERED,
                _("Offer a place"),
                guard=system_only,
                audience="system",
            ),
            Transition(
                "waitlist",
                frozen(
                    [
                        ApplicationStatus.SUBMITTED,
                        ApplicationStatus.OFFERED,
                        ApplicationStatus.NOT_SELECTED,
                    ]
                ),
                ApplicationStatus.WAITLISTED,
                _("Put on the waitlist"),
                guard=system_only,
                audience="system",
            ),
            Transition(
                "not_select",
                frozen(
                    [
                        ApplicationStatus.SUBMITTED,
                        ApplicationStatus.OFFERED,
                        ApplicationStatus.WAITLISTED,
                    ]
                ),
                ApplicationStatus.NOT_SELECTED,
                _("Not selected"),
                guard=system_only,
                audience="system",
            ),
            Transition(
                "lapse",
                frozen([ApplicationStatus.OFFERED]),
                ApplicationStatus.LAPSED,
                _("Let the offer lapse"),
                guard=system_only,
                audience="system",
            ),
        ],
        timed=[
            TimedTransition(
                "lapse",
                lambda now: Q(hold_until__lte=now),
                "missions.services.applications.application_lapse",
                "application",
            )
        ],
    )
)
