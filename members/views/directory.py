"""The public member directory: search, filters, pagination, HTMX partial updates."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from ..filters import OrganizationFilter
from ..permissions import Audience, directory_audience
from ..selectors.organizations import (
    DIRECTORY_PAGE_SIZE,
    organization_directory_queryset,
    organization_ids_of_user,
)


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    """Everyone sees active members' public profiles; members also see private ones.

    An HTMX request (the filter form, pagination links) gets only the results fragment; a
    normal GET (no JavaScript, a shared link, history restore) gets the whole page.
    """
    audience = directory_audience(request.user)
    queryset = organization_directory_queryset(
        audience=audience, own_ids=organization_ids_of_user(request.user), with_details=False
    )
    filterset = OrganizationFilter(request.GET or None, queryset=queryset)
    paginator = Paginator(filterset.qs, DIRECTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page_obj": page,
        "organizations": page.object_list,
        "is_member_view": audience >= Audience.MEMBER,
        # Shown on the folded filters' toggle on small screens (the search box stays visible).
        "active_filters": sum(
            1 for name in filterset.form.fields if name != "q" and request.GET.get(name)
        ),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        template = "members/directory/partials/results.html"
    else:
        template = "members/directory/organization_list.html"
    response = render(request, template, context)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
