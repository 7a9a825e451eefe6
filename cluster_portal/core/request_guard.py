"""Refuse requests whose path or query string carries a NUL byte.

PostgreSQL cannot store or compare text containing ``\\x00``: a slug, id or search term with
``%00`` reaching a query raised ``ValueError`` ("A string literal cannot contain NUL") — a 500
on ``/api/v1/working-groups/%00/``, ``/members/organizations/%00/`` or ``?q=%00``. No legitimate
URL of the portal contains one, so :class:`RejectNulBytesMiddleware` answers 400 before any view
runs: in the API's JSON error shape under ``/api/``, with the portal's 400 page elsewhere. Form
and JSON bodies are covered by the ``CharField`` of Django and DRF
(``ProhibitNullCharactersValidator``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"


def has_nul_byte(request: HttpRequest) -> bool:
    """True when the path or a query parameter (name or value) contains a NUL byte."""
    if NUL in request.path_info or NUL in request.path:
        return True
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return True
    return False


class RejectNulBytesMiddleware:
    """400 for a NUL byte in the path or the query string (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul_byte(request):
            message = _("The address contains a null character.")
            if request.path_info.startswith("/api/"):
                from cluster_portal.api.exceptions import error_payload

                return JsonResponse(
                    error_payload(status_code=400, code="invalid", detail=message), status=400
                )
            raise BadRequest(message)
        return self.get_response(request)
