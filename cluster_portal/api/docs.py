"""Swagger UI and Redoc served from the vendored sidecar files, so /api/docs/ works offline.

The stock templates carry inline ``<style>`` (and Redoc a Google Fonts link); these templates
load only static files and the Swagger init script comes from the same URL (``?script``), so the
portal's Content-Security-Policy (no inline scripts) holds. Redoc builds its styles at run time,
which needs inline styles on that page only.
"""

from __future__ import annotations

from csp.decorators import csp_update
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response


class ApiSchemaView(SpectacularAPIView):
    """The OpenAPI document (YAML, or JSON with ``?format=json``); its errors are JSON like the
    rest of the API rather than rendered as an OpenAPI document."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


class ApiSwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"


class ApiRedocView(SpectacularRedocView):
    template_name = "api/redoc.html"


schema_view = ApiSchemaView.as_view()
swagger_view = ApiSwaggerView.as_view(url_name="api:schema")
redoc_view = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
    ApiRedocView.as_view(url_name="api:schema")
)
