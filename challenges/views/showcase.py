"""The public face of the portfolio, under ``/challenges/showcase/`` (no login): the showcase
of public projects with filters and a totals strip, a project's public page, its printable
one-page summary (A4) and the demo-day presentation (one slide per project, a QR code to each
public page, made on the server with segno).

Only what each project consented to show is rendered (see :mod:`challenges.selectors.showcase`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import segno
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from ..filters import PresentationFilter, ShowcaseFilter
from ..selectors import showcase as selectors
from ..workflows import CALL, PUBLISHED

PAGE_SIZE = 12
QR_CACHE_PREFIX = "showcase:qr:v1:"
QR_CACHE_SECONDS = 30 * 24 * 3600
#: The speaker's time on a slide unless ``?minutes=`` says otherwise (1 to 60).
DEFAULT_MINUTES = 5


def public_url(project: Any) -> str:
    """The absolute address of a project's public page, on ``SITE_URL`` (never the request's
    Host header: the QR code is printed and shown on screens)."""
    path = reverse("challenges:showcase_project", args=[project.code])
    return settings.SITE_URL.rstrip("/") + path


def _make_qr_svg(url: str) -> str:
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True)
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def _qr_key(url: str) -> str:
    return QR_CACHE_PREFIX + hashlib.sha256(url.encode()).hexdigest()


def qr_svgs(urls: Iterable[str]) -> dict[str, SafeString]:
    """Each URL as an inline SVG QR code (segno; error correction M, dark on white, sized by CSS
    through its ``viewBox``; the surrounding element names it for assistive technology).

    A code never changes for a URL, and choosing its mask costs segno ~13 ms, so codes are kept
    in the cache (one round trip for all of a page's codes): 60 slides would otherwise spend
    most of their time drawing the same squares again."""
    urls = list(dict.fromkeys(urls))
    cached = cache.get_many([_qr_key(url) for url in urls])
    made = {}
    svgs = {}
    for url in urls:
        svg = cached.get(_qr_key(url))
        if svg is None:
            svg = made[_qr_key(url)] = _make_qr_svg(url)
        # segno's output is markup it generated from our own URL, nothing a person wrote.
        svgs[url] = mark_safe(svg)  # noqa: S308
    if made:
        cache.set_many(made, QR_CACHE_SECONDS)
    return svgs


def qr_svg(url: str) -> SafeString:
    return qr_svgs([url])[url]


def _call_is_public(project: Any) -> bool:
    return project.call is not None and CALL.has_tag(project.call, PUBLISHED)


@require_GET
def showcase(request: HttpRequest) -> HttpResponse:
    base = selectors.public_projects()
    filterset = ShowcaseFilter(request.GET, queryset=base)
    projects = filterset.qs if filterset.is_valid() else base.none()
    page_obj = Paginator(selectors.with_card_data(projects), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "challenges/portfolio/showcase_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "cards": selectors.showcase_cards(page_obj.object_list),
            "totals": selectors.showcase_totals(projects),
            "filtered": any(request.GET.get(name) for name in filterset.filters),
        },
    )


def _project_context(request: HttpRequest, code: str) -> dict[str, Any]:
    project = selectors.public_project_get(user=request.user, code=code)
    (card,) = selectors.showcase_cards([project])
    url = public_url(project)
    return {
        "card": card,
        "project": project,
        "funding": list(project.funding.all()) if project.public_amounts else [],
        "call_is_public": _call_is_public(project),
        "public_url": url,
        "qr": qr_svg(url) if project.is_public else "",
    }


@require_GET
def showcase_project(request: HttpRequest, code: str) -> HttpResponse:
    return render(
        request, "challenges/portfolio/showcase_detail.html", _project_context(request, code)
    )


@require_GET
def showcase_print(request: HttpRequest, code: str) -> HttpResponse:
    return render(
        request, "challenges/portfolio/showcase_print.html", _project_context(request, code)
    )


def _minutes(request: HttpRequest) -> int:
    try:
        minutes = int(request.GET.get("minutes", DEFAULT_MINUTES))
    except ValueError:
        return DEFAULT_MINUTES
    return min(max(minutes, 1), 60)


@require_GET
def showcase_present(request: HttpRequest) -> HttpResponse:
    """Demo day: every selected project as a slide of one page (works offline once loaded).
    Public projects by default; a portfolio manager may add ``?private=1`` to include projects
    not in the showcase, and narrow the selection with the showcase's filters or ``?call=``."""
    may_include_private = selectors.can_present_private(request.user)
    include_private = may_include_private and request.GET.get("private") == "1"
    base = selectors.presentation_projects(include_private=include_private)
    filterset = PresentationFilter(request.GET, queryset=base)
    projects = filterset.qs if filterset.is_valid() else base.none()
    selected = list(selectors.with_card_data(projects)[: selectors.MAX_SLIDES + 1])
    cut = len(selected) > selectors.MAX_SLIDES
    cards = selectors.showcase_cards(selected[: selectors.MAX_SLIDES])
    urls = {c.project.pk: public_url(c.project) for c in cards if c.project.is_public}
    codes = qr_svgs(urls.values())
    slides = [
        {
            "card": card,
            "public_url": urls.get(card.project.pk, ""),
            "qr": codes[urls[card.project.pk]] if card.project.pk in urls else "",
        }
        for card in cards
    ]
    return render(
        request,
        "challenges/portfolio/showcase_present.html",
        {
            "filter": filterset,
            "slides": slides,
            "cut": cut,
            "max_slides": selectors.MAX_SLIDES,
            "minutes": _minutes(request),
            "may_include_private": may_include_private,
            "include_private": include_private,
        },
    )
