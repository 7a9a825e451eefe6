"""What ``manage.py bench_pages`` measures: every list page and list endpoint, per role.

A feature adds its list pages with one :class:`BenchPage` entry in :data:`PAGES` (and, when the
demo data is too small to show a difference at 10x, a scaler in :data:`SCALERS`)::

    BenchPage(
        name="challenges: calls",
        url="/challenges/calls/",
        roles=(VISITOR, MEMBER, STAFF),
        queryset=lambda ctx: call_list_for_user(user=ctx.user)[:20],
    ),

``queryset`` returns what the view evaluates for one page of rows (same filters,
``select_related`` and prefetches, sliced to the page size), so that the command can print, beside
the page's server time, the time of evaluating those rows alone: the gap is what the view,
serializers and templates add.

Nothing here touches a database by itself; the command runs it on a scratch database.
"""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

VISITOR = "visitor"
MEMBER = "member"
STAFF = "staff"
#: An outside expert of the evaluator pool with several assignments (only on evaluator pages).
EVALUATOR = "evaluator"
#: An administrator of the demo partner organization (API access, webhooks; only on its pages).
PARTNER = "partner"
ROLES: tuple[str, ...] = (VISITOR, MEMBER, STAFF)
SIGNED_IN: tuple[str, ...] = (MEMBER, STAFF)

#: The scratch accounts the command signs in as (created by :func:`bench_users`).
MEMBER_EMAIL = "bench.member@example.pe"
STAFF_EMAIL = "bench.staff@example.pe"
EVALUATOR_EMAIL = "bench.evaluator@example.pe"
PARTNER_EMAIL = "bench.partner@example.pe"
#: Assignments the bench evaluator gets at 1x (``_scale_evaluation`` adds more).
EVALUATOR_ASSIGNMENTS = 6


@dataclass(frozen=True)
class BenchContext:
    """Who is asking: ``user`` is an ``AnonymousUser`` for the visitor."""

    role: str
    user: Any


@dataclass(frozen=True)
class BenchPage:
    """One list page or list endpoint to measure.

    ``queryset(ctx)`` returns the rows the view evaluates for ``ctx`` (a sliced QuerySet, or any
    iterable that runs its queries when iterated).
    """

    name: str
    #: The address, or a function giving it once the data exists (a page of one record).
    url: str | Callable[[], str]
    roles: tuple[str, ...]
    queryset: Callable[[BenchContext], Iterable[Any]]
    #: Sent with the request (``{"HTTP_HX_REQUEST": "true"}`` for an htmx fragment).
    headers: dict[str, str] | None = None

    def resolved_url(self) -> str:
        return self.url if isinstance(self.url, str) else self.url()


# --- Querysets of the registered pages (imports inside: apps are loaded by then) -----------------


def _directory(ctx: BenchContext) -> Iterable[Any]:
    from members.permissions import directory_audience
    from members.selectors.organizations import (
        DIRECTORY_PAGE_SIZE,
        organization_directory_queryset,
        organization_ids_of_user,
    )

    return organization_directory_queryset(
        audience=directory_audience(ctx.user),
        own_ids=organization_ids_of_user(ctx.user),
        with_details=False,
    )[:DIRECTORY_PAGE_SIZE]


def _governance(ctx: BenchContext) -> Iterable[Any]:
    from members.permissions import directory_audience
    from members.selectors.governance import governing_body_queryset

    return governing_body_queryset(audience=directory_audience(ctx.user))


def _api_organizations(ctx: BenchContext) -> Iterable[Any]:
    from members.permissions import Audience, directory_audience
    from members.selectors.organizations import (
        organization_directory_queryset,
        organization_ids_of_user,
    )

    audience = directory_audience(ctx.user)
    own_ids = organization_ids_of_user(ctx.user)
    return organization_directory_queryset(
        audience=audience,
        own_ids=own_ids,
        with_details=audience >= Audience.MEMBER or bool(own_ids),
    )[:50]


def _api_working_groups(ctx: BenchContext) -> Iterable[Any]:
    from members.models import GoverningBody
    from members.permissions import directory_audience
    from members.selectors.governance import governing_body_queryset

    return governing_body_queryset(audience=directory_audience(ctx.user)).filter(
        kind=GoverningBody.Kind.WORKING_GROUP
    )


def _notifications(ctx: BenchContext) -> Iterable[Any]:
    from notifications.selectors import notifications_for_user
    from notifications.views import PAGE_SIZE

    return notifications_for_user(user=ctx.user)[:PAGE_SIZE]


def _staff_applications(ctx: BenchContext) -> Iterable[Any]:
    from members.selectors.membership import membership_application_queue

    return membership_application_queue(params={}).object_list


def _staff_organizations(ctx: BenchContext) -> Iterable[Any]:
    from members.selectors.membership import organizations_for_staff

    return organizations_for_staff(params={}).object_list


def _staff_audit(ctx: BenchContext) -> Iterable[Any]:
    from cluster_portal.audit.selectors import logentry_list
    from cluster_portal.audit.views import PAGE_SIZE

    return logentry_list()[:PAGE_SIZE]


def _staff_roles(ctx: BenchContext) -> Iterable[Any]:
    from cluster_portal.staff import selectors

    return selectors.staff_accounts()[: selectors.PAGE_SIZE]


def _dashboard(ctx: BenchContext) -> Iterable[Any]:
    # The dashboard's data is its panels' selectors, run as the view runs them.
    from cluster_portal.dashboard.panels import panels_for
    from members.viewer import viewer_for

    return panels_for(viewer_for(ctx.user))


def _busiest_call() -> Any:
    """The call with the most proposals (the scaler fills one open call)."""
    from django.db.models import Count

    from challenges.models import Call

    return Call.objects.annotate(n=Count("proposals")).order_by("-n", "pk").first()


def _staff_call_proposals_url() -> str:
    call = _busiest_call()
    return f"/staff/challenges/calls/{call.pk}/proposals/"


