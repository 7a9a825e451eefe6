"""The staff queue pattern: status tabs with counts, a search box and pagination.

Every secretariat list (membership applications, organizations; later proposals, evaluations,
missions…) is the same page: tabs generated from the record's lifecycle table with the number
of rows in each (all counts in **one** aggregate query), a search, and 25 rows a page. A
selector declares the queue once::

    APPLICATION_QUEUE = Queue.for_workflow(
        APPLICATION,
        open_tab=True,                        # "Open": states some transition leaves
        default=OPEN_TAB,
        ordering=("-submitted_at", "-pk"),
        tab_ordering={OPEN_TAB: ("submitted_at", "pk")},   # a queue: oldest first
        search=lambda q: Q(organization__legal_name__icontains=q) | ...,
    )

and the view asks ``APPLICATION_QUEUE.page(queryset, request.GET)`` and renders
``templates/includes/queue_filter.html`` (tabs + search) and ``includes/pagination.html``
with the result's :meth:`QueuePage.context`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, OrderBy, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .workflows import Workflow

OPEN_TAB = "open"
ALL_TAB = "all"
PAGE_SIZE = 25
#: Longest search text taken into account (the rest is ignored).
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Tab:
    value: str
    label: str | Promise
    filter: Q = field(default_factory=Q)


@dataclass(frozen=True)
class TabCount:
    value: str
    label: str | Promise
    count: int
    active: bool


@dataclass(frozen=True)
class QueuePage:
    """One page of a queue, ready for the template."""

    tabs: list[TabCount]
    status: str
    query: str
    page_obj: Page

    @property
    def object_list(self) -> Any:
        return self.page_obj.object_list

    def context(self, rows_name: str) -> dict[str, Any]:
        """Template context: ``tabs``, ``status``, ``query``, ``page_obj`` and the rows under
        ``rows_name``."""
        return {
            "queue": self,
            "tabs": self.tabs,
            "status": self.status,
            "query": self.query,
            "page_obj": self.page_obj,
            rows_name: self.object_list,
        }


@dataclass(frozen=True)
class Queue:
    """Tabs (each a filter), a default tab, a search and an ordering for one kind of row."""

    tabs: Sequence[Tab]
    default: str
    search: Callable[[str], Q] | None = None
    #: Field names, or expressions (``F("submitted_at").desc(nulls_last=True)``).
    ordering: Sequence[str | OrderBy] = ("-pk",)
    tab_ordering: Mapping[str, Sequence[str]] = field(default_factory=dict)
    page_size: int = PAGE_SIZE

    @classmethod
    def for_workflow(
        cls,
        workflow: Workflow[Any],
        *,
        open_tab: bool = False,
        all_first: bool = False,
        default: str = ALL_TAB,
        search: Callable[[str], Q] | None = None,
        ordering: Sequence[str | OrderBy] = ("-pk",),
        tab_ordering: Mapping[str, Sequence[str]] | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Queue:
        """A tab per state of ``workflow`` (in table order), "All", and optionally "Open"
        (the states some transition leaves) first."""
        states = [
            Tab(str(s.value), s.label, Q(**{workflow.field: s.value})) for s in workflow.states
        ]
        all_tab = Tab(ALL_TAB, _("All"))
        tabs: list[Tab] = []
        if open_tab:
            tabs.append(
                Tab(OPEN_TAB, _("Open"), Q(**{f"{workflow.field}__in": workflow.open_values}))
            )
        tabs.extend([all_tab, *states] if all_first else [*states, all_tab])
        return cls(
            tabs=tabs,
            default=default,
            search=search,
            ordering=ordering,
            tab_ordering=tab_ordering or {},
            page_size=page_size,
        )

    def tab(self, value: str | None) -> Tab:
        """The tab called ``value``; the default one for anything unknown."""
        by_value = {t.value: t for t in self.tabs}
        return by_value.get(value or "", by_value[self.default])

    def counts(self, queryset: QuerySet[Any]) -> dict[str, int]:
        """Rows per tab, in one aggregate query."""
        return queryset.aggregate(**{t.value: Count("pk", filter=t.filter) for t in self.tabs})

    def filter(self, queryset: QuerySet[Any], *, tab: Tab, query: str) -> QuerySet[Any]:
        queryset = queryset.filter(tab.filter)
        if query and self.search is not None:
            queryset = queryset.filter(self.search(query))
        return queryset.order_by(*self.tab_ordering.get(tab.value, self.ordering))

    def page(
        self,
        queryset: QuerySet[Any],
        params: Mapping[str, Any],
        *,
        count_queryset: QuerySet[Any] | None = None,
    ) -> QueuePage:
        """The page the request's ``status``, ``q`` and ``page`` parameters ask for.

        ``queryset`` holds the rows with their joins; counts are taken on ``count_queryset``
        (default: ``queryset`` without its annotations' cost, i.e. the model's rows) so that a
        list annotated with per-row counts does not make the tab counts expensive. Unknown
        tabs fall back to the default; a bad page number gives the nearest page.
        """
        tab = self.tab(params.get("status"))
        query = str(params.get("q") or "").strip()[:MAX_QUERY_LENGTH]
        counts = self.counts(
            count_queryset if count_queryset is not None else queryset.model._default_manager.all()
        )
        rows = self.filter(queryset, tab=tab, query=query)
        page_obj = Paginator(rows, self.page_size).get_page(params.get("page"))
        return QueuePage(
            tabs=[TabCount(t.value, t.label, counts[t.value], t is tab) for t in self.tabs],
            status=tab.value,
            query=query,
            page_obj=page_obj,
        )
