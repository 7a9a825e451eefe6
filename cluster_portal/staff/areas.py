"""The areas the staff home links to, and which staff permissions open each.

A feature adds its staff pages here with the permissions that open them; the staff home shows a
person only the areas their roles open. An area is listed when the person holds *any* of its
permissions (the auditor's ``view_audit_log`` is listed on every area whose pages it may read).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cluster_portal.core import roles
from members.viewer import Viewer


@dataclass(frozen=True)
class StaffArea:
    url_name: str
    label: str | Promise
    icon: str  # Bootstrap Icons name
    permissions: frozenset[str]  # codenames; any of them opens the area
    description: str | Promise = ""
    #: Dotted path of ``count(viewer) -> int``: how many rows wait for the staff there (shown
    #: with ``count_label`` on the personal dashboard); "" for an area without a queue.
    count: str = ""
    count_label: str | Promise = ""


STAFF_AREAS: tuple[StaffArea, ...] = (
    StaffArea(
        "members_staff:application_list",
        _("Membership applications"),
        "inbox",
        frozenset({roles.DECIDE_MEMBERSHIP, roles.VIEW_AUDIT_LOG}),
        _("Decide on applications to join the cluster."),
        count="members.selectors.dashboard.applications_awaiting_decision_count",
        count_label=_("waiting for a decision"),
    ),
    StaffArea(
        "members_staff:organization_list",
        _("Organizations and membership status"),
        "buildings",
        frozenset({roles.DECIDE_MEMBERSHIP, roles.VIEW_AUDIT_LOG}),
        _("Suspend, reinstate or lapse memberships."),
        count="members.selectors.dashboard.organizations_with_overdue_dues_count",
        count_label=_("members with overdue dues"),
    ),
    StaffArea(
        "challenges_staff:triage_list",
        _("Challenge triage"),
        "funnel",
        frozenset({roles.MANAGE_CALLS, roles.VIEW_AUDIT_LOG}),
        _("Accept, question, merge or share the challenges companies report; survey rounds."),
        count="challenges.selectors.surveys.triage_waiting_count",
        count_label=_("challenges waiting for triage"),
    ),
    StaffArea(
        "challenges_staff:call_list",
        _("Calls"),
        "megaphone",
        frozenset({roles.MANAGE_CALLS, roles.VIEW_AUDIT_LOG}),
        _("Build challenge calls, publish them, answer applicants' questions."),
        count="challenges.selectors.calls.pending_clarifications_count",
        count_label=_("questions from applicants waiting"),
    ),
    StaffArea(
        "challenges_staff:evaluator_list",
        _("Evaluator pool"),
        "person-check",
        frozenset({roles.COORDINATE_EVALUATION, roles.VIEW_AUDIT_LOG}),
        _("Add people and invite outside experts to evaluate proposals; their expertise and load."),
    ),
    StaffArea(
        "challenges_staff:portfolio_list",
        _("Portfolio"),
        "kanban",
        frozenset({roles.VIEW_STAFF_AREA}),
        _(
            "Projects born from the calls: status, organizations, funding, milestones; verify "
            "the impact sponsors confirmed."
        ),
    ),
    StaffArea(
        "missions_staff:mission_list",
        _("Missions"),
        "airplane",
        frozenset({roles.COORDINATE_MISSIONS, roles.VIEW_STAFF_AREA}),
        _(
            "International missions: destination, dates, places, criteria and quotas; "
            "applications, selection, agenda, readiness and outcomes."
        ),
    ),
    StaffArea(
        "knowledge_staff:article_queue",
        _("Knowledge base"),
        "book",
        frozenset({roles.EDIT_CONTENT, roles.VIEW_STAFF_AREA}),
        _(
            "Review and publish articles, designate authors, keep the regulatory barrier "
            "register and the value-added opportunities."
        ),
        count="knowledge.selectors.articles.review_queue_count",
        count_label=_("articles waiting for review"),
    ),
    StaffArea(
        "reports_staff:dashboard",
        _("KPI dashboard"),
        "graph-up",
        frozenset({roles.VIEW_REPORTS}),
        _(
            "The cluster's figures by month, quarter or year, with their definitions; close a "
            "period to freeze what was reported to funders."
        ),
    ),
    StaffArea(
        "reports_staff:run_list",
        _("Reports and exports"),
        "file-earmark-spreadsheet",
        frozenset({roles.VIEW_STAFF_AREA}),
        _(
            "Spreadsheets made in the background: KPIs, a call's ranking and proposals, the "
            "portfolio, the impact ledger, the results framework, delegations, the directory."
        ),
    ),
    StaffArea(
        "audit:logentry_list",
        _("Audit log"),
        "journal-check",
        frozenset({roles.VIEW_AUDIT_LOG}),
        _("Who changed or decided what, and when."),
    ),
    StaffArea(
        "staff:role_list",
        _("Staff roles"),
        "person-badge",
        frozenset({roles.MANAGE_ROLES}),
        _("Who holds which role in the secretariat."),
    ),
)


def staff_areas_for(viewer: Viewer) -> list[StaffArea]:
    """The areas ``viewer``'s roles open, in display order."""
    return [
        area
        for area in STAFF_AREAS
        if any(viewer.has_perm(roles.perm(codename)) for codename in area.permissions)
    ]
