"""Test-only URLconf: the real URLs and error handlers plus a view that fails, so the 500
page is exercised through the whole middleware stack (language included)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from cluster_portal.urls import handler400, handler403, handler404, handler500
from cluster_portal.urls import urlpatterns as portal_urlpatterns

__all__ = ("handler400", "handler403", "handler404", "handler500", "urlpatterns")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("probe failure")


urlpatterns = [
    path("probe/broken/", broken),
    *portal_urlpatterns,
]
