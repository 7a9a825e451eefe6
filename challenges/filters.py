"""Filters of the open-innovation funnel, for HTML pages and the API alike (one FilterSet per
list, so that both answer the same question the same way). Each sub-domain keeps its section:
surveys ``ChallengeFilter``, calls ``CallFilter``, proposals ``ProposalFilter``.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster_portal.api.filters import StaticChoiceFilter, TermCodeChoiceFilter
from cluster_portal.core.peru import Region
from members.filters import IdFilter
from members.models import Organization

from .models import Call, Challenge, Project, ProjectOrganization, Proposal

# --- Calls ------------------------------------------------------------------------------------


def _published_call_status_choices() -> list[tuple[str, Any]]:
    from .workflows import CALL, PUBLISHED

    published = set(CALL.values_tagged(PUBLISHED))
    return [(value, label) for value, label in CALL.choices() if value in published]


class CallFilter(django_filters.FilterSet):
    """Published calls: by status, open now, a kind of organization that may lead, a sponsor."""

    status = StaticChoiceFilter(
        choices=_published_call_status_choices,
        label=_("Status"),
        empty_label=_("Any status"),
    )
    # A choice, not a BooleanFilter: a value other than true/false is a 400, not ignored.
    open = StaticChoiceFilter(
        method="filter_open",
        choices=[("true", _("Taking proposals now")), ("false", _("Not taking proposals"))],
        label=_("Open now"),
        empty_label=_("Any"),
        help_text=_("true: taking proposals now; false: every other call."),
    )
    kind = StaticChoiceFilter(
        choices=Organization.Kind.choices,
        method="filter_kind",
        label=_("Open to"),
        empty_label=_("Any kind of organization"),
        help_text=_("Calls that an organization of this kind may lead."),
    )
    sponsor = IdFilter(
        field_name="sponsors",
        label=_("Sponsor"),
        min_value=1,
        help_text=_("Id of a sponsor company."),
    )

    class Meta:
        model = Call
        fields: list[str] = []

    def filter_open(self, queryset: QuerySet[Call], name: str, value: str) -> QuerySet[Call]:
        from .workflows import ACCEPTS_PROPOSALS, CALL

        if not value:
            return queryset
        open_now = Q(status__in=CALL.values_tagged(ACCEPTS_PROPOSALS), closes_at__gt=timezone.now())
        return queryset.filter(open_now) if value == "true" else queryset.exclude(open_now)

    def filter_kind(self, queryset: QuerySet[Call], name: str, value: str) -> QuerySet[Call]:
        if not value:
            return queryset
        # The list is stored as JSON text: match the quoted code (works on SQLite and PostgreSQL).
        return queryset.filter(Q(eligible_kinds=[]) | Q(eligible_kinds__icontains=f'"{value}"'))


# --- Challenges (surveys) ----------------------------------------------------------------------


def _capability_choices(dimension: str) -> Any:
    from members.models import Capability

    def choices() -> list[tuple[str, str]]:
        return [
            (c.slug, c.name)
            for c in Capability.objects.filter(dimension=dimension, is_active=True).order_by(
                "position", "slug"
            )
        ]

    return choices


class ChallengeFilter(django_filters.FilterSet):
    """Challenges (``challenges_visible_to`` rows): operational area, region, value-chain stage,
    service area. A restricted challenge shown by its public version does not reveal its
    region: the region filter matches only challenges whose original the reader sees."""

    area = StaticChoiceFilter(
        field_name="operational_area",
        choices=Challenge.OperationalArea.choices,
        label=_("Operational area"),
        empty_label=_("Any area"),
    )
    region = StaticChoiceFilter(
        choices=Region.choices,
        method="filter_region",
        label=_("Region"),
        empty_label=_("Any region"),
    )
    # Any well-formed taxonomy code is accepted (an unknown or retired one matches nothing), as
    # in the directory: the schema documents the format, not the database's current terms.
    stage = TermCodeChoiceFilter(
        choices=_capability_choices("value_chain"),
        method="filter_stage",
        label=_("Value-chain stage"),
        empty_label=_("Any stage"),
        help_text=_("Code of a value-chain stage of the capability taxonomy."),
    )
    service = TermCodeChoiceFilter(
        choices=_capability_choices("service_area"),
        method="filter_service",
        label=_("Service area"),
        empty_label=_("Any service area"),
        help_text=_("Code of a service area of the capability taxonomy."),
    )

    class Meta:
        model = Challenge
        fields: list[str] = []

    def filter_region(
        self, queryset: QuerySet[Challenge], name: str, value: str
    ) -> QuerySet[Challenge]:
        if not value:
            return queryset
        # shows_original: annotated by challenges_visible_to (mypy sees only model fields).
        return queryset.filter(region=value, shows_original=True)  # type: ignore[misc]

    def _by_capability(
        self, queryset: QuerySet[Challenge], relation: str, slug: str
    ) -> QuerySet[Challenge]:
        if not slug:
            return queryset
        through = getattr(Challenge, relation).through
        return queryset.filter(
            pk__in=through.objects.filter(capability__slug=slug).values("challenge_id")
        )

    def filter_stage(
        self, queryset: QuerySet[Challenge], name: str, value: str
    ) -> QuerySet[Challenge]:
        return self._by_capability(queryset, "value_chain_stages", value)

    def filter_service(
        self, queryset: QuerySet[Challenge], name: str, value: str
    ) -> QuerySet[Challenge]:
        return self._by_capability(queryset, "service_areas", value)


# --- Proposals --------------------------------------------------------------------------------


def _proposal_status_choices() -> list[tuple[str, Any]]:
    from .workflows import PROPOSAL

    return list(PROPOSAL.choices())


class ProposalFilter(django_filters.FilterSet):
    """A caller's proposals: by call and by status."""

    call = IdFilter(
        field_name="call_id", label=_("Call"), min_value=1, help_text=_("Id of a call.")
    )
    status = StaticChoiceFilter(
        choices=_proposal_status_choices, label=_("Status"), empty_label=_("Any status")
    )

    class Meta:
        model = Proposal
        fields: list[str] = []


