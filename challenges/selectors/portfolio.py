"""Reads of the project portfolio: the projects a person may see (their organizations', or
all of them for the secretariat) with progress and the risk flag computed in SQL, one project
for whoever may see it, an organization's projects, the staff portfolio list with its
filters, and each indicator's history of periods.

Progress and risk are ``challenges.progress`` (the pure definitions) written as SQL:

* ``progress_done_weight`` / ``progress_total_weight``: the weight of the accepted live
  milestones and of every live milestone (subqueries, so no join multiplies rows);
* ``progress_tenths`` and ``progress``: the percentage with one decimal, half up, in integer
  arithmetic (identical to :func:`challenges.progress.tenths` on every database), None without
  live milestones;
* ``at_risk``: the project is in progress and one of its live milestones not yet accepted is
  due before today (``Exists``).

Lists prefetch the participants with their organizations, so ``permissions.project_roles``
and the lead/sponsor names cost no query per row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from cluster_portal.files.models import Attachment
from cluster_portal.files.selectors import attachment_list_for_target
from members.models import Organization
from members.viewer import viewer_for

from .. import permissions
from ..models import (
    ImpactEntry,
    Indicator,
    Measurement,
    Milestone,
    ProgressComment,
    ProgressUpdate,
    Project,
    ProjectFunding,
    ProjectOrganization,
)
from ..progress import ACCEPTED, kpi_achievement, live_statuses, unaccepted_live_statuses
from ..workflows import PROJECT

#: Keys understood by :func:`filter_projects` (from a query string or a form's cleaned data).
FILTER_KEYS: tuple[str, ...] = (
    "status",
    "at_risk",
    "sponsor",
    "call",
    "region",
    "commodity",
    "q",
)
#: ``purpose`` of evidence files (milestones; impact entries too).
EVIDENCE_PURPOSE = "evidence"


# --- Annotations -----------------------------------------------------------------------------


def _weight(statuses: Iterable[str]) -> Coalesce:
    rows = (
        Milestone.objects.filter(project=OuterRef("pk"), status__in=list(statuses))
        .order_by()
        .values("project")
        .annotate(total=Sum("weight"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_progress(
    queryset: QuerySet[Project], *, today: datetime.date | None = None
) -> QuerySet[Project]:
    """``queryset`` annotated with the progress and the risk flag (module docstring)."""
    today = today or timezone.localdate()
    late = Milestone.objects.filter(
        project=OuterRef("pk"), status__in=list(unaccepted_live_statuses()), due_on__lt=today
    )
    return (
        queryset.annotate(
            progress_done_weight=_weight({ACCEPTED}),
            progress_total_weight=_weight(live_statuses()),
        )
        .annotate(
            progress_tenths=Case(
                When(
                    progress_total_weight__gt=0,
                    then=ExpressionWrapper(
                        (F("progress_done_weight") * 2000 + F("progress_total_weight"))
                        / (F("progress_total_weight") * 2),
                        output_field=IntegerField(),
                    ),
                ),
                default=None,
                output_field=IntegerField(),
            ),
            at_risk=Case(
                When(Exists(late), status__in=PROJECT.open_values, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .annotate(
            progress=ExpressionWrapper(
                F("progress_tenths") * Value(Decimal("0.1")),
                output_field=DecimalField(max_digits=4, decimal_places=1),
            )
        )
    )


def _participants() -> Prefetch:
    return Prefetch(
        "participants",
        queryset=ProjectOrganization.objects.select_related("organization").order_by("role", "pk"),
    )


def project_list_queryset(*, today: datetime.date | None = None) -> QuerySet[Project]:
    """Every project, annotated, with its call and participants: 2 queries per list."""
    return with_progress(
        Project.objects.select_related("call").prefetch_related(_participants()), today=today
    )


# --- Visibility and filters ------------------------------------------------------------------


def visible_projects(user: Any, queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """The projects whose whole page ``user`` may see (``permissions.can_view_project``): any
    staff role sees them all; others, their organizations' projects."""
    queryset = queryset if queryset is not None else Project.objects.all()
    if permissions.can_read_staff_area(user):
        return queryset
    ids = viewer_for(user).organization_ids
    if not ids:
        return queryset.none()
    mine = ProjectOrganization.objects.filter(organization_id__in=ids).values("project_id")
    return queryset.filter(pk__in=mine)


