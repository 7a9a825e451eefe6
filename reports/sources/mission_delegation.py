"""Report kind ``mission_delegation``: one mission's delegation, for the coordinators.

Two sheets. *Delegates*: one row per nominated person with the organization (kind, region), the
application's state, the person's name and role, whether the per-organization maximum left
them in, attendance confirmation and the readiness summary of the coordinators' board
(``missions.selectors.readiness.delegate_row``: the delegate's state, items done out of items,
and each checklist item's state) for delegates of accepted applications.
*Organizations*: one row per application with its state, score, waitlist position, delegates
granted and nominated, and the dates of the offer and the answer.

No passport or document number is exported: the models keep none (``ReadinessItem`` records a
passport's validity date only), and no e-mail address or telephone either: people are named.

Who: whoever reads the staff mission pages (``missions.permissions.can_read_missions_staff``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.peru import Region
from members.models import Organization
from missions.checklist import State
from missions.models import Application, Delegate, Mission, ReadinessItem
from missions.permissions import can_read_missions_staff
from missions.selectors.readiness import STATE_LABELS, delegate_queryset, delegate_row
from missions.workflows import APPLICATION

from ..catalogue import ReportContent, ReportKindSpec, register_kind
from ..models import ReportKind
from ..spreadsheets import Column, Sheet
from .common import CHUNK, ReportFilterForm, file_stem, int_filter, labels, yes_no

#: The row keys of the checklist items' columns, one per item kind.
ITEM_KEYS = tuple(f"item_{kind.value}" for kind in ReadinessItem.Kind)


class MissionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.title_en or obj.title}"


class MissionDelegationFilters(ReportFilterForm):
    mission = MissionChoiceField(
        label=_("Mission"),
        queryset=Mission.objects.order_by("-starts_on", "-pk"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the missions.")},
    )


def can_request(user: Any, filters: dict[str, Any]) -> bool:
    """The staff mission pages' predicate; with a mission, that mission must exist."""
    if not can_read_missions_staff(user):
        return False
    if "mission" not in filters:
        return True
    mission_id = int_filter(filters, "mission")
    return mission_id is not None and Mission.objects.filter(pk=mission_id).exists()


def _delegates(mission: Mission) -> QuerySet[Delegate]:
    return delegate_queryset().filter(mission=mission)


def _applications(mission: Mission) -> QuerySet[Application]:
    return Application.objects.filter(mission=mission)


def _delegate_rows(mission: Mission) -> Iterator[dict]:
    statuses = labels(APPLICATION.choices())
    kinds = labels(Organization.Kind.choices)
    regions = labels(Region.choices)
    states = labels(STATE_LABELS.items())
    today = timezone.localdate()
    rows = _delegates(mission).order_by(
        "application__organization__legal_name", "application_id", "position", "pk"
    )
    for delegate in rows.iterator(chunk_size=CHUNK):
        application = delegate.application
        organization = application.organization
        values: dict[str, Any] = {
            "organization": organization.display_name,
            "organization_kind": kinds.get(organization.kind, organization.kind),
            "region": regions.get(organization.region, organization.region),
            "application_status": statuses.get(application.status, application.status),
            "delegate": delegate.person.full_name or None,
            "role": delegate.role or None,
            "position": delegate.position,
            "included": yes_no(delegate.included),
            "confirmed_at": delegate.confirmed_at,
            "readiness": None,
            "items_done": None,
            "items_total": None,
            **dict.fromkeys(ITEM_KEYS),
        }
        # The board's people (included delegates of accepted applications), and anyone who
        # already has a checklist (an offer withdrawn after it was made).
        on_board = (
            application.status == Application.Status.ACCEPTED and delegate.included
        ) or bool(delegate.readiness.all())
        if on_board:
            summary = delegate_row(delegate, today=today)
            done = sum(1 for r in summary.items if r.state == State.DONE)
            values.update(
                readiness=states.get(summary.state, summary.state),
                items_done=done,
                items_total=len(summary.items),
            )
            for item in summary.items:
                values[f"item_{item.item.kind}"] = states.get(item.state, item.state)
        yield values