# --- Showcase (public projects of the portfolio) ----------------------------------------------


def _project_status_choices() -> list[tuple[str, Any]]:
    from .workflows import PROJECT

    return list(PROJECT.choices())


def _showcase_sponsor_choices() -> list[tuple[str, str]]:
    from .selectors.showcase import showcase_sponsors

    return [(str(o.pk), o.display_name) for o in showcase_sponsors()]


TRL_CHOICES = [(str(level), str(level)) for level in range(1, 10)]


class ShowcaseFilter(django_filters.FilterSet):
    """Public projects: area, status, sponsor, region, commodity and TRL now (at least)."""

    area = TermCodeChoiceFilter(
        choices=_capability_choices("service_area"),
        method="filter_area",
        label=_("Area"),
        empty_label=_("Any area"),
        help_text=_("Code of a service area of the capability taxonomy."),
    )
    status = StaticChoiceFilter(
        choices=_project_status_choices, label=_("Status"), empty_label=_("Any status")
    )
    sponsor = django_filters.ChoiceFilter(
        choices=_showcase_sponsor_choices,
        method="filter_sponsor",
        label=_("Sponsor"),
        empty_label=_("Any sponsor"),
    )
    region = StaticChoiceFilter(
        choices=Region.choices, label=_("Region"), empty_label=_("Any region")
    )
    commodity = TermCodeChoiceFilter(
        choices=_capability_choices("commodity"),
        method="filter_commodity",
        label=_("Commodity"),
        empty_label=_("Any commodity"),
        help_text=_("Code of a commodity of the capability taxonomy."),
    )
    trl = StaticChoiceFilter(
        choices=TRL_CHOICES,
        method="filter_trl",
        label=_("TRL now, at least"),
        empty_label=_("Any TRL"),
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def _by_capability(
        self, queryset: QuerySet[Project], relation: str, slug: str
    ) -> QuerySet[Project]:
        if not slug:
            return queryset
        through = getattr(Project, relation).through
        return queryset.filter(
            pk__in=through.objects.filter(capability__slug=slug).values("project_id")
        )

    def filter_area(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return self._by_capability(queryset, "service_areas", value)

    def filter_commodity(
        self, queryset: QuerySet[Project], name: str, value: str
    ) -> QuerySet[Project]:
        return self._by_capability(queryset, "commodities", value)

    def filter_sponsor(
        self, queryset: QuerySet[Project], name: str, value: str
    ) -> QuerySet[Project]:
        if not value:
            return queryset
        sponsoring = ProjectOrganization.objects.filter(
            role=ProjectOrganization.Role.SPONSOR, organization_id=value
        ).values("project_id")
        return queryset.filter(pk__in=sponsoring)

    def filter_trl(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return queryset.filter(trl_now__gte=int(value)) if value else queryset


class PresentationFilter(ShowcaseFilter):
    """The demo-day selection: the showcase's filters and a call."""

    call = IdFilter(
        field_name="call_id", label=_("Call"), min_value=1, help_text=_("Id of a call.")
    )


# --- Projects API (the portfolio) ---------------------------------------------------------------


class ProjectFilter(ShowcaseFilter):
    """``GET /api/v1/projects/``: the showcase's filters (area, status, region, commodity, TRL
    now), a sponsor and a call by id, the risk flag, and what changed since a time."""

    sponsor = IdFilter(
        method="filter_sponsor_id",
        label=_("Sponsor"),
        min_value=1,
        help_text=_("Id of a sponsor company."),
    )
    # ``call``, not ``call_id``: the schema then documents an integer (the foreign key's type).
    call = IdFilter(field_name="call", label=_("Call"), min_value=1, help_text=_("Id of a call."))
    at_risk = StaticChoiceFilter(
        method="filter_at_risk",
        choices=[("true", _("At risk")), ("false", _("Not at risk"))],
        label=_("At risk"),
        empty_label=_("Any"),
        help_text=_(
            "true: projects with a milestone past its date and not accepted, among those the "
            "caller reads in full (the risk flag is not a public field); false: every other."
        ),
    )
    updated_since = django_filters.IsoDateTimeFilter(
        method="filter_updated_since",
        label=_("Changed since"),
        help_text=_(
            "ISO 8601 date and time (without an offset: America/Lima). Projects edited since "
            "then, or with a milestone submitted or accepted, a KPI period recorded or an impact "
            "entry verified since then."
        ),
    )

    def filter_sponsor_id(
        self, queryset: QuerySet[Project], name: str, value: int
    ) -> QuerySet[Project]:
        return self.filter_sponsor(queryset, name, str(value))

    def filter_at_risk(
        self, queryset: QuerySet[Project], name: str, value: str
    ) -> QuerySet[Project]:
        if not value:
            return queryset
        # ``at_risk`` and ``sees_whole``: annotations of selectors.portfolio.project_api_queryset.
        risky = Q(at_risk=True, sees_whole=True)
        return queryset.filter(risky) if value == "true" else queryset.exclude(risky)

    def filter_updated_since(
        self, queryset: QuerySet[Project], name: str, value: datetime.datetime
    ) -> QuerySet[Project]:
        from .models import ImpactEntry, Measurement, Milestone

        project = OuterRef("pk")
        return queryset.filter(
            Q(updated_at__gte=value)
            | Exists(
                Milestone.objects.filter(project=project).filter(
                    Q(submitted_at__gte=value) | Q(accepted_at__gte=value)
                )
            )
            | Exists(Measurement.objects.filter(indicator__project=project, recorded_at__gte=value))
            | Exists(ImpactEntry.objects.filter(project=project, verified_at__gte=value))
        )