def _truthy(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    return None


def _int(value: Any) -> int | None:
    try:
        return int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        return None


def filter_projects(queryset: QuerySet[Project], filters: Mapping[str, Any]) -> QuerySet[Project]:
    """Apply the list filters (keys of :data:`FILTER_KEYS`; values that are not valid are
    ignored, never an error): ``status`` (one or several), ``at_risk`` (yes/no: needs
    :func:`with_progress`), ``sponsor`` (an organization id), ``call`` (id), ``region``
    (code), ``commodity`` (a capability id), ``q`` (code or title)."""
    status = filters.get("status")
    if status:
        wanted = [status] if isinstance(status, str) else list(status)
        valid = [s for s in wanted if s in Project.Status.values]
        if valid:
            queryset = queryset.filter(status__in=valid)
    at_risk = _truthy(filters.get("at_risk"))
    if at_risk is not None:
        queryset = queryset.filter(**{"at_risk": at_risk})  # an annotation
    sponsor = _int(filters.get("sponsor"))
    if sponsor is not None:
        queryset = queryset.filter(
            pk__in=ProjectOrganization.objects.filter(
                organization_id=sponsor, role=ProjectOrganization.Role.SPONSOR
            ).values("project_id")
        )
    call = _int(filters.get("call"))
    if call is not None:
        queryset = queryset.filter(call_id=call)
    region = filters.get("region")
    if region:
        queryset = queryset.filter(region=str(region))
    commodity = _int(filters.get("commodity"))
    if commodity is not None:
        queryset = queryset.filter(
            pk__in=Project.commodities.through.objects.filter(capability_id=commodity).values(
                "project_id"
            )
        )
    text = str(filters.get("q") or "").strip()
    if text:
        queryset = queryset.filter(
            Q(code__icontains=text) | Q(title__icontains=text) | Q(title_en__icontains=text)
        )
    return queryset


# --- Lists -----------------------------------------------------------------------------------


def project_list_for_user(
    *, user: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[Project]:
    """The projects ``user`` may see in full (their organizations', or all for staff roles),
    annotated and filtered: a constant number of queries however many rows."""
    return filter_projects(visible_projects(user, project_list_queryset()), filters or {})


def project_staff_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Project]:
    """The secretariat's portfolio list (any staff role reads it): every project, with the
    filters status, at risk, sponsor, call, region, commodity and text."""
    if not permissions.can_read_staff_area(user):
        raise PermissionDenied
    return filter_projects(project_list_queryset(), filters or {})


def projects_of_organization(
    *, organization: Organization | int, roles: Iterable[str] | None = None
) -> QuerySet[Project]:
    """The projects where the organization takes part (optionally only in ``roles``),
    annotated. Callers decide who may see them (the organization's own pages)."""
    rows = ProjectOrganization.objects.filter(organization_id=_int(organization) or 0)
    if roles is not None:
        rows = rows.filter(role__in=list(roles))
    return project_list_queryset().filter(pk__in=rows.values("project_id"))


# --- One project -----------------------------------------------------------------------------


def project_detail_queryset() -> QuerySet[Project]:
    """Everything the project page reads, in a fixed number of queries."""
    return (
        project_list_queryset()
        .select_related("proposal", "created_by")
        .prefetch_related(
            Prefetch(
                "funding",
                queryset=ProjectFunding.objects.select_related("organization").order_by(
                    "kind", "pk"
                ),
            ),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.select_related("submitted_by", "decided_by"),
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("measurements", queryset=Measurement.objects.order_by("period_start"))
                ),
            ),
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.select_related("author").prefetch_related(
                    Prefetch(
                        "comments",
                        queryset=ProgressComment.objects.select_related("author").order_by(
                            "created_at", "pk"
                        ),
                    )
                ),
            ),
            "challenges",
            "commodities",
            "service_areas",
        )
    )


def project_get_for_user(*, user: Any, project_id: int) -> Project:
    """The whole project for its organizations' people and staff roles; ``Http404`` for
    everyone else (whether or not it exists, and whether or not it is public: the public page
    is :func:`project_get_public`)."""
    project = project_detail_queryset().filter(pk=_int(project_id) or 0).first()
    if project is None or not permissions.can_view_project(user, project):
        raise Http404
    return project


def project_get_public(*, user: Any, project_id: int) -> Project:
    """A project for its public page: a public project for anyone, a private one only for those
    who may see it whole (``permissions.can_view_public_project``); ``Http404`` otherwise.
    What the public page shows of it is the page's business (the consent fields)."""
    project = (
        project_list_queryset()
        .prefetch_related("challenges", "commodities", "service_areas")
        .filter(pk=_int(project_id) or 0)
        .first()
    )
    if project is None or not permissions.can_view_public_project(user, project):
        raise Http404
    return project


def milestone_evidence(milestone: Milestone) -> list[Attachment]:
    """The milestone's evidence files, oldest first."""
    return list(attachment_list_for_target(target=milestone, purpose=EVIDENCE_PURPOSE))


# --- KPIs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorHistory:
    """An indicator with its periods in order and how far the latest one went."""

    indicator: Indicator
    measurements: list[Measurement]

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def achievement(self) -> Decimal | None:
        """Percentage of the way from the baseline to the target at the latest period."""
        latest = self.latest
        if latest is None:
            return None
        return kpi_achievement(self.indicator.baseline, self.indicator.target, latest.value)


def kpi_history(project: Project) -> list[IndicatorHistory]:
    """Each indicator of the project with its measurements by period (2 queries; none when
    the project came from :func:`project_detail_queryset`)."""
    indicators = project.indicators.all()
    if "indicators" not in getattr(project, "_prefetched_objects_cache", {}):
        indicators = Indicator.objects.filter(project=project).prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("period_start"))
        )
    return [
        IndicatorHistory(indicator, sorted(indicator.measurements.all(), key=_period))
        for indicator in indicators
    ]


