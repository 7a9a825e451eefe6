"""One JSON error shape for every API error.

::

    {"error": {"status": 403, "code": "permission_denied",
               "detail": "You do not have permission to perform this action.", "fields": {}}}

``fields`` maps field names to lists of messages for validation errors (``non_field_errors`` for
the rest) and is empty otherwise. Headers DRF sets (``WWW-Authenticate``, ``Retry-After``,
``Allow``) are kept.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("django.request")


def error_payload(
    *, status_code: int, code: str, detail: str, fields: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "status": status_code,
            "code": code,
            "detail": str(detail),
            "fields": fields or {},
        }
    }


def _plain(detail: Any) -> Any:
    """ErrorDetail trees → plain strings, lists and dicts."""
    if isinstance(detail, dict):
        return {key: _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def _validation_payload(exc: exceptions.ValidationError) -> dict[str, Any]:
    detail = exc.detail
    if isinstance(detail, dict):
        fields = _plain(detail)
    else:
        items = detail if isinstance(detail, list) else [detail]
        fields = {api_settings.NON_FIELD_ERRORS_KEY: _plain(items)}
    non_field = fields.get(api_settings.NON_FIELD_ERRORS_KEY)
    if len(fields) == 1 and isinstance(non_field, list) and len(non_field) == 1:
        message = str(non_field[0])
    else:
        message = _("Invalid input.")
    return error_payload(
        status_code=status.HTTP_400_BAD_REQUEST, code="invalid", detail=message, fields=fields
    )


def _error_code(exc: exceptions.APIException) -> str:
    detail = exc.detail
    code = getattr(detail, "code", None)
    return str(code or exc.default_code)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF ``EXCEPTION_HANDLER``: DRF's own handling, reshaped; unexpected errors become a JSON 500.

    Unexpected exceptions are logged like Django logs them and ``got_request_exception`` is sent
    (error reporting and the test client still see them). With ``DEBUG`` on they propagate to the
    technical 500 page instead.
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        if settings.DEBUG:
            return None
        request = context.get("request")
        django_request = getattr(request, "_request", request)
        logger.error(
            "Internal Server Error: %s",
            getattr(django_request, "path", ""),
            exc_info=exc,
            extra={"status_code": 500, "request": django_request},
        )
        got_request_exception.send(sender=None, request=django_request)
        return Response(
            error_payload(
                status_code=500,
                code="server_error",
                detail=_("Something went wrong on our side. Please try again later."),
            ),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_payload(exc)
        return response

    # DRF already turned Http404 / Django's PermissionDenied into APIExceptions for `response`;
    # translate them the same way to read their code and message.
    if not isinstance(exc, exceptions.APIException):
        exc = (
            exceptions.NotFound()
            if response.status_code == status.HTTP_404_NOT_FOUND
            else exceptions.PermissionDenied()
        )
    detail = exc.detail
    if isinstance(detail, dict):
        fields = _plain(detail)
        message = str(fields.pop("detail", exc.default_detail))
    elif isinstance(detail, list):
        message, fields = str(exc.default_detail), {}
    else:
        message = str(detail)
        fields = {}
    response.data = error_payload(
        status_code=response.status_code, code=_error_code(exc), detail=message, fields=fields
    )
    return response


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown URLs under /api/ answer in the API's error shape, not with the HTML 404 page."""
    return JsonResponse(
        error_payload(
            status_code=404, code="not_found", detail=str(exceptions.NotFound.default_detail)
        ),
        status=404,
    )
