"""Open-innovation endpoints, included in ``/api/v1/`` by ``cluster_portal/api/urls.py``:
``calls/``, ``challenges/``, ``proposals/`` and ``projects/``. Each sub-domain adds its routes to
its own list."""

from django.urls import URLPattern, URLResolver

from .views import calls as calls_views
from .views import portfolio as portfolio_views
from .views import proposals as proposals_views
from .views import surveys as surveys_views

urlpatterns: list[URLPattern | URLResolver] = [
    *surveys_views.urlpatterns,
    *calls_views.urlpatterns,
    *proposals_views.urlpatterns,
    *portfolio_views.urlpatterns,
]
