"""Knowledge-base endpoints, included in ``/api/v1/`` by ``cluster_portal/api/urls.py``:
``knowledge/articles/``, ``knowledge/regulatory-barriers/``, ``knowledge/value-opportunities/``
and ``search/``. Each sub-domain adds its routes to its own list."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
