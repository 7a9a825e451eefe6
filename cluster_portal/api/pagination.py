"""Page-number pagination for every list endpoint: ``?page=2&page_size=50`` (at most 100)."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}``; a page past the end is a 404."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
