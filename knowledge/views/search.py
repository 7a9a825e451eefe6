"""The portal-wide search page: ``/search/?q=&kind=&page=`` (``search:search``).

Everyone may search; what a person finds is what they may see
(``knowledge.selectors.search``, where the permission filtering happens in SQL before ranking
and counting). The page shows the counts per kind of what the person may see, the hits of the
chosen kind (all kinds by default) with highlighted snippets, and pages of
:data:`PAGE_SIZE`. An unknown ``kind`` is ignored (all kinds); a page past the last one shows
the last page.

Queries: the viewer's organizations (and staff permissions for staff), one for the counts and
one for the page, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..models import SearchDocument
from ..search_text import SYNONYM_GROUPS
from ..selectors.search import search

PAGE_SIZE = 20
Kind = SearchDocument.Kind


@dataclass(frozen=True)
class KindTab:
    value: str
    label: str
    count: int
    current: bool


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 7 else 1


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    results = search(
        user=request.user,
        q=query,
        kinds=[kind] if kind else None,
        page=_page_number(request.GET.get("page")),
        page_size=PAGE_SIZE,
    )
    tabs = [
        KindTab(value, str(label), results.counts.get(value, 0), value == kind)
        for value, label in Kind.choices
        if results.counts.get(value) or value == kind
    ]
    return render(
        request,
        "knowledge/search/search.html",
        {
            "results": results,
            "page_obj": results,
            "query": results.query,
            "kind": kind,
            "kind_label": Kind(kind).label if kind else "",
            "tabs": tabs,
            "examples": [group[0] for group in SYNONYM_GROUPS[:3]],
        },
    )