def _staff_call_proposals(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.proposals import call_proposals_page

    return call_proposals_page(_busiest_call(), {}).object_list


def _challenge_list(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.surveys import challenge_list_queryset
    from challenges.views.surveys import PAGE_SIZE

    return challenge_list_queryset(ctx.user)[:PAGE_SIZE]


def _api_challenges(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.surveys import challenge_list_queryset

    return challenge_list_queryset(ctx.user)[:50]


def _triage(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.surveys import triage_queue

    return triage_queue(params={}).object_list


def _call_list(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.calls import published_calls
    from challenges.views.calls import PAGE_SIZE

    return published_calls()[:PAGE_SIZE]


def _staff_calls(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.calls import call_staff_queue

    return call_staff_queue(user=ctx.user, params={}).object_list


def _api_calls(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.calls import published_calls_for_api

    return published_calls_for_api()[:50]


def _most_reviewed_call() -> Any:
    """The call with the most submitted reviews (the demo's evaluated call)."""
    from django.db.models import Count, Q

    from challenges.models import Call

    submitted = Q(assignments__review__submitted_at__isnull=False)
    return (
        Call.objects.annotate(n=Count("assignments", filter=submitted)).order_by("-n", "pk").first()
    )


def _most_assigned_call() -> Any:
    """The call with the most assignments (``_scale_evaluation`` grows the demo's ongoing one)."""
    from django.db.models import Count

    from challenges.models import Call

    return Call.objects.annotate(n=Count("assignments")).order_by("-n", "pk").first()


def _staff_call_ranking_url() -> str:
    return f"/staff/challenges/calls/{_most_reviewed_call().pk}/ranking/"


def _staff_call_ranking(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.ranking import call_ranking

    return call_ranking(_most_reviewed_call()).rows


def _staff_call_assignments_url() -> str:
    return f"/staff/challenges/calls/{_most_assigned_call().pk}/assignments/"


def _staff_call_assignments(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.assignments import assignment_board

    return assignment_board(_most_assigned_call()).rows


def _my_evaluations(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.evaluation import my_evaluations

    return my_evaluations(user=ctx.user)


def _staff_evaluators(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.evaluation import evaluator_pool_page

    return evaluator_pool_page({}).object_list


def _my_proposals(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.proposals import proposals_for_user

    return proposals_for_user(user=ctx.user)


def _api_proposals(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.proposals import proposals_of_organizations
    from members.viewer import viewer_for

    return proposals_of_organizations(viewer_for(ctx.user).organization_ids)[:50]


def _showcase(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.showcase import public_projects, showcase_cards, with_card_data
    from challenges.views.showcase import PAGE_SIZE

    return showcase_cards(with_card_data(public_projects())[:PAGE_SIZE])


def _showcase_present(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.showcase import (
        MAX_SLIDES,
        presentation_projects,
        showcase_cards,
        with_card_data,
    )

    return showcase_cards(with_card_data(presentation_projects(include_private=False))[:MAX_SLIDES])


def _our_projects(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.portfolio import project_list_of_member
    from challenges.views.portfolio import PAGE_SIZE

    return project_list_of_member(user=ctx.user)[:PAGE_SIZE]


def _staff_portfolio(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.portfolio import project_staff_list
    from challenges.views.staff.portfolio import PAGE_SIZE

    return project_staff_list(user=ctx.user).order_by("-pk")[:PAGE_SIZE]


def _staff_verification(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.impact import impact_verification_queue
    from challenges.views.staff.portfolio import QUEUE_PAGE_SIZE

    return impact_verification_queue(user=ctx.user)[:QUEUE_PAGE_SIZE]


def _api_projects(ctx: BenchContext) -> Iterable[Any]:
    from challenges.selectors.portfolio import project_api_queryset

    return project_api_queryset(user=ctx.user).order_by("-updated_at", "-id")[:50]


# Missions (issue 12): the public list, "Our missions", the coordinators' list and, on the
# mission with most applications (and the one with most outcomes), its applications table,
# readiness board and outcome page; the API list.


def _mission_public_list(ctx: BenchContext) -> Iterable[Any]:
    from missions.selectors.missions import mission_cards, published_missions
    from missions.views.missions import PAGE_SIZE

    return mission_cards(published_missions()[:PAGE_SIZE])


def _our_missions(ctx: BenchContext) -> Iterable[Any]:
    from missions.selectors.applications import our_applications, our_delegations

    return [*our_applications(user=ctx.user), *our_delegations(user=ctx.user)]


def _mission_staff_list(ctx: BenchContext) -> Iterable[Any]:
    from missions.selectors.missions import mission_staff_queue

    return list(mission_staff_queue(user=ctx.user, params={}).object_list)


def _busiest_mission() -> Any:
    """The mission with most applications (its staff pages are the heaviest)."""
    from django.db.models import Count

    from missions.models import Mission

    return (
        Mission.objects.annotate(n=Count("applications"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def _most_reported_mission() -> Any:
    """The mission with most delegates who recorded an outcome."""
    from django.db.models import Count

    from missions.models import Mission

    return (
        Mission.objects.annotate(n=Count("delegates__outcome"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def _mission_applications(ctx: BenchContext) -> Iterable[Any]:
    from missions.models import Mission
    from missions.selectors.applications import application_staff_list
    from missions.views.staff.applications import PAGE_SIZE

    mission = Mission.objects.get(pk=_busiest_mission())
    return application_staff_list(mission=mission)[:PAGE_SIZE]


def _mission_readiness(ctx: BenchContext) -> Iterable[Any]:
    from missions.models import Mission
    from missions.selectors.readiness import readiness_board

    return readiness_board(mission=Mission.objects.get(pk=_busiest_mission())).rows


def _mission_outcomes(ctx: BenchContext) -> Iterable[Any]:
    from missions.models import Mission
    from missions.selectors.outcomes import mission_outcomes

    return mission_outcomes(mission=Mission.objects.get(pk=_most_reported_mission())).rows


def _fullest_agenda() -> Any:
    """The mission with the most agenda items."""
    from django.db.models import Count

    from missions.models import Mission

    return (
        Mission.objects.annotate(n=Count("agenda"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def _mission_agenda(ctx: BenchContext) -> Iterable[Any]:
    from missions.selectors.agenda import agenda_for_display

    return agenda_for_display(_fullest_agenda(), include_addresses=True)


def _knowledge_staff_articles(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.articles import staff_articles
    from knowledge.views.staff.articles import PAGE_SIZE

    return staff_articles()[:PAGE_SIZE]


def _knowledge_review_queue(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.articles import review_queue

    return review_queue()


def _knowledge_staff_barriers(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.barriers import barrier_list
    from knowledge.views.staff.barriers import PAGE_SIZE

    return barrier_list(user=ctx.user)[:PAGE_SIZE]


def _knowledge_staff_opportunities(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.opportunities import staff_opportunities
    from knowledge.views.staff.opportunities import PAGE_SIZE

    return staff_opportunities()[:PAGE_SIZE]


def _api_missions(ctx: BenchContext) -> Iterable[Any]:
    from missions.permissions import can_read_missions_staff
    from missions.selectors.missions import mission_api_queryset

    full = ctx.user.is_authenticated and can_read_missions_staff(ctx.user)
    return mission_api_queryset(full=full).order_by("starts_on", "id")[:50]


# Knowledge base and search (issue 13): the landing page, the public lists of articles,
# barriers (endorsement counts, "endorsed by us") and opportunities (cards with assessments and
# interests per role), the ecosystem map (four breakdowns over the members), the three knowledge
# endpoints (a page of 50; a visitor needs a token there, so people signed in) and the
# portal-wide search, page and endpoint, for one query that matches in every kind.
SEARCH_QUERY = "relaves"


def _knowledge_home(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.ecosystem import knowledge_home

    return knowledge_home(user=ctx.user)


def _knowledge_articles(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.articles import published_articles
    from knowledge.views.articles import PAGE_SIZE

    return published_articles(ctx.user)[:PAGE_SIZE]


def _knowledge_barriers(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.barriers import barrier_list
    from knowledge.views.barriers import PAGE_SIZE

    return barrier_list(user=ctx.user, filters={})[:PAGE_SIZE]


def _knowledge_opportunities(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.opportunities import opportunity_cards, published_opportunities
    from knowledge.views.opportunities import PAGE_SIZE

    return opportunity_cards(published_opportunities(user=ctx.user)[:PAGE_SIZE])


def _knowledge_ecosystem(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.ecosystem import ecosystem_map

    return ecosystem_map(user=ctx.user).breakdowns


def _api_knowledge_articles(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.articles import article_api_queryset

    return article_api_queryset(user=ctx.user).order_by("-published_on", "-id").distinct()[:50]


def _api_knowledge_barriers(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.barriers import BarrierReader, barrier_api_queryset

    reader = BarrierReader.for_user(ctx.user)
    return barrier_api_queryset(reader=reader).order_by("-updated_at", "-id")[:50]


def _api_knowledge_opportunities(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.opportunities import opportunity_api_queryset, reader_visibilities

    visibilities = reader_visibilities(ctx.user)
    return opportunity_api_queryset(visibilities=visibilities).order_by("stage", "product", "id")[
        :50
    ]


def _search(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.search import search
    from knowledge.views.search import PAGE_SIZE

    return search(user=ctx.user, q=SEARCH_QUERY, page_size=PAGE_SIZE).hits


def _api_search(ctx: BenchContext) -> Iterable[Any]:
    from knowledge.selectors.search import search

    return search(user=ctx.user, q=SEARCH_QUERY, page_size=50).hits


# Reports (issue 14): the KPI dashboard and its API for the current month (live figures: a
# constant number of aggregate queries), the closed periods, the person's report runs; webhooks:
# the partner administrator's endpoints and one endpoint's delivery log. The public event
# catalogue reads no database; the webhooks API answers partner tokens only (its query counts
# are tested in tests/notifications/webhooks/test_api.py).


def _reports_kpis(ctx: BenchContext) -> Iterable[Any]:
    from reports.kpis import current_period
    from reports.selectors.kpis import kpis_for_period

    period = current_period("month", timezone.localdate())
    return [kpis_for_period(kind="month", starts_on=period.starts_on)]


def _reports_periods(ctx: BenchContext) -> Iterable[Any]:
    from reports.selectors.kpis import closed_periods

    return closed_periods()[:25]


def _reports_runs(ctx: BenchContext) -> Iterable[Any]:
    from reports.selectors.runs import runs_for_requester
    from reports.views.runs import PAGE_SIZE

    return runs_for_requester(user=ctx.user)[:PAGE_SIZE]


def _webhook_endpoints(ctx: BenchContext) -> Iterable[Any]:
    from notifications.selectors.webhooks import endpoints_of, webhook_organizations_for_user

    organizations = webhook_organizations_for_user(user=ctx.user)
    return endpoints_of([organization.pk for organization in organizations])


def _bench_endpoint() -> Any:
    from notifications.models import WebhookEndpoint

    return (
        WebhookEndpoint.objects.filter(organization__memberships__user__email=PARTNER_EMAIL)
        .order_by("pk")
        .first()
    )


def _webhook_log_url() -> str:
    endpoint = _bench_endpoint()
    return f"/webhooks/{endpoint.pk}/" if endpoint is not None else "/webhooks/"


def _webhook_log(ctx: BenchContext) -> Iterable[Any]:
    from notifications.selectors.webhooks import delivery_log
    from notifications.views.webhooks import PAGE_SIZE

    endpoint = _bench_endpoint()
    return delivery_log(endpoint=endpoint)[:PAGE_SIZE] if endpoint is not None else []


PAGES: list[BenchPage] = [
    BenchPage("members: directory", "/members/directory/", ROLES, _directory),
    BenchPage(
        "members: directory (htmx)",
        "/members/directory/?page=2",
        ROLES,
        _directory,
        headers={"HTTP_HX_REQUEST": "true"},
    ),
    BenchPage("members: governance", "/members/governance/", ROLES, _governance),
    BenchPage("notifications: inbox", "/notifications/", SIGNED_IN, _notifications),
    BenchPage("staff: applications", "/staff/members/applications/", (STAFF,), _staff_applications),
    BenchPage(
        "staff: organizations", "/staff/members/organizations/", (STAFF,), _staff_organizations
    ),
    BenchPage("staff: audit log", "/staff/audit/", (STAFF,), _staff_audit),
    BenchPage("staff: roles", "/staff/roles/", (STAFF,), _staff_roles),
    BenchPage("dashboard", "/dashboard/", SIGNED_IN, _dashboard),
    BenchPage(
        "api: organizations",
        "/api/v1/organizations/?page_size=50",
        ROLES,
        _api_organizations,
    ),
    BenchPage("api: working groups", "/api/v1/working-groups/", ROLES, _api_working_groups),
    BenchPage("challenges: list", "/challenges/", ROLES, _challenge_list),
    BenchPage("challenges: calls", "/challenges/calls/", ROLES, _call_list),
    BenchPage("challenges: my proposals", "/challenges/proposals/", (MEMBER,), _my_proposals),
    BenchPage("staff: challenge triage", "/staff/challenges/triage/", (STAFF,), _triage),
    BenchPage("staff: calls", "/staff/challenges/calls/", (STAFF,), _staff_calls),
    BenchPage(
        "staff: a call's proposals",
        _staff_call_proposals_url,
        (STAFF,),
        _staff_call_proposals,
    ),
    # Evaluation (issue 10): the ranking of the call with most submitted reviews, the
    # assignment page (a page of proposals with their conflict and affinity matrix against the
    # pool) of the call with most assignments, and the bench evaluator's queue.
    BenchPage("staff: a call's ranking", _staff_call_ranking_url, (STAFF,), _staff_call_ranking),
    BenchPage(
        "staff: a call's assignments",
        _staff_call_assignments_url,
        (STAFF,),
        _staff_call_assignments,
    ),
    BenchPage(
        "challenges: my evaluations", "/challenges/evaluations/", (EVALUATOR,), _my_evaluations
    ),
    BenchPage(
        "staff: evaluator pool", "/staff/challenges/evaluators/", (STAFF,), _staff_evaluators
    ),
    BenchPage("api: challenges", "/api/v1/challenges/?page_size=50", ROLES, _api_challenges),
    BenchPage("api: calls", "/api/v1/calls/?page_size=50", ROLES, _api_calls),
    BenchPage("api: proposals", "/api/v1/proposals/?page_size=50", (MEMBER,), _api_proposals),
    # Portfolio (issue 11): the public showcase (a page of cards and the totals strip over every
    # public project) and the demo-day slides (every public project up to MAX_SLIDES, QR codes).
    BenchPage("challenges: showcase", "/challenges/showcase/", ROLES, _showcase),
    BenchPage(
        "challenges: showcase slides",
        "/challenges/showcase/present/",
        (VISITOR,),
        _showcase_present,
    ),
    # A page of 50 projects: every one in full for staff (milestones, KPIs and their periods,
    # verified impact), the member's own in full and other public ones by their public fields.
    BenchPage("api: projects", "/api/v1/projects/?page_size=50", SIGNED_IN, _api_projects),
    # The portfolio manager's list (a page of projects with progress and risk from SQL, and the
    # totals of verified impact over the whole portfolio) and the verification queue.
    BenchPage("challenges: our projects", "/challenges/projects/", (MEMBER,), _our_projects),
    BenchPage("staff: portfolio", "/staff/challenges/portfolio/", (STAFF,), _staff_portfolio),
    BenchPage(
        "staff: impact verification",
        "/staff/challenges/portfolio/verification/",
        (STAFF,),
        _staff_verification,
    ),
    BenchPage("missions: list", "/missions/", ROLES, _mission_public_list),
    BenchPage("missions: our missions", "/missions/ours/", (MEMBER,), _our_missions),
    BenchPage("missions: staff list", "/staff/missions/", (STAFF,), _mission_staff_list),
    BenchPage(
        "missions: staff applications",
        lambda: f"/staff/missions/{_busiest_mission()}/applications/",
        (STAFF,),
        _mission_applications,
    ),
    BenchPage(
        "missions: readiness board",
        lambda: f"/staff/missions/{_busiest_mission()}/readiness/",
        (STAFF,),
        _mission_readiness,
    ),
    BenchPage(
        "missions: outcomes",
        lambda: f"/staff/missions/{_most_reported_mission()}/outcomes/",
        (STAFF,),
        _mission_outcomes,
    ),
    BenchPage(
        "missions: staff agenda",
        lambda: f"/staff/missions/{_fullest_agenda()}/agenda/",
        (STAFF,),
        _mission_agenda,
    ),
    BenchPage("missions: api", "/api/v1/missions/?page_size=50", SIGNED_IN, _api_missions),
    BenchPage("knowledge: home", "/knowledge/", ROLES, _knowledge_home),
    BenchPage("knowledge: articles", "/knowledge/articles/", ROLES, _knowledge_articles),
    BenchPage("knowledge: barriers", "/knowledge/barriers/", ROLES, _knowledge_barriers),
    BenchPage(
        "knowledge: opportunities", "/knowledge/opportunities/", ROLES, _knowledge_opportunities
    ),
    BenchPage("knowledge: ecosystem", "/knowledge/ecosystem/", ROLES, _knowledge_ecosystem),
    BenchPage(
        "knowledge: api articles",
        "/api/v1/knowledge/articles/?page_size=50",
        SIGNED_IN,
        _api_knowledge_articles,
    ),
    BenchPage(
        "knowledge: api barriers",
        "/api/v1/knowledge/regulatory-barriers/?page_size=50",
        SIGNED_IN,
        _api_knowledge_barriers,
    ),
    BenchPage(
        "knowledge: api opportunities",
        "/api/v1/knowledge/value-opportunities/?page_size=50",
        SIGNED_IN,
        _api_knowledge_opportunities,
    ),
    BenchPage(
        "knowledge: staff articles",
        "/staff/knowledge/articles/",
        (STAFF,),
        _knowledge_staff_articles,
    ),
    BenchPage(
        "knowledge: review queue",
        "/staff/knowledge/articles/review/",
        (STAFF,),
        _knowledge_review_queue,
    ),
    BenchPage(
        "knowledge: staff barriers",
        "/staff/knowledge/barriers/",
        (STAFF,),
        _knowledge_staff_barriers,
    ),
    BenchPage(
        "knowledge: staff opportunities",
        "/staff/knowledge/opportunities/",
        (STAFF,),
        _knowledge_staff_opportunities,
    ),
    BenchPage("knowledge: search page", f"/search/?q={SEARCH_QUERY}", ROLES, _search),
    BenchPage(
        "knowledge: search api",
        f"/api/v1/search/?q={SEARCH_QUERY}&page_size=50",
        SIGNED_IN,
        _api_search,
    ),
    BenchPage("reports: KPI dashboard", "/staff/reports/", (STAFF,), _reports_kpis),
    BenchPage("reports: runs", "/staff/reports/runs/", (STAFF,), _reports_runs),
    BenchPage("api: reports/kpis", "/api/v1/reports/kpis/", (STAFF,), _reports_kpis),
    BenchPage(
        "api: reports/kpis/periods", "/api/v1/reports/kpis/periods/", (STAFF,), _reports_periods
    ),
    BenchPage("webhooks: endpoints", "/webhooks/", (PARTNER,), _webhook_endpoints),
    BenchPage("webhooks: delivery log", _webhook_log_url, (PARTNER,), _webhook_log),
]


# --- Scratch data ---------------------------------------------------------------------------------


def bench_users() -> dict[str, Any]:
    """The visitor (an ``AnonymousUser``), a member of an active member organization, and a
    superuser with an authenticator app (so the staff MFA gate lets it through). Idempotent."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import AnonymousUser

    from members.models import Organization, OrganizationMember, User

    member, _ = User.objects.get_or_create(
        email=MEMBER_EMAIL, defaults={"full_name": "Bench Member", "language": "es"}
    )
    organization = (
        Organization.objects.filter(membership_status=Organization.MembershipStatus.ACTIVE)
        .order_by("pk")
        .first()
    )
    if organization is not None:
        OrganizationMember.objects.get_or_create(
            user=member,
            organization=organization,
            defaults={"role": OrganizationMember.Role.MEMBER},
        )
    staff, created = User.objects.get_or_create(
        email=STAFF_EMAIL,
        defaults={
            "full_name": "Bench Staff",
            "language": "es",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        TOTP.activate(staff, generate_totp_secret())
    return {
        VISITOR: AnonymousUser(),
        MEMBER: member,
        STAFF: staff,
        EVALUATOR: _bench_evaluator(),
        PARTNER: _bench_partner(),
    }


def _bench_partner() -> Any:
    """An administrator of the demo partner organization (``notifications.demo``: API access and
    webhook endpoints). Idempotent."""
    from cluster_portal.api.models import PartnerClient
    from members.models import OrganizationMember, User

    user, _ = User.objects.get_or_create(
        email=PARTNER_EMAIL, defaults={"full_name": "Bench Partner", "language": "es"}
    )
    client = PartnerClient.objects.filter(is_active=True).order_by("pk").first()
    if client is not None:
        OrganizationMember.objects.get_or_create(
            user=user,
            organization_id=client.organization_id,
            defaults={"role": OrganizationMember.Role.ADMIN},
        )
    return user


def _bench_evaluator() -> Any:
    """An outside expert (no organization) with :data:`EVALUATOR_ASSIGNMENTS` pending or
    in-review assignments on the submitted proposals of the calls in evaluation. Idempotent."""
    from challenges.models import Assignment, Evaluator, Proposal
    from challenges.workflows import CALL, EVALUATION_STAGE
    from members.models import User

    user, _ = User.objects.get_or_create(
        email=EVALUATOR_EMAIL, defaults={"full_name": "Bench Evaluator", "language": "es"}
    )
    evaluator, _ = Evaluator.objects.get_or_create(user=user)
    missing = EVALUATOR_ASSIGNMENTS - Assignment.objects.filter(evaluator=evaluator).count()
    if missing > 0:
        proposals = Proposal.objects.filter(
            status=Proposal.Status.SUBMITTED,
            call__status__in=CALL.values_tagged(EVALUATION_STAGE),
        ).exclude(assignments__evaluator=evaluator)
        due = timezone.now() + datetime.timedelta(days=7)
        Assignment.objects.bulk_create(
            Assignment(
                call_id=proposal.call_id,
                proposal=proposal,
                evaluator=evaluator,
                status=Assignment.Status.ACCEPTED if n % 2 else Assignment.Status.PENDING,
                due_at=due,
            )
            for n, proposal in enumerate(proposals.order_by("pk")[:missing])
        )
    return user


def logo_png(colour: tuple[int, int, int] = (18, 78, 120)) -> bytes:
    """A small PNG for scaled organizations' logos (the demo's generator)."""
    from members.demo.organizations import logo_png as demo_logo

    return demo_logo(colour, (250, 250, 250))


def _scale_members(factor: int, *, stdout: io.TextIOBase | Any) -> None:
    """Copy the demo organizations ``factor - 1`` times: capabilities, people (one admin and
    one member each), reference clients, a logo on every fifth, seats in the working groups,
    a notification inbox for the bench member and applications for the staff queue."""
    from django.contrib.auth.hashers import make_password
    from django.core.files.uploadedfile import SimpleUploadedFile

    from members.demo import demo_ruc
    from members.models import (
        GoverningBody,
        MembershipApplication,
        Organization,
        OrganizationMember,
        Seat,
        User,
    )
    from members.services.organizations import organization_update
    from notifications.models import Notification

    if factor <= 1:
        return
    rng = random.Random(factor)  # noqa: S311 - test data, not security
    templates = list(Organization.objects.prefetch_related("capabilities").order_by("pk"))
    password = make_password(None)
    new_orgs: list[Organization] = []
    for copy in range(1, factor):
        for template in templates:
            key = f"bench-{copy}-{template.pk}"
            new_orgs.append(
                Organization(
                    legal_name=f"{template.legal_name} ({copy})",
                    trade_name=f"{template.trade_name} {copy}" if template.trade_name else "",
                    ruc=demo_ruc(key),
                    kind=template.kind,
                    mining_scale=template.mining_scale,
                    government_level=template.government_level,
                    region=template.region,
                    city=template.city,
                    website=template.website,
                    description=template.description,
                    employee_band=template.employee_band,
                    certifications=template.certifications,
                    is_public=template.is_public,
                    membership_status=template.membership_status,
                    member_since=template.member_since,
                )
            )
    Organization.objects.bulk_create(new_orgs, batch_size=500)
    # Read back: not every backend returns primary keys from a bulk insert.
    created = list(Organization.objects.filter(ruc__in=[o.ruc for o in new_orgs]).order_by("pk"))

    by_template = {t.legal_name: t for t in templates}
    capability_links = []
    client_links = []
    through = Organization.capabilities.through
    clients_through = Organization.reference_clients.through
    for organization in created:
        original = by_template.get(organization.legal_name.rsplit(" (", 1)[0])
        if original is not None:
            capability_links += [
                through(organization_id=organization.pk, capability_id=c.pk)
                for c in original.capabilities.all()
            ]
        for client in rng.sample(created, k=min(3, len(created))):
            if client.pk != organization.pk:
                client_links.append(
                    clients_through(
                        from_organization_id=organization.pk, to_organization_id=client.pk
                    )
                )
    through.objects.bulk_create(capability_links, batch_size=1000, ignore_conflicts=True)
    clients_through.objects.bulk_create(client_links, batch_size=1000, ignore_conflicts=True)

    User.objects.bulk_create(
        [
            User(
                email=f"bench{organization.pk}.{n}@example.pe",
                full_name=f"Persona {organization.pk}-{n}",
                language="es",
                password=password,
            )
            for organization in created
            for n in range(2)
        ],
        batch_size=1000,
    )
    by_email = {
        user.email: user
        for user in User.objects.filter(email__startswith="bench").exclude(
            email__in=[MEMBER_EMAIL, STAFF_EMAIL]
        )
    }
    OrganizationMember.objects.bulk_create(
        [
            OrganizationMember(
                organization=organization,
                user=by_email[f"bench{organization.pk}.{n}@example.pe"],
                role=OrganizationMember.Role.ADMIN if n == 0 else OrganizationMember.Role.MEMBER,
            )
            for organization in created
            for n in range(2)
        ],
        batch_size=1000,
    )

    active = [o for o in created if o.membership_status == Organization.MembershipStatus.ACTIVE]
    bodies = list(GoverningBody.objects.filter(kind=GoverningBody.Kind.WORKING_GROUP))
    today = timezone.localdate()
    Seat.objects.bulk_create(
        [
            Seat(
                body=body,
                person=by_email[f"bench{organization.pk}.0@example.pe"],
                organization=organization,
                role=Seat.Role.MEMBER,
                started_on=today - datetime.timedelta(days=200),
            )
            for body in bodies
            for organization in rng.sample(active, k=min(2 * factor, len(active)))
        ]
    )

    staff = User.objects.get(email=STAFF_EMAIL)
    for organization in created[::5]:
        organization_update(
            actor=staff,
            organization=organization,
            logo=SimpleUploadedFile("logo.png", logo_png()),
        )

    applicants = [o for o in created if o.membership_status != Organization.MembershipStatus.ACTIVE]
    MembershipApplication.objects.bulk_create(
        [
            MembershipApplication(
                organization=organization,
                applicant=by_email[f"bench{organization.pk}.0@example.pe"],
                status=MembershipApplication.Status.SUBMITTED,
                submitted_at=timezone.now() - datetime.timedelta(days=rng.randint(1, 60)),
            )
            for organization in applicants
        ]
    )

    member = User.objects.get(email=MEMBER_EMAIL)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=member,
                event="bench.event",
                category="membership",
                title=f"Aviso {n}",
                body="Texto del aviso.",
                read_at=timezone.now() if n % 3 else None,
            )
            for n in range(20 * factor)
        ]
    )
    stdout.write(
        f"  scaled x{factor}: {Organization.objects.count()} organizations, "
        f"{User.objects.count()} people, {Seat.objects.count()} seats\n"
    )


#: Functions ``(factor, stdout=...)`` that grow the demo data ``factor`` times (after the
#: bench users exist). A feature with its own list pages adds one.
def _scale_challenges(factor: int, *, stdout: io.TextIOBase | Any) -> None:
    """Copies of the demo's challenges (``factor - 1`` times) for the triage queue and the
    lists, and 200 times ``factor`` draft proposals in the first open call (2,000 at 10x: the
    issue's target for a call's staff list), led by the scaled organizations, plus one the
    bench member's organization leads (its "My proposals" and the proposals API)."""
    from challenges.models import Call, Challenge, Proposal
    from challenges.workflows import ACCEPTS_PROPOSALS, CALL
    from members.models import Organization, OrganizationMember, User

    if factor <= 1:
        return
    templates = list(Challenge.objects.filter(merged_into__isnull=True).order_by("pk"))
    copies = []
    for copy in range(1, factor):
        for template in templates:
            copies.append(
                Challenge(
                    organization_id=template.organization_id,
                    survey_round_id=template.survey_round_id,
                    status=template.status,
                    title=f"{template.title} ({copy})",
                    problem=template.problem,
                    operational_area=template.operational_area,
                    region=template.region,
                    desired_outcome=template.desired_outcome,
                    confidentiality=template.confidentiality,
                    public_title=template.public_title,
                    public_summary=template.public_summary,
                    submitted_at=template.submitted_at,
                    queued_at=template.queued_at,
                )
            )
    Challenge.objects.bulk_create(copies, batch_size=500)
    call = (
        Call.objects.filter(status__in=CALL.values_tagged(ACCEPTS_PROPOSALS)).order_by("pk").first()
    )
    if call is None:
        return
    leads = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    member = User.objects.filter(email=MEMBER_EMAIL).first()
    own = (
        OrganizationMember.objects.filter(user=member).values_list("organization_id", flat=True)
        if member
        else []
    )
    proposals = [
        Proposal(
            call=call,
            lead_organization_id=leads[n % len(leads)],
            title=f"Propuesta de escala {n}",
            summary="Propuesta generada para medir la lista del personal.",
        )
        for n in range(200 * factor)
    ]
    proposals += [
        Proposal(call=call, lead_organization_id=org_id, title="Propuesta del miembro de prueba")
        for org_id in own
    ]
    Proposal.objects.bulk_create(proposals, batch_size=500)
    stdout.write(f"  challenges: +{len(copies)} challenges, +{len(proposals)} proposals\n")


def _scale_evaluation(factor: int, *, stdout: io.TextIOBase | Any) -> None:
    """In the call in evaluation with most assignments: 40 times ``factor - 1`` more submitted
    proposals (led by the scaled organizations), 8 times ``factor - 1`` more evaluators, three
    assignments per new proposal (round robin), two more for the bench evaluator per step, so
    that the assignment page, the evaluator pool and "My evaluations" grow."""
    from django.db.models import Count

    from challenges.models import Assignment, Call, Evaluator, Proposal
    from challenges.workflows import CALL, EVALUATION_STAGE
    from members.models import Organization, User

    if factor <= 1:
        return
    call = (
        Call.objects.filter(
            status__in=CALL.values_tagged(EVALUATION_STAGE),
            proposals__status=Proposal.Status.SUBMITTED,
        )
        .annotate(n=Count("assignments", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    if call is None:
        return
    now = timezone.now()
    leads = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    proposals = Proposal.objects.bulk_create(
        Proposal(
            call=call,
            lead_organization_id=leads[n % len(leads)],
            status=Proposal.Status.SUBMITTED,
            submitted_at=now,
            title=f"Propuesta evaluada de escala {n}",
            summary="Propuesta generada para medir la evaluación.",
        )
        for n in range(40 * (factor - 1))
    )
    users = User.objects.bulk_create(
        User(email=f"bench.pool{n}@evaluadores{n}.pe", full_name=f"Evaluadora de escala {n}")
        for n in range(8 * (factor - 1))
    )
    pool = Evaluator.objects.bulk_create(Evaluator(user=user) for user in users)
    bench_evaluator = Evaluator.objects.filter(user__email=EVALUATOR_EMAIL).first()
    due = now + datetime.timedelta(days=7)
    assignments = [
        Assignment(
            call=call,
            proposal=proposal,
            evaluator=pool[(3 * n + k) % len(pool)],
            status=Assignment.Status.PENDING,
            due_at=due,
        )
        for n, proposal in enumerate(proposals)
        for k in range(3)
    ]
    if bench_evaluator is not None:
        assignments += [
            Assignment(
                call=call,
                proposal=proposal,
                evaluator=bench_evaluator,
                status=Assignment.Status.ACCEPTED,
                due_at=due,
            )
            for proposal in proposals[: 2 * (factor - 1)]
        ]
    Assignment.objects.bulk_create(assignments, batch_size=500)
    stdout.write(
        f"  evaluation: +{len(proposals)} submitted proposals, +{len(pool)} evaluators, "
        f"+{len(assignments)} assignments\n"
    )


def _scale_portfolio(factor: int, *, stdout: io.TextIOBase | Any) -> None:
    """200 times ``factor`` projects (2,000 at 10x: the issue's target), three in four public
    and half of those with public amounts, each with a supplier lead and a sponsor, a commodity
    and a service area, two milestones (one accepted) and two verified impact entries (jobs and
    a contract; one in ten also a confirmed sale waiting for verification), so that the
    showcase, its totals, the slides, the staff portfolio list and its verification queue
    grow."""
    from decimal import Decimal

    from challenges.models import ImpactEntry, Milestone, Project, ProjectOrganization
    from members.models import Capability, Organization

    if factor <= 1:
        return
    today = timezone.localdate()
    organizations = list(Organization.objects.order_by("pk").values_list("pk", "kind"))
    sponsors = [pk for pk, kind in organizations if kind == Organization.Kind.MINING_COMPANY]
    suppliers = [pk for pk, kind in organizations if kind != Organization.Kind.MINING_COMPANY]
    if not sponsors or not suppliers:
        return
    commodities = list(
        Capability.objects.filter(dimension=Capability.Dimension.COMMODITY).values_list(
            "pk", flat=True
        )
    )
    areas = list(
        Capability.objects.filter(dimension=Capability.Dimension.SERVICE_AREA).values_list(
            "pk", flat=True
        )
    )
    statuses = [value for value, _label in Project.Status.choices]
    regions = ["arequipa", "moquegua", "tacna", "cusco", "apurimac", "puno"]
    projects = Project.objects.bulk_create(
        (
            Project(
                code=f"CMSP-PRY-B{n:05d}",
                title=f"Proyecto de escala {n}: piloto de monitoreo en línea",
                summary="Proyecto generado para medir la vitrina pública.",
                status=statuses[n % len(statuses)],
                starts_on=today - datetime.timedelta(days=n % 400),
                trl_start=3 + n % 3,
                trl_now=4 + n % 3,
                trl_target=7,
                region=regions[n % len(regions)],
                site="Sitio confidencial de escala",
                is_public=n % 4 != 0,
                public_amounts=n % 2 == 0,
            )
            for n in range(200 * factor)
        ),
        batch_size=500,
    )
    ProjectOrganization.objects.bulk_create(
        (
            link
            for n, project in enumerate(projects)
            for link in (
                ProjectOrganization(
                    project=project,
                    organization_id=suppliers[n % len(suppliers)],
                    role=ProjectOrganization.Role.LEAD,
                ),
                ProjectOrganization(
                    project=project,
                    organization_id=sponsors[n % len(sponsors)],
                    role=ProjectOrganization.Role.SPONSOR,
                ),
            )
        ),
        batch_size=500,
    )
    if commodities:
        Project.commodities.through.objects.bulk_create(
            (
                Project.commodities.through(
                    project_id=project.pk, capability_id=commodities[n % len(commodities)]
                )
                for n, project in enumerate(projects)
            ),
            batch_size=500,
        )
    if areas:
        Project.service_areas.through.objects.bulk_create(
            (
                Project.service_areas.through(
                    project_id=project.pk, capability_id=areas[n % len(areas)]
                )
                for n, project in enumerate(projects)
            ),
            batch_size=500,
        )
    Milestone.objects.bulk_create(
        (
            Milestone(
                project=project,
                title=title,
                due_on=today + datetime.timedelta(days=days),
                weight=weight,
                status=status,
            )
            for project in projects
            for title, days, weight, status in (
                ("Instalación", -30, 2, Milestone.Status.ACCEPTED),
                ("Operación piloto", 60, 3, Milestone.Status.PENDING),
            )
        ),
        batch_size=500,
    )
    ImpactEntry.objects.bulk_create(
        (
            entry
            for n, project in enumerate(projects)
            for entry in (
                ImpactEntry(
                    project=project,
                    kind=ImpactEntry.Kind.JOBS,
                    description="Puestos de trabajo del piloto.",
                    occurred_on=today,
                    count=1 + n % 5,
                    status=ImpactEntry.Status.VERIFIED,
                ),
                ImpactEntry(
                    project=project,
                    kind=ImpactEntry.Kind.CONTRACT,
                    description="Orden de compra tras el piloto.",
                    occurred_on=today,
                    amount=Decimal(10_000 + n),
                    amount_currency="PEN" if n % 3 else "USD",
                    status=ImpactEntry.Status.VERIFIED,
                ),
                # One in ten waits for the secretariat (the verification queue's rows).
                *(
                    [
                        ImpactEntry(
                            project=project,
                            kind=ImpactEntry.Kind.SALES,
                            description="Ventas confirmadas por el patrocinador.",
                            occurred_on=today,
                            amount=Decimal(5_000 + n),
                            amount_currency="PEN",
                            status=ImpactEntry.Status.CONFIRMED,
                            confirmed_at=timezone.now(),
                        )
                    ]
                    if n % 10 == 0
                    else []
                ),
            )
        ),
        batch_size=500,
    )
    stdout.write(f"  portfolio: +{len(projects)} projects\n")


def _scale_missions(factor: int, *, stdout: io.TextIOBase | Any) -> None:
    """Missions (issue 12): ``max(demo missions, 3) * (factor - 1)`` more missions in every
    state, eight applications each (the bench member's organization in all of them, so "Our
    missions" grows), two delegates per application; plus a confirmed mission with ``10 *
    factor`` applications (accepted ones with their readiness checklist: the busiest applications
    table and readiness board) and a completed one with ``5 * factor`` accepted applications
    whose delegates recorded outcomes. At 1x it only runs when the demo has no missions."""
    from collections import defaultdict
    from decimal import Decimal

    from djmoney.money import Money

    from members.models import OrganizationMember, User
    from missions.models import Application, Delegate, Mission, Outcome, ReadinessItem

    existing = Mission.objects.count()
    if factor <= 1 and existing:
        return
    members: dict[int, list[int]] = defaultdict(list)
    for organization_id, user_id in OrganizationMember.objects.order_by(
        "organization_id", "pk"
    ).values_list("organization_id", "user_id"):
        members[organization_id].append(user_id)
    organizations = sorted(members)
    if not organizations:
        return
    bench_member = User.objects.filter(email=MEMBER_EMAIL).first()
    own = (
        OrganizationMember.objects.filter(user=bench_member)
        .values_list("organization_id", flat=True)
        .first()
    )
    if own in organizations:
        organizations.remove(own)
        organizations.insert(0, own)
    now = timezone.now()
    today = timezone.localdate()
    S = Application.Status
    M = Mission.Status
    cycle = [M.OPEN, M.SELECTING, M.CONFIRMED, M.COMPLETED]
    plans: list[tuple[str, int]] = [
        (cycle[n % len(cycle)], 8)
        for n in range(max(existing, 3) * (factor - 1) if factor > 1 else 3)
    ]
    plans += [(M.CONFIRMED, 10 * factor), (M.COMPLETED, 5 * factor)]
    first = Mission.objects.count()
    missions = Mission.objects.bulk_create(
        Mission(
            code=f"CMSP-MIS-B{first + n:05d}",
            slug=f"mision-de-escala-{first + n}",
            title=f"Misión de escala {first + n} a Australia y Chile",
            summary="Misión generada para medir las páginas de misiones.",
            country="AU" if n % 2 else "CL",
            cities="Perth, Brisbane" if n % 2 else "Antofagasta, Santiago",
            time_zone="Australia/Perth" if n % 2 else "America/Santiago",
            starts_on=today + datetime.timedelta(days=-60 if status == M.COMPLETED else 60),
            ends_on=today + datetime.timedelta(days=-52 if status == M.COMPLETED else 68),
            applications_open_at=now - datetime.timedelta(days=120),
            applications_close_at=now + datetime.timedelta(days=20 if status == M.OPEN else -90),
            capacity_organizations=max(6, size),
            capacity_delegates=max(10, 2 * size),
            max_delegates_per_organization=2,
            cost_per_delegate=Money(Decimal("21500.00"), "PEN"),
            co_funding_per_delegate=Money(Decimal("10000.00"), "PEN"),
            status=status,
            published_at=now - datetime.timedelta(days=120),
        )
        for n, (status, size) in enumerate(plans)
    )
    applications: list[Application] = []
    for n, (mission, (status, size)) in enumerate(zip(missions, plans, strict=True)):
        chosen = [organizations[0]] + [
            organizations[1 + (n * 8 + k) % max(len(organizations) - 1, 1)] for k in range(size - 1)
        ]
        for position, organization_id in enumerate(dict.fromkeys(chosen)):
            if status in (M.OPEN, M.SELECTING):
                state = S.SUBMITTED
            elif status == M.COMPLETED or position < max(3, size * 2 // 3):
                state = S.ACCEPTED
            elif position % 3 == 0:
                state = S.OFFERED
            elif position % 3 == 1:
                state = S.WAITLISTED
            else:
                state = S.NOT_SELECTED
            applications.append(
                Application(
                    mission=mission,
                    organization_id=organization_id,
                    status=state,
                    motivation="Queremos conocer proveedores y centros de I+D del destino.",
                    score=None if status == M.OPEN else Decimal(90 - position % 50),
                    waitlist_position=position if state == S.WAITLISTED else None,
                    granted_delegates=2 if state in (S.ACCEPTED, S.OFFERED) else None,
                    offered_at=now if state == S.OFFERED else None,
                    hold_until=now + datetime.timedelta(hours=48) if state == S.OFFERED else None,
                )
            )
    Application.objects.bulk_create(applications, batch_size=500)
    delegates: list[Delegate] = []
    for application in applications:
        people = members[application.organization_id][:2]
        if application.organization_id == own and bench_member is not None:
            people = [bench_member.pk, *(p for p in people if p != bench_member.pk)][:2]
        delegates += [
            Delegate(
                application=application,
                mission_id=application.mission_id,
                person_id=person_id,
                position=position,
                role="Gerente" if position == 1 else "",
                confirmed_at=now if position == 1 and application.status == S.ACCEPTED else None,
            )
            for position, person_id in enumerate(people, start=1)
        ]
    Delegate.objects.bulk_create(delegates, batch_size=500, ignore_conflicts=True)
    accepted = Delegate.objects.filter(
        mission__in=missions, application__status=S.ACCEPTED
    ).values_list("pk", "mission__status")
    items: list[ReadinessItem] = []
    outcomes: list[Outcome] = []
    for n, (delegate_id, mission_status) in enumerate(accepted):
        if mission_status == M.COMPLETED:
            outcomes.append(
                Outcome(
                    delegate_id=delegate_id,
                    contacts_made=3 + n % 9,
                    agreements=n % 3,
                    follow_ups="Visita de seguimiento.",
                    business_generated=Money(Decimal(5000 + 100 * n), "USD" if n % 2 else "PEN"),
                )
            )
            continue
        for k, kind in enumerate(
            (
                ReadinessItem.Kind.PASSPORT,
                ReadinessItem.Kind.INSURANCE,
                ReadinessItem.Kind.COPAYMENT,
            )
        ):
            done = (n + k) % 3 == 0
            items.append(
                ReadinessItem(
                    delegate_id=delegate_id,
                    kind=kind,
                    due_on=today + datetime.timedelta(days=(n + k) % 40 - 5),
                    status=ReadinessItem.Status.DONE if done else ReadinessItem.Status.PENDING,
                    done_on=today if done else None,
                )
            )
    ReadinessItem.objects.bulk_create(items, batch_size=500)
    Outcome.objects.bulk_create(outcomes, batch_size=500)
    stdout.write(
        f"  missions: +{len(missions)} missions, +{len(applications)} applications, "
        f"+{len(delegates)} delegates, +{len(items)} readiness items, +{len(outcomes)} outcomes\n"
    )


#: Subjects of the scaled knowledge records (one in three about tailings, the bench's query).
_KNOWLEDGE_SUBJECTS = (
    ("Relaves filtrados y apilados en seco", "relaves", "Filtered and dry-stacked tailings"),
    ("Chancado y molienda eficientes en energía", "chancado", "Energy-efficient crushing"),
    ("Lixiviación de cobre en pilas", "lixiviación", "Copper heap leaching"),
    ("Recuperación de agua de relaves", "relaves", "Water recovery from tailings"),
    ("Alambrón y alambre de cobre", "alambrón", "Copper wire rod and wire"),
    ("Cierre de depósitos de relaves", "relaves", "Closure of tailings facilities"),
)


def _scale_knowledge(factor: int, *, stdout: io.TextIOBase | Any) -> None:
    """Knowledge base and search (issue 13): ``max(demo count, n) * (factor - 1)`` more
    articles (published public and members-only, in review, drafts, archived; topics), regulatory
    barriers in every state (one history row each, up to five endorsing member organizations,
    links to challenges and projects) and value-added opportunities (mostly published, interests
    in every role, linked studies); one record in three mentions tailings. Then the whole search
    index is rebuilt: the scalers write in bulk (no signals), so this covers every record they
    added, not only the knowledge ones. Runs last; adds nothing at 1x (the demo rebuilt the
    index)."""
    from decimal import Decimal

    from djmoney.money import Money

    from challenges.models import Challenge, Project
    from knowledge.models import (
        Article,
        BarrierEndorsement,
        BarrierStatusChange,
        OpportunityInterest,
        RegulatoryBarrier,
        Topic,
        ValueOpportunity,
        Visibility,
    )
    from knowledge.search_sources import rebuild
    from members.models import Capability, Organization

    if factor <= 1:
        return
    organizations = list(
        Organization.objects.filter(membership_status=Organization.MembershipStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not organizations:
        return
    today = timezone.localdate()
    subjects = _KNOWLEDGE_SUBJECTS
    A = Article.Status
    article_states = [A.PUBLISHED] * 6 + [A.IN_REVIEW, A.DRAFT, A.ARCHIVED]
    first = Article.objects.count()
    articles = Article.objects.bulk_create(
        Article(
            slug=f"articulo-de-escala-{first + n}",
            kind=Article.Kind.values[n % len(Article.Kind.values)],
            title=f"{subjects[n % 6][0]} en el sur del Perú, estudio {first + n}",
            summary=f"Estudio generado para medir las páginas: {subjects[n % 6][1]}.",
            body=f"## Contexto\n\nTexto sobre **{subjects[n % 6][1]}** y el agua en Moquegua.",
            language="es" if n % 5 else "en",
            author_organization_id=organizations[n % len(organizations)],
            visibility=Visibility.MEMBERS if n % 4 == 3 else Visibility.PUBLIC,
            status=(status := article_states[n % len(article_states)]),
            published_on=(
                today - datetime.timedelta(days=n % 700)
                if status in (A.PUBLISHED, A.ARCHIVED)
                else None
            ),
        )
        for n in range(max(first, 20) * (factor - 1))
    )
    topics = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
    if topics:
        Article.topics.through.objects.bulk_create(
            (
                Article.topics.through(article_id=article.pk, topic_id=topic_id)
                for n, article in enumerate(articles)
                for topic_id in dict.fromkeys(topics[(n + k) % len(topics)] for k in range(2))
            ),
            batch_size=500,
        )

    stages = list(
        Capability.objects.filter(dimension=Capability.Dimension.VALUE_CHAIN)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    statuses = RegulatoryBarrier.Status.values
    first = RegulatoryBarrier.objects.count()
    barriers = RegulatoryBarrier.objects.bulk_create(
        RegulatoryBarrier(
            code=f"CMSP-BAR-{2090 + (first + n) // 9999}-{(first + n) % 9999 + 1:04d}",
            title=f"{subjects[n % 6][0]}: plazo excesivo del permiso {first + n}",
            description=f"El trámite sobre {subjects[n % 6][1]} tarda más que el plazo legal.",
            rule="Ley 29338, Ley de Recursos Hídricos",
            rule_article="Art. 81",
            authority=("Autoridad Nacional del Agua (ANA)", "Ministerio de Energía y Minas")[n % 2],
            manifestation="Expedientes de más de 300 días.",
            value_chain_stage_id=stages[n % len(stages)] if stages else None,
            estimated_cost=Money(Decimal(50000 + 1000 * n), "PEN") if n % 3 else None,
            estimated_delay_days=30 + n % 300,
            improvement_proposal="Silencio administrativo positivo a los 60 días.",
            status=statuses[n % len(statuses)],
            case_number=f"{n:06d}-2026/CEB-INDECOPI" if n % 4 == 0 else "",
            visibility=Visibility.MEMBERS if n % 4 == 3 else Visibility.PUBLIC,
        )
        for n in range(max(first, 12) * (factor - 1))
    )
    BarrierStatusChange.objects.bulk_create(
        (
            BarrierStatusChange(barrier=barrier, from_status="", to_status=barrier.status)
            for barrier in barriers
        ),
        batch_size=500,
    )
    BarrierEndorsement.objects.bulk_create(
        (
            BarrierEndorsement(
                barrier=barrier,
                organization_id=organization_id,
                statement="Lo respaldamos: nos afecta cada año." if k == 0 else "",
            )
            for n, barrier in enumerate(barriers)
            for k, organization_id in enumerate(
                dict.fromkeys(organizations[(n * 3 + k) % len(organizations)] for k in range(n % 6))
            )
        ),
        batch_size=500,
        ignore_conflicts=True,
    )
    challenges = list(Challenge.objects.order_by("pk").values_list("pk", flat=True)[:200])
    projects = list(Project.objects.order_by("pk").values_list("pk", flat=True)[:200])
    if challenges:
        RegulatoryBarrier.challenges.through.objects.bulk_create(
            (
                RegulatoryBarrier.challenges.through(
                    regulatorybarrier_id=barrier.pk, challenge_id=challenges[n % len(challenges)]
                )
                for n, barrier in enumerate(barriers)
                if n % 2 == 0
            ),
            batch_size=500,
            ignore_conflicts=True,
        )
    if projects:
        RegulatoryBarrier.projects.through.objects.bulk_create(
            (
                RegulatoryBarrier.projects.through(
                    regulatorybarrier_id=barrier.pk, project_id=projects[n % len(projects)]
                )
                for n, barrier in enumerate(barriers)
                if n % 3 == 0
            ),
            batch_size=500,
            ignore_conflicts=True,
        )

    stages_of = ValueOpportunity.Stage.values
    first = ValueOpportunity.objects.count()
    opportunities = ValueOpportunity.objects.bulk_create(
        ValueOpportunity(
            slug=f"oportunidad-de-escala-{first + n}",
            product=f"{subjects[n % 6][0]}, producto {first + n}",
            product_en=f"{subjects[n % 6][2]}, product {first + n}",
            hs_code="7408.11.00.00",
            stage=stages_of[n % len(stages_of)],
            summary=f"Del cátodo al producto: {subjects[n % 6][1]}.",
            market_notes="Importaciones crecientes de los fabricantes de cables.",
            import_value=Money(Decimal(1_000_000 + 10_000 * n), "USD"),
            import_year=2025,
            local_capability="Dos fundiciones en Ilo y Arequipa.",
            economic_rating=1 + n % 5,
            economic_justification="Demanda local de cables.",
            financial_rating=1 + (n + 1) % 5,
            financial_justification="Inversión de colada continua.",
            environmental_rating=1 + (n + 2) % 5,
            environmental_justification="Consumo de energía moderado.",
            visibility=Visibility.MEMBERS if n % 4 == 3 else Visibility.PUBLIC,
            status=(
                ValueOpportunity.Status.DRAFT if n % 5 == 4 else ValueOpportunity.Status.PUBLISHED
            ),
        )
        for n in range(max(first, 8) * (factor - 1))
    )
    roles = OpportunityInterest.Role.values
    OpportunityInterest.objects.bulk_create(
        (
            OpportunityInterest(
                opportunity=opportunity,
                organization_id=organizations[(n * 5 + k) % len(organizations)],
                role=roles[k % len(roles)],
                note="Podemos aportar la colada continua." if k % 2 else "",
            )
            for n, opportunity in enumerate(opportunities)
            for k in range(n % 7)
        ),
        batch_size=500,
        ignore_conflicts=True,
    )
    studies = [a.pk for a in articles if a.status == A.PUBLISHED][:100]
    if studies:
        ValueOpportunity.studies.through.objects.bulk_create(
            (
                ValueOpportunity.studies.through(
                    valueopportunity_id=opportunity.pk, article_id=studies[(n + k) % len(studies)]
                )
                for n, opportunity in enumerate(opportunities)
                for k in range(n % 3)
            ),
            batch_size=500,
            ignore_conflicts=True,
        )
    stdout.write(
        f"  knowledge: +{len(articles)} articles, +{len(barriers)} barriers, "
        f"+{len(opportunities)} opportunities\n"
    )
    counts = rebuild()
    stdout.write(
        "  search index rebuilt: "
        + ", ".join(f"{kind} {count.records}" for kind, count in counts.items())
        + "\n"
    )


def _scale_webhooks(factor: int, *, stdout: io.TextIOBase | Any) -> None:
    """At 10x, 60 x factor more deliveries (each with two attempts) on the demo partner's first
    endpoint, so its delivery log pages through many rows."""
    from notifications.models import WebhookAttempt, WebhookDelivery, WebhookMessage
    from notifications.services.webhooks import message_payload
    from notifications.webhooks.signing import new_message_id

    endpoint = _bench_endpoint() or _first_endpoint()
    if factor <= 1 or endpoint is None:
        return
    now = timezone.now()
    messages = WebhookMessage.objects.bulk_create(
        [
            WebhookMessage(
                msg_id=new_message_id(),
                event_type="call.published",
                payload=message_payload(event_type="call.published", data={"id": n}),
                created_at=now - datetime.timedelta(minutes=n),
            )
            for n in range(60 * factor)
        ]
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                message=message,
                status="done",
                attempts=2,
                last_outcome="delivered",
                last_status_code=200,
                delivered_at=message.created_at,
                created_at=message.created_at,
            )
            for message in messages
        ]
    )
    WebhookAttempt.objects.bulk_create(
        [
            WebhookAttempt(
                delivery=delivery,
                attempted_at=delivery.created_at,
                outcome=outcome,
                status_code=code,
                duration_ms=120,
            )
            for delivery in deliveries
            for outcome, code in (("transient", 500), ("delivered", 200))
        ]
    )
    stdout.write(f"  webhooks: +{len(deliveries)} deliveries\n")


def _first_endpoint() -> Any:
    from notifications.models import WebhookEndpoint

    return WebhookEndpoint.objects.order_by("pk").first()


SCALERS: list[Callable[..., None]] = [
    _scale_members,
    _scale_challenges,
    _scale_evaluation,
    _scale_portfolio,
    _scale_missions,
    _scale_knowledge,
    _scale_webhooks,
]
