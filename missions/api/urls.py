"""Mission endpoints, included in ``/api/v1/`` by ``cluster_portal/api/urls.py``: ``missions/``."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
