"""One JSON error shape for every API error.

::

    {"error": {"status": 403, "code": "permission_denied",
               "detail": "You do not have permission to perform this action.", "fields": {}}}

``fields`` maps field names to lists of messages for validation errors (``non_field_errors`` for
the rest) and is empty otherwise. Headers DRF sets (``WWW-Authenticate``, ``Retry-After``,
``Allow``) are kept.

Services raise Django's exceptions, not DRF's, so that views, tasks and the API share them: a
``django.core.exceptions.ValidationError`` raised under an API view is a 400 with its fields
(:func:`drf_validation_error`), a ``PermissionDenied`` a 403 that keeps the service's reason.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core import exceptions as django_exceptions
from django.core.signals import got_request_exception
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail
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


def drf_validation_error(
    error: django_exceptions.ValidationError, *, non_field_errors_on: str | None = None
) -> exceptions.ValidationError:
    """A service's Django ``ValidationError`` as DRF's, keeping its fields, messages and codes.

    Errors not tied to a field (a plain message, or ``NON_FIELD_ERRORS``) go under
    ``non_field_errors`` — or under the field ``non_field_errors_on`` when the caller knows which
    input they are about (a write view whose service refuses "this organization").
    """
    non_field_key = non_field_errors_on or api_settings.NON_FIELD_ERRORS_KEY

    def details(errors: list[django_exceptions.ValidationError]) -> list[ErrorDetail]:
        return [
            ErrorDetail(str(message), code=item.code or "invalid")
            for item in errors
            for message in item  # formatted with the error's params
        ]

    if hasattr(error, "error_dict"):
        fields: dict[str, list[ErrorDetail]] = {}
        for name, errors in error.error_dict.items():
            key = non_field_key if name == django_exceptions.NON_FIELD_ERRORS else name
            fields.setdefault(key, []).extend(details(errors))
        return exceptions.ValidationError(fields)
    return exceptions.ValidationError({non_field_key: details(error.error_list)})


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

    Django's ``ValidationError`` (400, with its fields) and ``PermissionDenied`` (403, with its
    message) from services are translated first.

    Unexpected exceptions are logged like Django logs them and ``got_request_exception`` is sent
    (error reporting and the test client still see them). With ``DEBUG`` on they propagate to the
    technical 500 page instead.
    """
    if isinstance(exc, django_exceptions.ValidationError):
        exc = drf_validation_error(exc)
    elif isinstance(exc, django_exceptions.PermissionDenied):
        # DRF's own translation drops the service's reason ("Only the secretariat ...").
        exc = exceptions.PermissionDenied(str(exc) or None)
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


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown URLs under /api/ answer in the API's error shape, not with the HTML 404 page.

    CSRF-exempt: it changes nothing, and a POST or DELETE with a session cookie to an unknown
    path must get this JSON 404, not Django's HTML CSRF page."""
    return JsonResponse(
        error_payload(
            status_code=404, code="not_found", detail=str(exceptions.NotFound.default_detail)
        ),
        status=404,
    )
