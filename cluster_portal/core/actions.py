"""One way for a view to run a POST action: validate the form, call the service, report its
refusal, say what happened and redirect.

::

    return run_action(
        request,
        form=RejectForm(request.POST),
        service=lambda data: services.membership_application_reject(
            actor=request.user, application=application, reason=data["reason"]
        ),
        success=_("The application of %(organization)s has been rejected.") % {...},
        redirect_to=detail_url,
        render_invalid=lambda form: render(request, "…detail.html", context(form)),
    )

* an invalid form, or a service ``ValidationError`` about the input, is shown on the form
  (:func:`cluster_portal.core.forms.add_service_error`) by ``render_invalid``;
* a ``ValidationError`` that is not about the input (``invalid_transition``: the record moved
  meanwhile; or any error when there is no form) and a ``PermissionDenied`` from the service
  become an error message on the page the person is sent back to
  (:func:`cluster_portal.core.forms.error_text`): the page then shows the record as it is now;
* success sets the success message and redirects: a plain 302, or for an htmx request an
  ``HX-Redirect`` so the whole page is reloaded rather than swapped into a fragment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .forms import add_service_error, error_text

#: Codes of a service's ``ValidationError`` that are about the record's state, not the input.
PAGE_ERROR_CODES = frozenset({"invalid_transition"})


def _codes(error: ValidationError) -> set[str | None]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def redirect_after_post(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect, htmx-aware: an htmx request gets ``HX-Redirect`` (a full page load)."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def run_action(
    request: HttpRequest,
    *,
    service: Callable[[dict[str, Any]], Any],
    success: str | Promise | Callable[[Any], str | Promise],
    redirect_to: str,
    form: BaseForm | None = None,
    render_invalid: Callable[[BaseForm], HttpResponse] | None = None,
) -> HttpResponse:
    """Run ``service(cleaned_data)`` for a POST and answer the page (see the module docstring).

    ``success`` is the message, or a function of the service's result giving it.
    ``render_invalid`` (required with a form) renders the page again with the form's errors.
    """
    if form is not None and render_invalid is None:
        raise TypeError("run_action with a form needs render_invalid")
    if form is not None and render_invalid is not None and not form.is_valid():
        return render_invalid(form)
    data: dict[str, Any] = dict(form.cleaned_data) if form is not None else {}
    try:
        result = service(data)
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not do this."))
        return redirect_after_post(request, redirect_to)
    except ValidationError as error:
        if form is None or render_invalid is None or _codes(error) & PAGE_ERROR_CODES:
            messages.error(request, error_text(error))
            return redirect_after_post(request, redirect_to)
        add_service_error(form, error)
        return render_invalid(form)
    message = success(result) if callable(success) else success
    messages.success(request, str(message))
    return redirect_after_post(request, redirect_to)
