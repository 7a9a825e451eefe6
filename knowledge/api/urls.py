"""Knowledge-base endpoints, included in ``/api/v1/`` by ``cluster_portal/api/urls.py``:
``knowledge/articles/``, ``knowledge/regulatory-barriers/``, ``knowledge/value-opportunities/``
and ``search/``. Each sub-domain adds its routes to its own list."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []

# Articles and documents (K1): knowledge/articles/.
from .views import articles as _articles  # noqa: E402

urlpatterns += _articles.urlpatterns

# Value-added opportunities (K3): knowledge/value-opportunities/.
from .views import opportunities as _opportunities  # noqa: E402

urlpatterns += _opportunities.urlpatterns

# Regulatory barriers (K2): knowledge/regulatory-barriers/.
from .views import barriers as _barriers  # noqa: E402

urlpatterns += _barriers.urlpatterns

# Portal-wide search (S1): search/.
from django.urls import path  # noqa: E402

from .views import search as _search  # noqa: E402

urlpatterns += [path("search/", _search.SearchView.as_view(), name="search")]
