"""Session lifetime and staff-area guards.

The *inactivity* timeout is Django's own: ``SESSION_COOKIE_AGE`` together with
``SESSION_SAVE_EVERY_REQUEST`` pushes the session's expiry forward on every request, so a session
left alone for ``SESSION_COOKIE_AGE`` seconds is gone. The middlewares here add what Django lacks:
an *absolute* lifetime counted from login, and two-factor authentication for staff areas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

# Unix time (seconds) of the login that started the session.
LOGIN_AT_SESSION_KEY = "_portal_login_at"
# Partner and browser API calls get a 401/403 from the API itself, never an HTML redirect.
API_PATH_PREFIX = "/api/"


def record_login_time(sender: object, request: HttpRequest | None, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: stamp the session with the moment of login."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = int(timezone.now().timestamp())


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for HTMX requests (which would otherwise swap the target)."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _login_redirect(request: HttpRequest, next_url: str) -> HttpResponse:
    response = redirect_to_login(next_url, resolve_url(settings.LOGIN_URL))
    return _redirect(request, response["Location"])


class SessionAbsoluteTimeoutMiddleware:
    """Log out a session older than ``SESSION_ABSOLUTE_TIMEOUT_SECONDS`` since its login.

    The login time is written by :func:`record_login_time` (connected in ``CoreConfig.ready``);
    an authenticated session without it (one that predates this middleware) is stamped on first
    sight, so its lifetime starts then.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            login_at = request.session.get(LOGIN_AT_SESSION_KEY)
            if not isinstance(login_at, int):
                request.session[LOGIN_AT_SESSION_KEY] = now
            elif now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
                return self._expire(request)
        return self.get_response(request)

    def _expire(self, request: HttpRequest) -> HttpResponse:
        next_url = request.get_full_path()
        logout(request)
        if request.path_info.startswith(API_PATH_PREFIX):
            # Carry on as an anonymous request: the API answers 401/403 by itself.
            return self.get_response(request)
        messages.warning(
            request, _("Your session has expired for security reasons. Please log in again.")
        )
        return _login_redirect(request, next_url)


def is_staff_area(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.STAFF_URL_PREFIXES)


def staff_login_next_url(request: HttpRequest) -> str:
    """Where to go after logging in from a staff URL.

    For the admin's login page that is its own ``next`` parameter (when safe) or the admin index,
    so that logging in never lands back on the admin's login form.
    """
    if request.path_info == reverse("admin:login"):
        next_url = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return next_url
        return reverse("admin:index")
    return request.get_full_path()


def has_active_totp(user: Any) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


#: What staff without two-factor authentication may still open: their account pages (where they
#: set it up, or log out), the language switch, static files and the health check.
MFA_SETUP_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz")


def is_mfa_setup_exempt(path: str) -> bool:
    return path.startswith(MFA_SETUP_EXEMPT_PREFIXES)


class StaffMFARequiredMiddleware:
    """Staff power needs two-factor authentication, everywhere.

    Under ``settings.STAFF_URL_PREFIXES`` (the admin and ``/staff/``): anonymous → login; signed
    in but not staff → 404 (the area's existence is not revealed).

    Everywhere: a staff member or superuser without an authenticator app can open nothing but the
    MFA-exempt pages until they set one up — pages redirect to the TOTP activation with a warning,
    the session API answers 403 in its JSON error shape, htmx fragments answer an empty 403.
    Permission predicates grant staff rights by ``is_staff`` alone, so this gate is what keeps an
    unprotected staff password from reaching private records, edits or downloads. Every login
    goes through allauth, which asks a user with TOTP for a code, so a staff session that passes
    here has passed two-factor authentication.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        user = request.user
        if is_staff_area(path):
            if not user.is_authenticated:
                return _login_redirect(request, staff_login_next_url(request))
            if not (user.is_active and user.is_staff):
                raise Http404
        if (
            user.is_authenticated
            and (user.is_staff or user.is_superuser)
            and not is_mfa_setup_exempt(path)
            and not has_active_totp(user)
        ):
            return self._require_mfa_setup(request)
        return self.get_response(request)

    def _require_mfa_setup(self, request: HttpRequest) -> HttpResponse:
        message = _(
            "Staff accounts require two-factor authentication. Set up an authenticator app "
            "to continue."
        )
        if request.path_info.startswith(API_PATH_PREFIX):
            from cluster_portal.api.exceptions import error_payload

            return JsonResponse(
                error_payload(status_code=403, code="mfa_required", detail=message), status=403
            )
        htmx = getattr(request, "htmx", None)
        if htmx and not htmx.boosted:
            # A fragment (e.g. the unread badge on the activation page itself): no redirect loop.
            return HttpResponse(status=403)
        messages.warning(request, message)
        return _redirect(request, reverse("mfa_activate_totp"))
