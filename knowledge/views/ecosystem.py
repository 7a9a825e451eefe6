"""The knowledge base's landing page, the ecosystem map and the relations view.

Read-only pages for everyone: what each reader sees is the selectors' decision
(``knowledge.selectors.ecosystem``), which follow the member directory's audience rule.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..selectors.ecosystem import (
    GRAPH_MAX_NEIGHBOURS,
    GRAPH_SIZE,
    ecosystem_map,
    knowledge_home,
    organization_relations,
    relation_choices,
)

#: The largest primary key the database holds; a larger number is no organization.
MAX_ID = 2**63 - 1


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledge/home.html", {"areas": knowledge_home(user=request.user)})


@require_safe
def ecosystem(request: HttpRequest) -> HttpResponse:
    """Members by capability, value-chain stage, region and kind: a chart and a table each,
    every row a link into the directory filtered by it."""
    return render(
        request,
        "knowledge/ecosystem/ecosystem.html",
        {"map": ecosystem_map(user=request.user)},
    )


@require_safe
def relations(request: HttpRequest) -> HttpResponse:
    """``?organization=<id>`` centres the view on an organization the reader may see; without
    it, a chooser. A malformed id is a 400 with the chooser and an error; an organization the
    reader may not see (or none) is a 404, the same for both."""
    choices = list(relation_choices(user=request.user))
    context: dict[str, object] = {"choices": choices, "graph_size": GRAPH_SIZE}
    raw = request.GET.get("organization", "").strip()
    if not raw:
        return render(request, "knowledge/ecosystem/relations.html", context)
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        context["error"] = _("Choose an organization from the list.")
        return render(request, "knowledge/ecosystem/relations.html", context, status=400)
    centre = next((org for org in choices if org.pk == int(raw)), None)
    if centre is None:
        raise Http404
    found = organization_relations(user=request.user, centre=centre)
    context.update(
        {
            "centre": centre,
            "relations": found,
            "drawn": found.neighbours[:GRAPH_MAX_NEIGHBOURS],
            "half": GRAPH_SIZE // 2,
        }
    )
    return render(request, "knowledge/ecosystem/relations.html", context)
