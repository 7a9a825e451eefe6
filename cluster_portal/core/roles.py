"""The secretariat's staff roles: one catalogue, held as Django groups and permissions.

``is_staff`` only opens the staff area (behind two-factor authentication, see
``core.middleware``); what a member of staff may *do* there comes from their roles. Each role is
a Django :class:`~django.contrib.auth.models.Group` named by its code, holding the custom
permissions listed here (declared on :class:`cluster_portal.core.models.StaffPermissions`, app
label ``core``). Predicates ask for a permission (``"core.decide_membership"``), never for a role
or for ``is_staff``, so a later feature adds a permission and the roles that hold it here, and
nothing else changes.

This module is the source of truth: :func:`sync_staff_roles` (run by the data migration and after
every ``migrate``) creates the groups and sets their permissions to exactly these, so a
permission added to or removed from a group in the Django admin is put back on the next deploy.
Who holds which role is changed in the portal (``/staff/roles/``, administrators only) through
``cluster_portal.core.services.staff_roles``.

Superusers hold every permission (Django's rule). Administrators hold every permission of this
catalogue, including managing roles.

The Django admin (``/admin/``) is where the secretariat keeps the taxonomy, the governance bodies
and their seats and the partner API clients (README). The model permissions it needs are listed
per role in :data:`ADMIN_MODEL_PERMISSIONS` and synced with the rest: administrators manage all of
those, membership officers the taxonomy and the governance bodies and seats, auditors view them
all (and these three view people and organizations, which the seat forms look up); call
managers, administrators and auditors view the open-innovation records, and portfolio managers,
administrators and auditors the project portfolio (read only: their changes go through the staff
pages); the other roles get no admin page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: App label and model name of the model that declares the permissions below.
APP_LABEL = "core"
PERMISSION_MODEL = "staffpermissions"

# --- Permissions -------------------------------------------------------------------------------
# Codenames (without the app label). ``perm()`` gives the "core.<codename>" form ``has_perm`` and
# the predicates use.

VIEW_STAFF_AREA = "view_staff_area"
VIEW_AUDIT_LOG = "view_audit_log"
DECIDE_MEMBERSHIP = "decide_membership"
MANAGE_ORGANIZATIONS = "manage_organizations"
MANAGE_GOVERNANCE = "manage_governance"
MANAGE_CALLS = "manage_calls"
COORDINATE_EVALUATION = "coordinate_evaluation"
MANAGE_PORTFOLIO = "manage_portfolio"
COORDINATE_MISSIONS = "coordinate_missions"
EDIT_CONTENT = "edit_content"
VIEW_REPORTS = "view_reports"
CLOSE_REPORTING_PERIODS = "close_reporting_periods"
MANAGE_ROLES = "manage_roles"

#: (codename, name) for ``Meta.permissions``: the names are what the Django admin shows.
PERMISSIONS: tuple[tuple[str, str], ...] = (
    (VIEW_STAFF_AREA, "Read the staff pages: queues, every organization and team"),
    (VIEW_AUDIT_LOG, "Read the audit log"),
    (DECIDE_MEMBERSHIP, "Decide memberships: approve, reject, suspend, reinstate, lapse"),
    (MANAGE_ORGANIZATIONS, "Edit any organization, including its RUC and legal name"),
    (MANAGE_GOVERNANCE, "Manage governance bodies and their seats"),
    (MANAGE_CALLS, "Manage calls for challenges and their proposals"),
    (COORDINATE_EVALUATION, "Coordinate evaluations: evaluators, reviews, decisions"),
    (MANAGE_PORTFOLIO, "Manage the project portfolio"),
    (COORDINATE_MISSIONS, "Coordinate missions and their applications"),
    (EDIT_CONTENT, "Edit knowledge and published content"),
    (VIEW_REPORTS, "Read the KPI dashboard and generate reports"),
    (CLOSE_REPORTING_PERIODS, "Close reporting periods, freezing their figures"),
    (MANAGE_ROLES, "Manage staff roles"),
)
CODENAMES: frozenset[str] = frozenset(codename for codename, _name in PERMISSIONS)


def perm(codename: str) -> str:
    """``"core.<codename>"``, the form ``User.has_perm`` and :class:`Viewer` understand."""
    if codename not in CODENAMES:
        raise ValueError(f"Unknown staff permission: {codename!r}")
    return f"{APP_LABEL}.{codename}"


# --- Roles -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffRole:
    code: str  # also the Group's name
    label: str | Promise
    description: str | Promise
    permissions: frozenset[str]  # codenames

    @property
    def perms(self) -> frozenset[str]:
        """The permissions in ``"core.<codename>"`` form."""
        return frozenset(perm(c) for c in self.permissions)


MEMBERSHIP_OFFICER = "membership_officer"
CALL_MANAGER = "call_manager"
EVALUATION_COORDINATOR = "evaluation_coordinator"
PORTFOLIO_MANAGER = "portfolio_manager"
MISSION_COORDINATOR = "mission_coordinator"
EDITOR = "editor"
REPORTING_OFFICER = "reporting_officer"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"


def _role(code: str, label: Promise, description: Promise, *codenames: str) -> StaffRole:
    # Every role reads the staff area: a role is a job in the secretariat.
    return StaffRole(code, label, description, frozenset({VIEW_STAFF_AREA, *codenames}))


ROLES: dict[str, StaffRole] = {
    role.code: role
    for role in (
        _role(
            MEMBERSHIP_OFFICER,
            _("Membership officer"),
            _(
                "Decides membership applications, suspends, reinstates and lapses memberships, "
                "corrects organization records and manages governance bodies. Receives the "
                "membership notifications."
            ),
            DECIDE_MEMBERSHIP,
            MANAGE_ORGANIZATIONS,
            MANAGE_GOVERNANCE,
        ),
        _role(
            CALL_MANAGER,
            _("Call manager"),
            _("Publishes and manages calls for challenges and their proposals."),
            MANAGE_CALLS,
        ),
        _role(
            EVALUATION_COORDINATOR,
            _("Evaluation coordinator"),
            _(
                "Assigns evaluators (often outside experts, who are not staff) and "
                "coordinates reviews and decisions."
            ),
            COORDINATE_EVALUATION,
        ),
        _role(
            PORTFOLIO_MANAGER,
            _("Portfolio manager"),
            _("Follows the portfolio of projects that came out of calls."),
            MANAGE_PORTFOLIO,
        ),
        _role(
            MISSION_COORDINATOR,
            _("Mission coordinator"),
            _("Organizes missions and decides on applications to them."),
            COORDINATE_MISSIONS,
        ),
        _role(
            EDITOR,
            _("Editor"),
            _("Edits knowledge articles and published content."),
            EDIT_CONTENT,
        ),
        _role(
            REPORTING_OFFICER,
            _("Monitoring and reporting officer"),
            _(
                "Reads the KPI dashboard, generates reports, closes reporting periods and "
                "receives the monthly KPI report."
            ),
            VIEW_REPORTS,
            CLOSE_REPORTING_PERIODS,
        ),
        _role(
            AUDITOR,
            _("Auditor"),
            _("Reads every staff page and the audit log, and acts on nothing."),
            VIEW_AUDIT_LOG,
            VIEW_REPORTS,
        ),
        StaffRole(
            ADMINISTRATOR,
            _("Administrator"),
            _("Holds every permission of the other roles and manages staff roles."),
            CODENAMES,
        ),
    )
}
ROLE_CODES: tuple[str, ...] = tuple(ROLES)

# --- Django admin model permissions -------------------------------------------------------------

_MANAGE = ("add", "change", "delete", "view")
_VIEW = ("view",)
#: Models the secretariat keeps in the Django admin (``"app_label.model_name"``).
TAXONOMY_AND_GOVERNANCE_MODELS = ("members.capability", "members.governingbody", "members.seat")
API_CLIENT_MODELS = ("api.partnerclient",)
#: Partners' webhook subscriptions and their deliveries: read-only in the admin (partners manage
#: them in the portal and the API); administrators and auditors view them.
WEBHOOK_MODELS = ("notifications.webhookendpoint", "notifications.webhookdelivery")
#: Report runs and reporting periods, read-only in the admin.
REPORTS_MODELS = ("reports.reportrun", "reports.closedperiod")
#: Read-only in the admin, but needed: the seat and governance forms pick people and
#: organizations with autocomplete fields, which Django allows only to those who may view them.
LOOKUP_MODELS = ("members.user", "members.organization")
#: The open-innovation records, read-only in the admin (their changes go through the staff
#: pages' services, which enforce the lifecycles, audit and notify).
CHALLENGES_MODELS = (
    "challenges.surveyround",
    "challenges.challenge",
    "challenges.call",
    "challenges.callclarification",
    "challenges.deadlineextension",
    "challenges.proposal",
    "challenges.proposalsubmission",
)
#: The project portfolio and its impact ledger, read-only in the admin (changes go through the
#: portfolio pages' services): administrators, portfolio managers and auditors view them.
PORTFOLIO_MODELS = (
    "challenges.project",
    "challenges.projectorganization",
    "challenges.projectfunding",
    "challenges.milestone",
    "challenges.indicator",
    "challenges.measurement",
    "challenges.progressupdate",
    "challenges.impactentry",
)
#: Missions, read-only in the admin (changes go through the coordinators' pages' services):
#: administrators, mission coordinators and auditors view them.
MISSIONS_MODELS = (
    "missions.mission",
    "missions.selectioncriterion",
    "missions.missionquota",
    "missions.agendaitem",
    "missions.application",
    "missions.applicationscore",
    "missions.delegate",
    "missions.readinessitem",
    "missions.readinessreminder",
    "missions.outcome",
    "missions.outcomereminder",
    "missions.agreement",
)

#: The knowledge base: editors keep its topics in the admin; its records change through the
#: editors' pages' services (revisions, history), read-only in the admin.
KNOWLEDGE_TAXONOMY_MODELS = ("knowledge.topic",)
KNOWLEDGE_MODELS = (
    "knowledge.article",
    "knowledge.articlerevision",
    "knowledge.knowledgeauthor",
    "knowledge.regulatorybarrier",
    "knowledge.barrierstatuschange",
    "knowledge.barrierendorsement",
    "knowledge.valueopportunity",
    "knowledge.opportunityinterest",
)


def _model_permissions(actions: tuple[str, ...], models: tuple[str, ...]) -> frozenset[str]:
    return frozenset(
        f"{app_label}.{action}_{model}"
        for app_label, model in (m.split(".") for m in models)
        for action in actions
    )


#: Role code → ``"app_label.codename"`` model permissions for the Django admin pages.
ADMIN_MODEL_PERMISSIONS: dict[str, frozenset[str]] = {
    ADMINISTRATOR: _model_permissions(_MANAGE, TAXONOMY_AND_GOVERNANCE_MODELS + API_CLIENT_MODELS)
    | _model_permissions(
        _VIEW,
        LOOKUP_MODELS
        + CHALLENGES_MODELS
        + PORTFOLIO_MODELS
        + MISSIONS_MODELS
        + KNOWLEDGE_TAXONOMY_MODELS
        + KNOWLEDGE_MODELS
        + WEBHOOK_MODELS
        + REPORTS_MODELS,
    ),
    CALL_MANAGER: _model_permissions(_VIEW, CHALLENGES_MODELS),
    PORTFOLIO_MANAGER: _model_permissions(_VIEW, PORTFOLIO_MODELS),
    MISSION_COORDINATOR: _model_permissions(_VIEW, MISSIONS_MODELS),
    EDITOR: _model_permissions(_MANAGE, KNOWLEDGE_TAXONOMY_MODELS)
    | _model_permissions(_VIEW, KNOWLEDGE_MODELS),
    MEMBERSHIP_OFFICER: _model_permissions(_MANAGE, TAXONOMY_AND_GOVERNANCE_MODELS)
    | _model_permissions(_VIEW, LOOKUP_MODELS),
    AUDITOR: _model_permissions(
        _VIEW,
        TAXONOMY_AND_GOVERNANCE_MODELS
        + API_CLIENT_MODELS
        + LOOKUP_MODELS
        + CHALLENGES_MODELS
        + PORTFOLIO_MODELS
        + MISSIONS_MODELS
        + KNOWLEDGE_TAXONOMY_MODELS
        + KNOWLEDGE_MODELS
        + WEBHOOK_MODELS
        + REPORTS_MODELS,
    ),
    REPORTING_OFFICER: _model_permissions(_VIEW, REPORTS_MODELS),
}

#: The roles that receive the monthly KPI report (``reports.tasks.send_monthly_kpi_pack``).
KPI_PACK_ROLES: tuple[str, ...] = (REPORTING_OFFICER, ADMINISTRATOR)


def role_choices() -> list[tuple[str, str | Promise]]:
    """``(code, label)`` in catalogue order, for forms."""
    return [(role.code, role.label) for role in ROLES.values()]


def roles_with_permission(codename: str) -> list[str]:
    """The codes of the roles that hold ``codename`` (bare codename or ``"core.<codename>"``)."""
    codename = codename.removeprefix(f"{APP_LABEL}.")
    return [role.code for role in ROLES.values() if codename in role.permissions]


def sync_staff_roles(
    *,
    group_model: Any = None,
    permission_model: Any = None,
    content_type_model: Any = None,
    using: str = "default",
) -> None:
    """Create the role groups and the permissions, and give each group exactly its permissions
    (the catalogue's and its :data:`ADMIN_MODEL_PERMISSIONS`).

    Idempotent. The model arguments let a data migration pass its historical models; by default
    the live ones are used (``post_migrate``), and then the admin models' permissions are created
    first if their app's ``post_migrate`` has not run yet. A model permission that does not exist
    (yet) is skipped: the next sync adds it.
    """
    if group_model is None:
        from django.contrib.auth.models import Group, Permission
        from django.contrib.contenttypes.models import ContentType

        group_model, permission_model, content_type_model = Group, Permission, ContentType
        _create_admin_model_permissions(using)
    content_type, _created = content_type_model.objects.using(using).get_or_create(
        app_label=APP_LABEL, model=PERMISSION_MODEL
    )
    permissions = {}
    for codename, name in PERMISSIONS:
        permission, _created = permission_model.objects.using(using).get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        if permission.name != name:
            permission.name = name
            permission.save(update_fields=["name"])
        permissions[codename] = permission
    model_permissions = _model_permissions_by_name(permission_model, using)
    for role in ROLES.values():
        group, _created = group_model.objects.using(using).get_or_create(name=role.code)
        wanted = _sorted_ids(
            [permissions[c] for c in role.permissions]
            + [
                model_permissions[name]
                for name in ADMIN_MODEL_PERMISSIONS.get(role.code, ())
                if name in model_permissions
            ]
        )
        if _sorted_ids(group.permissions.all()) != wanted:
            group.permissions.set(wanted)


def _sorted_ids(objects: Iterable[Any]) -> list[int]:
    return sorted(o.pk for o in objects)


def _model_permissions_by_name(permission_model: Any, using: str) -> dict[str, Any]:
    """The existing permissions named in :data:`ADMIN_MODEL_PERMISSIONS`, by
    ``"app_label.codename"``."""
    names = set().union(*ADMIN_MODEL_PERMISSIONS.values())
    app_labels = {name.split(".")[0] for name in names}
    codenames = {name.split(".")[1] for name in names}
    rows = permission_model.objects.using(using).filter(
        content_type__app_label__in=app_labels, codename__in=codenames
    )
    found = {
        f"{p.content_type.app_label}.{p.codename}": p for p in rows.select_related("content_type")
    }
    return {name: p for name, p in found.items() if name in names}


def _create_admin_model_permissions(using: str) -> None:
    """Django creates an app's permissions in that app's ``post_migrate``, which may come after
    core's: create those of the admin models now (idempotent)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    names = set().union(*ADMIN_MODEL_PERMISSIONS.values())
    for app_label in sorted({name.split(".")[0] for name in names}):
        try:
            app_config = apps.get_app_config(app_label)
        except LookupError:
            continue
        create_permissions(app_config, verbosity=0, using=using)
