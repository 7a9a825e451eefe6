"""Reads of mission applications: one application for whoever may see it, the coordinators'
table, "Our missions" of a person, and the inputs of the pure selection
(:mod:`missions.selection`) built from the database, so that the preview on the staff page,
the published selection, the re-run and every promotion read the same facts.

Lists come with their organization, mission and delegates loaded: constant queries per page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from members.models import Organization, OrganizationMember
from members.viewer import viewer_for

from .. import permissions, selection
from ..groups import facts_of, groups_of
from ..models import Application, ApplicationScore, Delegate, Mission
from ..permissions import HOLDS_PLACE_TAG, OUT_TAG

# --- One application ---------------------------------------------------------------------------


def application_queryset() -> QuerySet[Application]:
    """Applications with what their pages show (mission, organization, delegates and people)."""
    return Application.objects.select_related(
        "mission", "organization", "submitted_by"
    ).prefetch_related(
        Prefetch(
            "delegates",
            queryset=Delegate.objects.select_related("person").order_by("position", "pk"),
        )
    )


def application_get_for_user(*, user: Any, application_id: int) -> Application:
    """The application, for people of its organization and the staff who read missions
    (``Http404`` for anyone else: they learn nothing about it)."""
    application = application_queryset().filter(pk=application_id).first()
    if application is None or not permissions.can_view_application(user, application):
        raise Http404
    return application


def application_for_scoring(*, user: Any, mission: Mission, application_id: int) -> Application:
    """The application with its scores, for the staff pages (``PermissionDenied`` for people
    who do not read them, ``Http404`` for an application of another mission)."""
    if not permissions.can_read_missions_staff(user):
        raise PermissionDenied
    application = (
        application_queryset()
        .prefetch_related(Prefetch("scores", queryset=ApplicationScore.objects.all()))
        .filter(pk=application_id, mission=mission)
        .first()
    )
    if application is None:
        raise Http404
    return application


# --- Lists -------------------------------------------------------------------------------------


def application_staff_list(*, mission: Mission, status: str = "") -> QuerySet[Application]:
    """The mission's applications for the coordinators' table, waitlist first in its order,
    then by score (``Application.Meta.ordering``); ``status`` filters."""
    queryset = application_queryset().filter(mission=mission)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def our_applications(*, user: Any) -> QuerySet[Application]:
    """The applications of the person's organizations (every mission), newest first."""
    organization_ids = viewer_for(user).organization_ids if user.is_authenticated else ()
    return (
        application_queryset()
        .filter(organization_id__in=list(organization_ids))
        .order_by("-mission__starts_on", "organization__legal_name", "pk")
    )


def our_delegations(*, user: Any) -> QuerySet[Delegate]:
    """The person's own nominations as a delegate, with their application and mission."""
    if not user.is_authenticated:
        return Delegate.objects.none()
    return (
        Delegate.objects.filter(person=user)
        .select_related("application__organization", "mission")
        .order_by("-mission__starts_on", "pk")
    )


def organizations_to_apply(*, user: Any, mission: Mission) -> list[Organization]:
    """The organizations the person administers that have not applied to the mission yet
    (eligible or not: the form explains why one may not apply)."""
    if not user.is_authenticated:
        return []
    return list(
        Organization.objects.filter(
            memberships__user=user, memberships__role=OrganizationMember.Role.ADMIN
        )
        .exclude(mission_applications__mission=mission)
        .order_by("legal_name")
        .distinct()
    )


# --- Selection inputs --------------------------------------------------------------------------


def selection_rules(mission: Mission) -> selection.Rules:
    """The mission's capacities, per-organization maximum and group minimums."""
    return selection.Rules(
        capacity_organizations=mission.capacity_organizations,
        capacity_delegates=mission.capacity_delegates,
        max_delegates_per_organization=mission.max_delegates_per_organization,
        group_minimums={q.group: q.minimum for q in mission.quotas.all()},
    )


def selection_input(application: Application) -> selection.Application:
    """The pure module's view of an application: its score (0 until scored), delegates
    nominated, groups and eligibility of its organization now, out when withdrawn, declined or
    lapsed, fixed when accepted. ``application.delegates`` must be loaded."""
    from ..workflows import APPLICATION

    return selection.Application(
        id=application.pk,
        organization_id=application.organization_id,
        score=application.score if application.score is not None else Decimal(0),
        delegates=max(1, len(application.delegates.all())),
        submitted_at=application.submitted_at,
        groups=groups_of(facts_of(application.organization)),
        eligible=bool(
            permissions.organization_eligibility(application.mission, application.organization)
        ),
        withdrawn=APPLICATION.has_tag(application, OUT_TAG),
        fixed=APPLICATION.value_of(application) == Application.Status.ACCEPTED,
    )


def selection_inputs(applications: Iterable[Application]) -> list[selection.Application]:
    return [selection_input(a) for a in applications]


def unscored_candidates(applications: Sequence[Application]) -> list[Application]:
    """Eligible applications still taking part that lack a score: the selection waits for
    them."""
    from ..workflows import APPLICATION, CANDIDATE_TAG

    return [
        a
        for a in applications
        if a.score is None
        and APPLICATION.has_tag(a, CANDIDATE_TAG)
        and permissions.organization_eligibility(a.mission, a.organization)
    ]


@dataclass(frozen=True)
class SelectionPreview:
    """What the selection would do now, with the rows to show."""

    result: selection.Selection
    rules: selection.Rules
    by_id: dict[int, Application]
    unscored: list[Application]

    @property
    def selected(self) -> list[tuple[selection.Placement, Application]]:
        return [(p, self.by_id[p.application_id]) for p in self.result.selected]

    @property
    def waitlist(self) -> list[tuple[selection.WaitlistEntry, Application]]:
        return [(e, self.by_id[e.application_id]) for e in self.result.waitlist]

    @property
    def excluded(self) -> list[tuple[selection.Exclusion, Application]]:
        return [(e, self.by_id[e.application_id]) for e in self.result.excluded]


def selection_preview(*, mission: Mission) -> SelectionPreview:
    """:func:`missions.selection.select` on the current data (nothing saved): the coordinator's
    preview while selecting. Applications already accepted are kept (fixed)."""
    applications = list(application_staff_list(mission=mission))
    for application in applications:
        application.mission = mission
    rules = selection_rules(mission)
    result = selection.select(selection_inputs(applications), rules)
    return SelectionPreview(
        result=result,
        rules=rules,
        by_id={a.pk: a for a in applications},
        unscored=unscored_candidates(applications),
    )


def holders_and_waitlist(applications: Iterable[Application]) -> tuple[list[int], list[int]]:
    """Ids of the applications holding a place, and of the waitlist in its order."""
    from ..workflows import APPLICATION

    applications = list(applications)
    holders = [a.pk for a in applications if APPLICATION.has_tag(a, HOLDS_PLACE_TAG)]
    waitlisted = sorted(
        (a for a in applications if a.status == Application.Status.WAITLISTED),
        key=lambda a: (a.waitlist_position or 0, a.pk),
    )
    return holders, [a.pk for a in waitlisted]
