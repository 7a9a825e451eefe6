"""The panels of the personal dashboard, and which app contributes each.

After login everybody lands on ``/dashboard/``. The page is a list of panels; each panel is
declared here once with the selector that reads its data and the template that shows it. A
panel's selector takes the person's :class:`~members.viewer.Viewer` and returns the panel's
template context, or ``None`` when the panel is not for this person (a visitor without an
organization gets no "My organizations" panel, somebody who is not staff no queues).

A later feature (calls and proposals, evaluations, missions…) adds its panel to
:data:`DASHBOARD_PANELS` with a selector in its own app (``<app>/selectors/dashboard.py``) and
a template in ``templates/dashboard/panels/``; nothing else changes. Rules for a selector:

* one selector per panel, a bounded number of queries whatever the number of rows (the
  dashboard's query-count test covers every panel);
* only the person's own data: read through the viewer's organizations or ``viewer.user``,
  never through an id taken from the request;
* return ``None`` quickly, without a query, when the viewer says the panel does not apply.

Panels are shown in declaration order, in the column they ask for: ``main`` (what needs the
person) or ``side`` (notifications, shortcuts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.module_loading import import_string

from members.viewer import Viewer

PanelSelector = Callable[[Viewer], Mapping[str, Any] | None]


@dataclass(frozen=True)
class DashboardPanel:
    key: str  # "<app>.<name>", also the panel's data-testid
    selector: str  # dotted path of a PanelSelector
    template: str
    column: Literal["main", "side"] = "main"


@dataclass(frozen=True)
class RenderedPanel:
    """A panel for one person: its template and the selector's context."""

    panel: DashboardPanel
    context: Mapping[str, Any]

    @property
    def key(self) -> str:
        return self.panel.key

    @property
    def template(self) -> str:
        return self.panel.template


DASHBOARD_PANELS: tuple[DashboardPanel, ...] = (
    # First: for an outside expert (an evaluator account and nothing else) it is the page.
    DashboardPanel(
        "challenges.evaluations",
        "challenges.selectors.evaluation.evaluations_panel",
        "dashboard/panels/challenges_evaluations.html",
    ),
    DashboardPanel(
        "members.getting_started",
        "members.selectors.dashboard.getting_started_panel",
        "dashboard/panels/getting_started.html",
    ),
    DashboardPanel(
        "members.organizations",
        "members.selectors.dashboard.organizations_panel",
        "dashboard/panels/organizations.html",
    ),
    DashboardPanel(
        "challenges.surveys",
        "challenges.selectors.surveys.challenges_panel",
        "dashboard/panels/challenges_surveys.html",
    ),
    DashboardPanel(
        "challenges.open_calls",
        "challenges.selectors.calls.open_calls_panel",
        "dashboard/panels/challenges_open_calls.html",
    ),
    DashboardPanel(
        "challenges.proposals",
        "challenges.selectors.proposals.proposals_panel",
        "dashboard/panels/challenges_proposals.html",
    ),
    DashboardPanel(
        "challenges.projects",
        "challenges.selectors.portfolio.projects_panel",
        "dashboard/panels/challenges_projects.html",
    ),
    DashboardPanel(
        "staff.queues",
        "cluster_portal.staff.selectors.staff_queues_panel",
        "dashboard/panels/staff_queues.html",
    ),
    DashboardPanel(
        "notifications.unread",
        "notifications.selectors.unread_panel",
        "dashboard/panels/notifications.html",
        column="side",
    ),
)


def panels_for(
    viewer: Viewer, panels: tuple[DashboardPanel, ...] = DASHBOARD_PANELS
) -> list[RenderedPanel]:
    """The panels that apply to ``viewer``, with their data, in declaration order."""
    rendered = []
    for panel in panels:
        selector: PanelSelector = import_string(panel.selector)
        context = selector(viewer)
        if context is not None:
            rendered.append(RenderedPanel(panel, context))
    return rendered