def _period(measurement: Measurement) -> datetime.date:
    return measurement.period_start


def indicator_history(indicator: Indicator) -> IndicatorHistory:
    """One indicator's periods in order (1 query)."""
    return IndicatorHistory(indicator, list(indicator.measurements.order_by("period_start")))


# --- API ---------------------------------------------------------------------------------------


def project_api_queryset(*, user: Any = None, whole_portfolio: bool = False) -> QuerySet[Project]:
    """The projects of ``GET /api/v1/projects/``, annotated with ``sees_whole`` (the caller may
    read the project in full; otherwise only its public fields), progress and the risk flag,
    with everything the serializer reads prefetched: a constant number of queries per page.

    * ``whole_portfolio`` (a partner token with ``portfolio:read``): every project, in full.
    * ``user`` (a person signed in): the projects they may see whole (``visible_projects``,
      i.e. ``permissions.can_view_project``) and every other public project by its public
      fields.
    * neither (a ``public:read`` token): public projects only, by their public fields.
    """
    queryset = project_list_queryset()
    if whole_portfolio or (user is not None and permissions.can_read_staff_area(user)):
        queryset = queryset.annotate(sees_whole=Value(True, output_field=BooleanField()))
    elif user is not None:
        whole = visible_projects(user, Project.objects.all()).values("pk")
        queryset = queryset.annotate(
            sees_whole=Case(
                When(pk__in=whole, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        ).filter(Q(is_public=True) | Q(pk__in=whole))
    else:
        queryset = queryset.filter(is_public=True).annotate(
            sees_whole=Value(False, output_field=BooleanField())
        )
    # Frozen entries are what correction chains are made of (``challenges.impact_totals``
    # resolves them); the serializer lists the verified ones and totals them.
    frozen = ImpactEntry.objects.filter(status__in=tuple(ImpactEntry.FROZEN)).select_related(
        "counterpart"
    )
    queryset = queryset.prefetch_related(
        "commodities",
        "service_areas",
        Prefetch(
            "funding",
            queryset=ProjectFunding.objects.select_related("organization").order_by("kind", "pk"),
        ),
        Prefetch("impact", queryset=frozen.order_by("pk"), to_attr="frozen_impact"),
    )
    if not (whole_portfolio or user is not None):
        return queryset  # milestones and KPIs are never shown by public fields
    return queryset.prefetch_related(
        "challenges",
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "position", "pk")),
        Prefetch(
            "indicators",
            queryset=Indicator.objects.order_by("position", "pk").prefetch_related(
                Prefetch("measurements", queryset=Measurement.objects.order_by("period_start"))
            ),
        ),
    )


# --- The members' pages (challenges.views.portfolio) -------------------------------------------


def project_list_of_member(
    *, user: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[Project]:
    """ "Our projects": the projects of the person's organizations (whatever staff roles they
    also hold: the secretariat's list is :func:`project_staff_list`), annotated and filtered,
    soonest progress update first. Two queries however many rows (none without an
    organization)."""
    ids = viewer_for(user).organization_ids
    if not ids:
        return Project.objects.none()
    mine = ProjectOrganization.objects.filter(organization_id__in=ids).values("project_id")
    return filter_projects(project_list_queryset().filter(pk__in=mine), filters or {}).order_by(
        F("next_update_due").asc(nulls_last=True), "-pk"
    )


def evidence_by_milestone(milestones: Iterable[Milestone]) -> dict[int, list[Attachment]]:
    """The evidence files of several milestones (one query), oldest first, by milestone id."""
    from django.contrib.contenttypes.models import ContentType

    ids = [m.pk for m in milestones]
    found: dict[int, list[Attachment]] = {pk: [] for pk in ids}
    if not ids:
        return found
    for attachment in Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Milestone),
        object_id__in=ids,
        purpose=EVIDENCE_PURPOSE,
    ).order_by("created_at", "pk"):
        found[int(attachment.object_id)].append(attachment)
    return found


#: Most projects the dashboard panel lists (the link leads to all of them).
PANEL_PROJECTS = 5


def projects_panel(viewer: Any) -> dict[str, Any] | None:
    """Dashboard panel "Our projects": the running projects of the person's organizations,
    at-risk ones and the soonest progress update first (one query; none without an
    organization, and hidden when there is no project)."""
    ids = viewer.organization_ids
    if not ids:
        return None
    mine = ProjectOrganization.objects.filter(organization_id__in=ids).values("project_id")
    rows = list(
        with_progress(Project.objects.filter(pk__in=mine, status__in=PROJECT.open_values))
        .order_by(F("at_risk").desc(), F("next_update_due").asc(nulls_last=True), "-pk")
        .only("pk", "code", "title", "title_en", "status", "next_update_due")[: PANEL_PROJECTS + 1]
    )
    if not rows:
        return None
    return {
        "projects": rows[:PANEL_PROJECTS],
        "more": len(rows) > PANEL_PROJECTS,
        "today": timezone.localdate(),
    }
