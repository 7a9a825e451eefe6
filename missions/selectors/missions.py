"""Reads of missions: the coordinators' lists and pages, and the public pages and the API.

Each section belongs to one part of the feature; querysets come with their related rows
loaded, so lists run a constant number of queries.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from babel import Locale
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cluster_portal.core.bilingual import localized, localized_lang
from cluster_portal.core.peru import Region
from cluster_portal.core.predicates import Verdict
from cluster_portal.core.queues import ALL_TAB, Queue, QueuePage
from members.models import Organization
from members.viewer import viewer_for
from missions import permissions
from missions import permissions as mission_permissions
from missions.groups import Group
from missions.models import AgendaItem, Application, Delegate, Mission
from missions.permissions import ACCEPTS_APPLICATIONS_TAG, PUBLISHED_TAG
from missions.workflows import APPLICATION, MISSION

# --- Coordinators (staff pages) --------------------------------------------------------------

#: Codes babel names that are not countries (regions, unions, "unknown", pseudo-locales).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})
#: Where the cluster's missions usually go, offered first in the country select.
FREQUENT_DESTINATIONS = ("AU", "CL", "CA")


def _babel_locale(language: str | None = None) -> Locale:
    code = (language or translation.get_language() or "es").split("-")[0]
    try:
        return Locale.parse(code)
    except (ValueError, LookupError):
        return Locale.parse("es")


@functools.cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes babel (CLDR) knows as countries or territories."""
    codes = (str(code) for code in Locale.parse("en").territories if isinstance(code, str))
    return frozenset(
        code
        for code in codes
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
    )


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in ``language`` (default: the active one), e.g. "Australia"."""
    return str(_babel_locale(language).territories.get(code, code))


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def country_choices(language: str | None = None) -> list[tuple[str, Any]]:
    """Choices for a country select in the reader's language: the usual destinations first
    (an optgroup), then every country by name."""
    locale = _babel_locale(language)
    names = {code: str(locale.territories.get(code, code)) for code in country_codes()}
    frequent = [(code, names[code]) for code in FREQUENT_DESTINATIONS]
    others = sorted(
        ((code, name) for code, name in names.items() if code not in FREQUENT_DESTINATIONS),
        key=lambda pair: _sort_key(pair[1]),
    )
    return [
        (translation.gettext("Frequent destinations"), frequent),
        (translation.gettext("Every country"), others),
    ]


def _count_of(queryset: QuerySet[Any]) -> Coalesce:
    """A per-mission count as a correlated subquery (no join, no DISTINCT, one query)."""
    return Coalesce(
        Subquery(
            queryset.filter(mission=OuterRef("pk"))
            .order_by()
            .values("mission")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def with_staff_counts(queryset: QuerySet[Mission]) -> QuerySet[Mission]:
    """Missions annotated with ``application_count`` (every application, withdrawn ones
    included), ``places_taken`` (applications holding a place: offered or accepted) and
    ``delegate_count`` (delegates of those applications who are in the delegation)."""
    holding = APPLICATION.values_tagged(mission_permissions.HOLDS_PLACE_TAG)
    return queryset.annotate(
        application_count=_count_of(Application.objects.all()),
        places_taken=_count_of(Application.objects.filter(status__in=holding)),
        delegate_count=_count_of(
            Delegate.objects.filter(included=True, application__status__in=holding)
        ),
    )


MISSION_QUEUE = Queue.for_workflow(
    MISSION,
    default=ALL_TAB,
    all_first=True,
    ordering=("-starts_on", "-pk"),
    search=lambda q: (
        Q(title__icontains=q)
        | Q(title_en__icontains=q)
        | Q(code__icontains=q)
        | Q(cities__icontains=q)
    ),
)


def _require_staff_reader(user: Any) -> None:
    if not mission_permissions.can_read_missions_staff(user):
        raise PermissionDenied


def mission_staff_queue(*, user: Any, params: Mapping[str, Any]) -> QueuePage:
    """The coordinators' list: a tab per state with counts, search, 25 a page, each row with
    :func:`with_staff_counts` (a constant number of queries whatever the rows).
    ``PermissionDenied`` unless the person reads the staff mission pages."""
    _require_staff_reader(user)
    rows = with_staff_counts(Mission.objects.all())
    return MISSION_QUEUE.page(rows, params, count_queryset=Mission.objects.all())


def mission_get_for_staff(*, user: Any, mission_id: int) -> Mission:
    """A mission for the staff pages, with its criteria, quotas and counts loaded
    (``PermissionDenied`` unless a staff reader; ``Http404`` when it does not exist)."""
    _require_staff_reader(user)
    mission = (
        with_staff_counts(Mission.objects.select_related("created_by"))
        .prefetch_related("criteria", "quotas")
        .filter(pk=mission_id)
        .first()
    )
    if mission is None:
        raise Http404
    return mission


def application_counts_by_status(*, mission: Mission) -> list[tuple[Any, str, int]]:
    """``(state, badge, count)`` of the mission's applications for every application state
    that has any, in the lifecycle table's order (one query)."""
    counts = dict(
        Application.objects.filter(mission=mission)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [
        (state.label, state.badge, counts[state.value])
        for state in APPLICATION.states
        if counts.get(state.value)
    ]


# --- Public pages and the API ----------------------------------------------------------------
# The public list and page of a mission (missions.views.missions) and ``GET /api/v1/missions/``
# (missions.api.views.missions). Drafts never appear here; the page of a draft is for staff
# readers only (``permissions.can_view_mission``).


def countries_by_name(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, name in the reader's language) of ``codes``, sorted by name."""
    pairs = [(code, country_name(code)) for code in codes]
    return sorted(pairs, key=lambda pair: _sort_key(pair[1]))


def _published() -> QuerySet[Mission]:
    return Mission.objects.filter(
        status__in=MISSION.values_tagged(PUBLISHED_TAG), published_at__isnull=False
    )


def published_country_codes() -> list[str]:
    """The destinations of published missions (the public list's country choices)."""
    return list(_published().order_by().values_list("country", flat=True).distinct())


#: The three parts of the public list, in its order.
LIST_OPEN, LIST_UPCOMING, LIST_PAST = 0, 1, 2


def published_missions() -> QuerySet[Mission]:
    """Published missions in the public list's order: taking applications first (the window
    closing soonest first), then the others still to come (selecting, confirmed, travelling;
    departing soonest first), then the past (completed or cancelled; newest first).
    Annotated ``list_part`` (``LIST_OPEN``/``LIST_UPCOMING``/``LIST_PAST``)."""
    return (
        _published()
        .annotate(
            list_part=Case(
                When(
                    status__in=MISSION.values_tagged(ACCEPTS_APPLICATIONS_TAG),
                    then=Value(LIST_OPEN),
                ),
                When(status__in=MISSION.final_values, then=Value(LIST_PAST)),
                default=Value(LIST_UPCOMING),
                output_field=IntegerField(),
            ),
            closes_first=Case(When(list_part=LIST_OPEN, then=F("applications_close_at"))),
            departs_first=Case(When(list_part__lt=LIST_PAST, then=F("starts_on"))),
        )
        .order_by(
            "list_part",
            F("closes_first").asc(nulls_last=True),
            F("departs_first").asc(nulls_last=True),
            "-starts_on",
            "pk",
        )
    )


@dataclass(frozen=True)
class MissionCard:
    """What the public list and page show of a mission, in the reader's language."""

    mission: Mission
    title: str
    title_lang: str
    summary: str
    summary_lang: str
    objectives: str
    objectives_lang: str
    country_name: str
    cities: tuple[str, ...]
    window: Verdict

    @property
    def taking_applications(self) -> bool:
        return bool(self.window)


def mission_card(mission: Mission) -> MissionCard:
    return MissionCard(
        mission=mission,
        title=localized(mission, "title"),
        title_lang=localized_lang(mission, "title"),
        summary=localized(mission, "summary"),
        summary_lang=localized_lang(mission, "summary"),
        objectives=localized(mission, "objectives"),
        objectives_lang=localized_lang(mission, "objectives"),
        country_name=country_name(mission.country),
        cities=tuple(city.strip() for city in mission.cities.split(",") if city.strip()),
        window=permissions.window_is_open(mission),
    )


def mission_cards(missions: Iterable[Mission]) -> list[MissionCard]:
    """Cards of a page of missions (no query: every field is the mission's own)."""
    return [mission_card(mission) for mission in missions]


def public_mission_get(*, user: Any, slug: str) -> Mission:
    """The mission of the public page, with its criteria and quotas; ``Http404`` when there is
    none or the reader may not see it (a draft, unless a staff reader)."""
    mission = Mission.objects.prefetch_related("criteria", "quotas").filter(slug=slug).first()
    if mission is None or not permissions.can_view_mission(user, mission):
        raise Http404
    return mission


def eligibility_in_words(mission: Mission) -> list[str | Promise]:
    """Who may apply, as sentences (kinds and regions by their labels)."""
    kinds = [
        str(Organization.Kind(k).label)
        for k in mission.eligible_kinds
        if k in Organization.Kind.values
    ]
    regions = [str(Region(r).label) for r in mission.eligible_regions if r in Region.values]
    lines: list[str | Promise] = [_("Active member organizations of the cluster.")]
    if kinds:
        lines.append(_("Kinds of organization: %(kinds)s.") % {"kinds": ", ".join(kinds)})
    else:
        lines.append(_("Every kind of organization."))
    if regions:
        lines.append(_("From the regions: %(regions)s.") % {"regions": ", ".join(regions)})
    else:
        lines.append(_("From every region."))
    lines.append(
        ngettext(
            "Up to %(count)d delegate per organization.",
            "Up to %(count)d delegates per organization.",
            mission.max_delegates_per_organization,
        )
        % {"count": mission.max_delegates_per_organization}
    )
    return lines


def quotas_in_words(mission: Mission) -> list[str]:
    """Each quota as a sentence ("Small companies: at least 4 places"); the quotas must be
    prefetched."""
    return [
        ngettext(
            "%(group)s: at least %(count)d place.",
            "%(group)s: at least %(count)d places.",
            quota.minimum,
        )
        % {
            "group": Group(quota.group).label if quota.group in Group.values else quota.group,
            "count": quota.minimum,
        }
        for quota in mission.quotas.all()
    ]


@dataclass(frozen=True)
class CallToAction:
    """What the mission page offers the reader: to apply (``organizations``: the eligible ones
    they administer), their organizations' applications, or why they cannot apply."""

    organizations: tuple[Organization, ...] = ()
    applications: tuple[Application, ...] = ()
    reason: str | Promise = ""
    sign_in: bool = False

    @property
    def can_apply(self) -> bool:
        return bool(self.organizations)


def mission_call_to_action(*, user: Any, mission: Mission) -> CallToAction:
    """Apply, or the reason why not (sign in, not a member, not an administrator, not
    eligible, the window), and the applications the reader's organizations already made
    (one query; one more for the organizations the reader administers)."""
    viewer = viewer_for(user)
    memberships = viewer.organizations if viewer.is_authenticated else {}
    applications: tuple[Application, ...] = ()
    if memberships:
        applications = tuple(
            Application.objects.filter(mission=mission, organization_id__in=list(memberships))
            .select_related("organization")
            .order_by("pk")
        )
    window = permissions.window_is_open(mission)
    if not window:
        return CallToAction(applications=applications, reason=window.reason)
    if not viewer.is_authenticated:
        return CallToAction(
            reason=_("Sign in to apply on behalf of your organization."), sign_in=True
        )
    if not memberships:
        return CallToAction(
            reason=_("Only member organizations of the cluster can apply: join the cluster first.")
        )
    applied = {application.organization_id for application in applications}
    administered = [
        organization_id
        for organization_id, membership in memberships.items()
        if membership.role == "admin" and organization_id not in applied
    ]
    if not administered:
        if applications:
            return CallToAction(applications=applications)
        return CallToAction(reason=_("Only an administrator of the organization can apply."))
    organizations = list(Organization.objects.filter(pk__in=administered).order_by("legal_name"))
    verdicts = [
        (organization, permissions.can_apply(user, mission, organization))
        for organization in organizations
    ]
    eligible = tuple(organization for organization, verdict in verdicts if verdict)
    if eligible or applications:
        return CallToAction(organizations=eligible, applications=applications)
    return CallToAction(reason=verdicts[0][1].reason if verdicts else "")


def mission_api_queryset(*, full: bool) -> QuerySet[Mission]:
    """The missions of ``GET /api/v1/missions/``: published ones only, their agenda prefetched;
    with ``full`` (``missions:read``, staff readers) also the places held
    (:func:`with_staff_counts`: ``places_taken``, ``delegate_count``), ``waitlist_length``,
    criteria and quotas. A constant number of queries per page."""
    queryset = _published().prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.order_by("starts_at", "pk"))
    )
    if not full:
        return queryset
    return (
        with_staff_counts(queryset)
        .annotate(
            waitlist_length=_count_of(
                Application.objects.filter(status=Application.Status.WAITLISTED)
            )
        )
        .prefetch_related("criteria", "quotas")
    )


def localized_criteria(mission: Mission) -> Sequence[dict[str, Any]]:
    """The criteria (prefetched) in the reader's language, with their weights."""
    return [
        {
            "name": localized(criterion, "name"),
            "name_lang": localized_lang(criterion, "name"),
            "description": localized(criterion, "description"),
            "weight": criterion.weight,
            "max_score": criterion.max_score,
        }
        for criterion in mission.criteria.all()
    ]
