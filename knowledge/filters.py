"""The knowledge base's filters, for the HTML lists and the API (CONVENTIONS.md: one
``filters.py`` per app). Each sub-domain keeps its section."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cluster_portal.api.filters import StaticChoiceFilter, TermCodeChoiceFilter
from members.filters import IdFilter
from members.models import Organization

from .models import Article, RegulatoryBarrier, Topic, ValueOpportunity
from .workflows import BARRIER

#: Years a publication date may take in the filters.
YEAR_MIN, YEAR_MAX = 1900, 2100


def _topic_choices() -> list[tuple[str, str]]:
    return [(t.slug, t.name) for t in Topic.objects.order_by("position", "slug")]


def _article_status_choices() -> list[tuple[str, Any]]:
    from .workflows import ARTICLE

    return ARTICLE.choices()


# --- Articles --------------------------------------------------------------------------------


class ArticleFilter(django_filters.FilterSet):
    """Readable articles: kind, topic (code), author organization (id), publication year, and
    (for the API) what changed since a time."""

    kind = StaticChoiceFilter(
        choices=Article.Kind.choices, label=_("Kind"), empty_label=_("Any kind")
    )
    # Any well-formed code is accepted (an unknown one matches nothing): the schema documents
    # the format, not the editors' current topics.
    topic = TermCodeChoiceFilter(
        choices=_topic_choices,
        field_name="topics__slug",
        label=_("Topic"),
        empty_label=_("Any topic"),
        schema_description=_("Code of a topic, such as relaves."),
    )
    organization = IdFilter(
        field_name="author_organization",
        min_value=1,
        label=_("Author organization"),
        help_text=_("Id of the author organization."),
    )
    year = django_filters.NumberFilter(
        field_name="published_on",
        lookup_expr="year",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        label=_("Year published"),
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed since"),
        help_text=_("ISO 8601 date and time (without an offset: America/Lima)."),
    )

    class Meta:
        model = Article
        fields: list[str] = []


class ArticlePageFilter(ArticleFilter):
    """The public list's filters: the author organization is a list of those with articles."""

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization] | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        del self.filters["updated_since"]
        self.form.fields.pop("updated_since", None)
        field = self.form.fields["organization"]
        names = [(o.pk, o.display_name) for o in (organizations or Organization.objects.none())]
        field.widget = forms.Select(choices=[("", _("Any organization")), *names])


class StaffArticleFilter(ArticlePageFilter):
    """The editors' list: also the status and words of the title."""

    status = StaticChoiceFilter(
        choices=_article_status_choices, label=_("Status"), empty_label=_("Any status")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Title contains"), max_length=100)

    def filter_q(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        from .selectors.articles import search_staff_articles

        return search_staff_articles(queryset, value)


# --- Regulatory barriers (the API; the HTML list filters with forms.barriers.BarrierFilterForm)


def _barrier_status_choices() -> list[tuple[str, Any]]:
    return list(BARRIER.choices())


class BarrierFilter(django_filters.FilterSet):
    """``GET /api/v1/knowledge/regulatory-barriers/``: a status of the lifecycle (400 for
    another value), words of the authority, a value-chain stage's code."""

    status = StaticChoiceFilter(choices=_barrier_status_choices, label=_("Status"))
    authority = django_filters.CharFilter(
        field_name="authority",
        lookup_expr="icontains",
        label=_("Authority"),
        help_text=_("Words of the responsible authority's name, any case (ANA, MINEM…)."),
    )
    stage = TermCodeChoiceFilter(
        field_name="value_chain_stage__slug",
        choices=[],
        label=_("Value-chain stage"),
        schema_description=_("The code of a value-chain stage of the capability taxonomy."),
    )

    class Meta:
        model = RegulatoryBarrier
        fields: list[str] = []


# --- Value-added opportunities (public list and API) ---------------------------------------

#: A prefix of a tariff code: digits and dots, such as 74, 7408 or 7408.11.
HS_PREFIX_VALIDATOR = RegexValidator(
    r"^\d[\d.]{0,12}$", _("Write the start of a tariff code, such as 74 or 7408.11.")
)


def _stage_choices() -> list[tuple[str, Any]]:
    return list(ValueOpportunity.Stage.choices)


class OpportunityPageFilter(django_filters.FilterSet):
    """The public list: value-chain stage and product text (name in either language, summary
    or the start of the tariff code)."""

    stage = StaticChoiceFilter(
        choices=_stage_choices, label=_("Value-chain stage"), empty_label=_("Any stage")
    )
    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Product"),
        max_length=100,
        help_text=_("Words of the product's name or summary, or the start of its tariff code."),
    )

    class Meta:
        model = ValueOpportunity
        fields: list[str] = []

    def filter_text(
        self, queryset: QuerySet[ValueOpportunity], name: str, value: str
    ) -> QuerySet[ValueOpportunity]:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(product__icontains=value)
            | Q(product_en__icontains=value)
            | Q(summary__icontains=value)
            | Q(hs_code__startswith=value)
        )


class HsPrefixFilter(django_filters.CharFilter):
    """A tariff code prefix; the API schema documents its format (an empty value is ignored)."""

    schema_pattern = r"^(\d[\d.]{0,12})?$"


class OpportunityFilter(OpportunityPageFilter):
    """``GET /api/v1/knowledge/value-opportunities/``: the page's filters and a tariff code
    prefix."""

    hs_code = HsPrefixFilter(
        field_name="hs_code",
        lookup_expr="startswith",
        label=_("Tariff code prefix"),
        max_length=13,
        validators=[HS_PREFIX_VALIDATOR],
        help_text=_("The start of the tariff code: 74 (copper), 7408 (wire), 7408.11…"),
    )