def _organization_rows(mission: Mission) -> Iterator[dict]:
    statuses = labels(APPLICATION.choices())
    kinds = labels(Organization.Kind.choices)
    regions = labels(Region.choices)
    rows = (
        _applications(mission)
        .annotate(
            nominated=Count("delegates"),
            included=Count("delegates", filter=Q(delegates__included=True)),
        )
        .order_by("organization__legal_name", "pk")
        .values(
            "organization__legal_name",
            "organization__trade_name",
            "organization__kind",
            "organization__region",
            "status",
            "score",
            "waitlist_position",
            "granted_delegates",
            "nominated",
            "included",
            "submitted_at",
            "offered_at",
            "hold_until",
            "responded_at",
            "withdrawn_at",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "organization": row["organization__trade_name"] or row["organization__legal_name"],
            "organization_kind": kinds.get(row["organization__kind"], row["organization__kind"]),
            "region": regions.get(row["organization__region"], row["organization__region"]),
            "status": statuses.get(row["status"], row["status"]),
            "score": row["score"],
            "waitlist_position": row["waitlist_position"],
            "granted_delegates": row["granted_delegates"],
            "nominated": row["nominated"],
            "included": row["included"],
            "submitted_at": row["submitted_at"],
            "offered_at": row["offered_at"],
            "hold_until": row["hold_until"],
            "responded_at": row["responded_at"],
            "withdrawn_at": row["withdrawn_at"],
        }


DELEGATE_COLUMNS = [
    Column("organization", _("Organization"), width=30),
    Column("organization_kind", _("Kind of organization"), width=20),
    Column("region", _("Region"), width=14),
    Column("application_status", _("Application"), width=16),
    Column("delegate", _("Delegate"), width=28),
    Column("role", _("Role in the delegation"), width=22),
    Column("position", _("Order"), width=7),
    Column("included", _("Included in the delegation"), width=10),
    Column("confirmed_at", _("Attendance confirmed"), width=17),
    Column("readiness", _("Readiness"), width=12),
    Column("items_done", _("Items done"), width=8),
    Column("items_total", _("Items"), width=8),
    *(Column(f"item_{kind.value}", kind.label, width=14) for kind in ReadinessItem.Kind),
]
ORGANIZATION_COLUMNS = [
    Column("organization", _("Organization"), width=30),
    Column("organization_kind", _("Kind of organization"), width=20),
    Column("region", _("Region"), width=14),
    Column("status", _("Application"), width=16),
    Column("score", _("Score"), width=8, number_format="0.00"),
    Column("waitlist_position", _("Waitlist position"), width=9),
    Column("granted_delegates", _("Delegates granted"), width=9),
    Column("nominated", _("Delegates nominated"), width=9),
    Column("included", _("Delegates included"), width=9),
    Column("submitted_at", _("Submitted"), width=17),
    Column("offered_at", _("Place offered"), width=17),
    Column("hold_until", _("Place held until"), width=17),
    Column("responded_at", _("Answered"), width=17),
    Column("withdrawn_at", _("Withdrawn"), width=17),
]


def build(filters: dict[str, Any]) -> ReportContent:
    """The delegates and organizations of ``filters["mission"]``."""
    mission = Mission.objects.get(pk=int(filters["mission"]))
    total = _delegates(mission).count() + _applications(mission).count()
    return ReportContent(
        sheets=[
            Sheet(_("Delegates"), DELEGATE_COLUMNS, _delegate_rows(mission)),
            Sheet(_("Organizations"), ORGANIZATION_COLUMNS, _organization_rows(mission)),
        ],
        total_rows=total,
        file_stem=file_stem("delegation", mission.code),
    )


SPEC = register_kind(
    ReportKindSpec(
        code=ReportKind.MISSION_DELEGATION.value,
        title=_("Mission delegation"),
        description=_(
            "One mission's organizations and delegates with their application state, "
            "attendance and readiness checklist; no document numbers."
        ),
        form_class=MissionDelegationFilters,
        can_request=can_request,
        build=build,
        icon="airplane",
    )
)
