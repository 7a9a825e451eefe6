"""Report kind ``portfolio``: the project portfolio, as the staff portfolio list has it, with
its milestones and KPIs.

Three sheets: *Projects* (code, title, status, call, lead, partners and sponsors, region,
dates, budget and currency, progress and the risk flag computed in SQL by
:func:`challenges.selectors.portfolio.with_progress`, TRLs), *Milestones* (one row per
milestone) and *KPIs* (one row per indicator with its baseline, target and last measurement,
and how far that went, :func:`challenges.progress.kpi_achievement`). The filters are the staff
list's (``challenges.selectors.portfolio.filter_projects``): status, region, call.

Who: whoever reads the staff portfolio (``can_read_challenges_staff``: any staff role).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from challenges.models import Call, Indicator, Measurement, Milestone, Project
from challenges.permissions import can_read_challenges_staff
from challenges.progress import kpi_achievement
from challenges.selectors.portfolio import filter_projects, project_list_queryset
from challenges.workflows import MILESTONE, PROJECT
from cluster_portal.core.peru import Region

from ..catalogue import ReportContent, ReportKindSpec, register_kind
from ..models import ReportKind
from ..spreadsheets import Column, Sheet
from .common import (
    CHUNK,
    PERCENT_FORMAT,
    ReportFilterForm,
    choice_filter,
    file_stem,
    labels,
    money_cells,
    money_columns,
    yes_no,
)

#: The staff list's filters this kind accepts (``filter_projects`` keys).
FILTERS = ("status", "region", "call")
VALUE_FORMAT = "#,##0.####"


class PortfolioFilters(ReportFilterForm):
    status = choice_filter(_("Status"), PROJECT.choices())
    region = choice_filter(_("Region"), Region.choices)
    call = choice_filter(_("Call"), [])

    def __init__(self, data: Any = None, user: Any = None, **kwargs: Any) -> None:
        super().__init__(data, user, **kwargs)
        calls = Call.objects.filter(projects__isnull=False).distinct().order_by("-opens_at", "pk")
        call_field = cast(forms.ChoiceField, self.fields["call"])
        call_field.choices = [
            ("", _("All")),
            *((str(c.pk), f"{c.code} · {c.localized_title}") for c in calls),
        ]

    def clean_call(self) -> int | None:
        value = self.cleaned_data.get("call")
        return int(value) if value else None


def can_request(user: Any, filters: dict[str, Any]) -> bool:
    """The staff portfolio's predicate (no object to check: filters are criteria)."""
    return can_read_challenges_staff(user)


def _criteria(filters: dict[str, Any]) -> dict[str, Any]:
    return {key: filters[key] for key in FILTERS if filters.get(key) not in (None, "")}


def projects(filters: dict[str, Any]) -> QuerySet[Project]:
    """The projects asked for, without annotations (for counts and sub-selects)."""
    return filter_projects(Project.objects.all(), _criteria(filters))


def _project_rows(filters: dict[str, Any]) -> Iterator[dict]:
    statuses = labels(PROJECT.choices())
    regions = labels(Region.choices)
    english = (get_language() or "es").startswith("en")
    rows = filter_projects(project_list_queryset(), _criteria(filters)).order_by("code", "pk")
    for project in rows.iterator(chunk_size=CHUNK):
        by_role: dict[str, list[str]] = {"lead": [], "partner": [], "sponsor": []}
        for participant in project.participants.all():
            by_role.setdefault(participant.role, []).append(participant.organization.display_name)
        yield {
            "code": project.code,
            "title": (project.title_en if english else "") or project.title,
            "status": statuses.get(project.status, project.status),
            "call": project.call.code if project.call else None,
            "lead": "; ".join(by_role["lead"]),
            "partners": "; ".join(by_role["partner"]),
            "sponsors": "; ".join(by_role["sponsor"]),
            "region": regions.get(project.region) if project.region else None,
            "starts_on": project.starts_on,
            "ends_on": project.ends_on,
            **money_cells("budget", project.budget),
            # Annotations of ``with_progress``.
            "progress": getattr(project, "progress", None),
            "at_risk": yes_no(getattr(project, "at_risk", None)),
            "trl_start": project.trl_start,
            "trl_target": project.trl_target,
            "trl_now": project.trl_now,
        }


