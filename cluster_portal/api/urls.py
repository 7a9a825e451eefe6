"""Everything under /api/: version 1 of the API, its OpenAPI schema and documentation.

Feature apps plug their endpoints into ``v1_urlpatterns`` with one ``include`` each, pointing at
their own ``<app>/api/urls.py`` (a ``SimpleRouter`` for read-only viewsets plus ``path`` entries
for write views); see "### API" in README.md. URL names live in the ``api`` namespace,
e.g. ``reverse("api:me")``.
"""

from django.urls import URLPattern, URLResolver, include, path, re_path

from .docs import redoc_view, schema_view, swagger_view
from .exceptions import api_not_found
from .views import MeView

app_name = "api"

v1_urlpatterns: list[URLPattern | URLResolver] = [
    path("me/", MeView.as_view(), name="me"),
    # Feature apps, one line each, e.g.:
    path("", include("challenges.api.urls")),
    path("", include("members.api.urls")),
    path("", include("missions.api.urls")),
    path("", include("knowledge.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("notifications.api.urls")),
]

urlpatterns = [
    path("v1/", include(v1_urlpatterns)),
    path("schema/", schema_view, name="schema"),
    path("docs/", swagger_view, name="docs"),
    path("redoc/", redoc_view, name="redoc"),
    # Anything else under /api/ is a JSON 404 in the API's error shape (newlines included:
    # "." would not match them, and such a path got the HTML 404 page).
    re_path(r"^[\s\S]*$", api_not_found),
]
