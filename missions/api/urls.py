"""Mission endpoints, included in ``/api/v1/`` by ``cluster_portal/api/urls.py``: ``missions/``."""

from django.urls import URLPattern, URLResolver

from .views import missions as missions_views

urlpatterns: list[URLPattern | URLResolver] = [*missions_views.urlpatterns]