def _milestone_rows(filters: dict[str, Any]) -> Iterator[dict]:
    statuses = labels(MILESTONE.choices())
    rows = (
        Milestone.objects.filter(project__in=projects(filters).values("pk"))
        .order_by("project__code", "due_on", "position", "pk")
        .values(
            "project__code",
            "title",
            "due_on",
            "weight",
            "status",
            "submitted_at",
            "accepted_at",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "project": row["project__code"],
            "title": row["title"],
            "due_on": row["due_on"],
            "weight": row["weight"],
            "status": statuses.get(row["status"], row["status"]),
            "submitted_at": row["submitted_at"],
            "accepted_at": row["accepted_at"],
        }


def _latest(field: str) -> Subquery:
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-period_start")
    return Subquery(latest.values(field)[:1])


def _indicator_rows(filters: dict[str, Any]) -> Iterator[dict]:
    english = (get_language() or "es").startswith("en")
    higher, lower = str(_("Higher is better")), str(_("Lower is better"))
    rows = (
        Indicator.objects.filter(project__in=projects(filters).values("pk"))
        .annotate(
            last_start=_latest("period_start"),
            last_end=_latest("period_end"),
            last_value=_latest("value"),
        )
        .order_by("project__code", "position", "pk")
        .values(
            "project__code",
            "result",
            "name",
            "name_en",
            "unit",
            "baseline",
            "baseline_year",
            "target",
            "higher_is_better",
            "last_start",
            "last_end",
            "last_value",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        value = row["last_value"]
        yield {
            "project": row["project__code"],
            "result": row["result"],
            "indicator": (row["name_en"] if english else "") or row["name"],
            "unit": row["unit"],
            "baseline": row["baseline"],
            "baseline_year": row["baseline_year"],
            "target": row["target"],
            "direction": higher if row["higher_is_better"] else lower,
            "last_start": row["last_start"],
            "last_end": row["last_end"],
            "last_value": value,
            "achievement": (
                None if value is None else kpi_achievement(row["baseline"], row["target"], value)
            ),
        }


PROJECT_COLUMNS = [
    Column("code", _("Code"), width=20),
    Column("title", _("Title"), width=45),
    Column("status", _("Status"), width=12),
    Column("call", _("Call"), width=20),
    Column("lead", _("Supplier lead"), width=30),
    Column("partners", _("Partners"), width=30),
    Column("sponsors", _("Sponsors"), width=30),
    Column("region", _("Region"), width=14),
    Column("starts_on", _("Start"), width=11),
    Column("ends_on", _("End"), width=11),
    *money_columns("budget", _("Budget")),
    Column("progress", _("Progress (%)"), width=10, number_format=PERCENT_FORMAT),
    Column("at_risk", _("At risk"), width=8),
    Column("trl_start", _("TRL at the start"), width=8),
    Column("trl_target", _("Target TRL"), width=8),
    Column("trl_now", _("TRL now"), width=8),
]
MILESTONE_COLUMNS = [
    Column("project", _("Project"), width=20),
    Column("title", _("Milestone"), width=45),
    Column("due_on", _("Due"), width=11),
    Column("weight", _("Weight"), width=8),
    Column("status", _("Status"), width=18),
    Column("submitted_at", _("Evidence submitted"), width=17),
    Column("accepted_at", _("Accepted"), width=17),
]
INDICATOR_COLUMNS = [
    Column("project", _("Project"), width=20),
    Column("result", _("Result"), width=40),
    Column("indicator", _("Indicator"), width=35),
    Column("unit", _("Unit"), width=10),
    Column("baseline", _("Baseline"), width=12, number_format=VALUE_FORMAT),
    Column("baseline_year", _("Baseline year"), width=9),
    Column("target", _("Target"), width=12, number_format=VALUE_FORMAT),
    Column("direction", _("Direction"), width=16),
    Column("last_start", _("Last period start"), width=11),
    Column("last_end", _("Last period end"), width=11),
    Column("last_value", _("Last value"), width=12, number_format=VALUE_FORMAT),
    Column("achievement", _("Achievement (%)"), width=12, number_format=PERCENT_FORMAT),
]


def build(filters: dict[str, Any]) -> ReportContent:
    """Projects, milestones and KPIs of the projects ``filters`` select."""
    selected = projects(filters)
    ids = selected.values("pk")
    total = (
        selected.count()
        + Milestone.objects.filter(project__in=ids).count()
        + Indicator.objects.filter(project__in=ids).count()
    )
    return ReportContent(
        sheets=[
            Sheet(_("Projects"), PROJECT_COLUMNS, _project_rows(filters)),
            Sheet(_("Milestones"), MILESTONE_COLUMNS, _milestone_rows(filters)),
            Sheet(_("KPIs"), INDICATOR_COLUMNS, _indicator_rows(filters)),
        ],
        total_rows=total,
        file_stem=file_stem("portfolio", filters.get("status"), filters.get("region")),
    )


SPEC = register_kind(
    ReportKindSpec(
        code=ReportKind.PORTFOLIO.value,
        title=_("Project portfolio with milestones and KPIs"),
        description=_(
            "Projects with their status, organizations, dates, budget and progress; a sheet "
            "of milestones and a sheet of KPIs with baseline, target and last measurement."
        ),
        form_class=PortfolioFilters,
        can_request=can_request,
        build=build,
        icon="kanban",
    )
)
