"""Session lifetime, session bookkeeping and staff-area guards.

A signed-in request that changes nothing should cost two bookkeeping queries: loading the
session and loading the user. Everything else here is arranged around that budget.

*Inactivity timeout.* Django's ``SESSION_SAVE_EVERY_REQUEST`` slides the expiry by writing the
session on every request (an ``UPDATE`` in a savepoint: three statements, and a write lock on
SQLite) — this portal used it until it was measured. Now the session is written only when
something in it changed, and :class:`SessionInactivityMiddleware` *touches* it (stores the time of
activity, which makes Django save it with a fresh expiry) at most once every
``SESSION_TOUCH_INTERVAL_SECONDS``. The stored expiry is therefore "last touch +
``SESSION_COOKIE_AGE``", and the last touch is at most a minute older than the last request: a
session left alone is gone *at most* ``SESSION_COOKIE_AGE`` seconds after its last request, never
later (up to a minute earlier). The middleware also compares the stored activity time itself, so
a session whose row outlived it (another expiry set by other code, a shorter setting after a
deploy) is logged out with the usual message.

*Absolute timeout* (:class:`SessionAbsoluteTimeoutMiddleware`): a lifetime counted from login,
which Django lacks.

*allauth's session list* (:class:`UserSessionActivityMiddleware`) replaces allauth's
``UserSessionsMiddleware``, which rewrites the ``UserSession`` row on every request: activity is
recorded every ``USERSESSIONS_RECORD_INTERVAL_SECONDS`` or as soon as the IP address or browser
changes.

*Two-factor authentication for staff* (:class:`StaffMFARequiredMiddleware`): whether a staff
member has an authenticator app is remembered in the session (at login, when an authenticator is
added or removed, and re-checked at every touch) instead of being queried on every request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions import app_settings as usersessions_settings
from allauth.usersessions.models import UserSession
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
# Unix time (seconds) of the last touch: the last request, give or take the touch interval.
ACTIVE_AT_SESSION_KEY = "_portal_active_at"
# [user id, has an authenticator app] for staff and superusers (StaffMFARequiredMiddleware).
STAFF_TOTP_SESSION_KEY = "_portal_staff_totp"
# [session key, unix time, client fingerprint] of the last UserSession record.
USERSESSION_SEEN_SESSION_KEY = "_portal_usersession_seen"
# Request attribute: this request touched the session (so re-checks ride on that write).
SESSION_TOUCHED_ATTR = "portal_session_touched"
# Request attribute: a staff member without an authenticator app on an MFA-exempt page.
MFA_SETUP_PENDING_ATTR = "portal_mfa_setup_pending"
# Partner and browser API calls get a 401/403 from the API itself, never an HTML redirect.
API_PATH_PREFIX = "/api/"


def _now() -> int:
    return int(timezone.now().timestamp())


def record_login_time(sender: object, request: HttpRequest | None, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: stamp the session with the moment of login (and activity)."""
    if request is not None and hasattr(request, "session"):
        now = _now()
        request.session[LOGIN_AT_SESSION_KEY] = now
        request.session[ACTIVE_AT_SESSION_KEY] = now


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for HTMX requests (which would otherwise swap the target)."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _login_redirect(request: HttpRequest, next_url: str) -> HttpResponse:
    response = redirect_to_login(next_url, resolve_url(settings.LOGIN_URL))
    return _redirect(request, response["Location"])


class _SessionLifetimeMiddleware:
    """Shared ending of a session that outlived one of its timeouts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

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


class SessionAbsoluteTimeoutMiddleware(_SessionLifetimeMiddleware):
    """Log out a session older than ``SESSION_ABSOLUTE_TIMEOUT_SECONDS`` since its login.

    The login time is written by :func:`record_login_time` (connected in ``CoreConfig.ready``);
    an authenticated session without it (one that predates this middleware) is stamped on first
    sight, so its lifetime starts then.
    """

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = _now()
            login_at = request.session.get(LOGIN_AT_SESSION_KEY)
            if not isinstance(login_at, int):
                request.session[LOGIN_AT_SESSION_KEY] = now
            elif now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
                return self._expire(request)
        return self.get_response(request)


class SessionInactivityMiddleware(_SessionLifetimeMiddleware):
    """Slide the inactivity timeout with at most one session write a minute.

    The session is touched (the activity time stored, so Django saves it with a new expiry of
    ``SESSION_COOKIE_AGE``) when the stored time is ``SESSION_TOUCH_INTERVAL_SECONDS`` old or
    more; a session saved for another reason gets a fresh activity time for free. A session whose
    stored activity time is more than ``SESSION_COOKIE_AGE`` old is logged out, whatever the
    expiry of its row says. See the module docstring for why the expiry stays honest.
    """

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = _now()
        active_at = session.get(ACTIVE_AT_SESSION_KEY)
        if isinstance(active_at, int) and now - active_at > settings.SESSION_COOKIE_AGE:
            return self._expire(request)
        if (
            not isinstance(active_at, int)
            or now - active_at >= settings.SESSION_TOUCH_INTERVAL_SECONDS
        ):
            session[ACTIVE_AT_SESSION_KEY] = now
            setattr(request, SESSION_TOUCHED_ATTR, True)
        response = self.get_response(request)
        if session.modified and request.user.is_authenticated:
            # Written anyway (a message, a form step, a changed preference): record the activity.
            session[ACTIVE_AT_SESSION_KEY] = _now()
        return response


def _client_fingerprint(request: HttpRequest) -> str:
    """A short digest of what allauth records about the client (IP address and user agent)."""
    ip = get_account_adapter().get_client_ip(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    return hashlib.sha256(f"{ip}\n{user_agent}".encode()).hexdigest()[:16]


class UserSessionActivityMiddleware:
    """allauth's ``UserSessionsMiddleware``, recording activity only now and then.

    allauth's own middleware calls ``UserSession.objects.create_from_request`` on every signed-in
    request: a savepoint, two selects and a full ``UPDATE`` of the row. This one calls the same
    method (so the row, its IP address and user agent, and allauth's ``session_client_changed``
    signal stay allauth's) only when the session has no record yet under its current key, when
    the client's IP address or user agent changed, or ``USERSESSIONS_RECORD_INTERVAL_SECONDS``
    after the last record. "Last seen" on the active-sessions page is therefore at most that
    old. The time of the last record is kept in the session, whose write it shares.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            usersessions_settings.TRACK_ACTIVITY
            and request.user.is_authenticated
            and request.session.session_key
        ):
            self._record(request)
        return self.get_response(request)

    def _record(self, request: HttpRequest) -> None:
        session = request.session
        now = _now()
        client = _client_fingerprint(request)
        seen = session.get(USERSESSION_SEEN_SESSION_KEY)
        if (
            isinstance(seen, list)
            and len(seen) == 3
            and seen[0] == session.session_key
            and seen[2] == client
            and isinstance(seen[1], int)
            and 0 <= now - seen[1] < settings.USERSESSIONS_RECORD_INTERVAL_SECONDS
        ):
            return
        UserSession.objects.create_from_request(request)
        session[USERSESSION_SEEN_SESSION_KEY] = [session.session_key, now, client]


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
    """Whether ``user`` has an authenticator app (one query; see :func:`staff_has_totp`)."""
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def _store_staff_totp(request: HttpRequest, user: Any) -> bool:
    """Query whether ``user`` has an authenticator app and remember it in the session."""
    active = has_active_totp(user)
    value = [user.pk, active]
    if request.session.get(STAFF_TOTP_SESSION_KEY) != value:
        request.session[STAFF_TOTP_SESSION_KEY] = value
    return active


def staff_has_totp(request: HttpRequest) -> bool:
    """Whether the signed-in person has an authenticator app, remembered in the session.

    Written at login and whenever this session adds or removes an authenticator
    (:func:`refresh_staff_totp`); queried again when the flag is missing or belongs to another
    user, and at every session touch (at most once a minute), so that an authenticator removed
    elsewhere (another session, the admin) is noticed within a minute. Only a stored ``True`` for
    this very user lets the request through without a query.
    """
    user = request.user
    stored = request.session.get(STAFF_TOTP_SESSION_KEY)
    if (
        isinstance(stored, list)
        and len(stored) == 2
        and stored[0] == user.pk
        and isinstance(stored[1], bool)
        and not getattr(request, SESSION_TOUCHED_ATTR, False)
    ):
        return stored[1]
    return _store_staff_totp(request, user)


def _is_staff_like(user: Any) -> bool:
    return bool(user.is_staff or user.is_superuser)


def remember_staff_totp(
    sender: object, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """``user_logged_in`` receiver: remember whether a staff member has an authenticator app."""
    if request is None or not hasattr(request, "session"):
        return
    if _is_staff_like(user):
        _store_staff_totp(request, user)
    else:
        request.session.pop(STAFF_TOTP_SESSION_KEY, None)


def refresh_staff_totp(
    sender: object, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """allauth ``authenticator_added``/``authenticator_removed`` receiver: query again."""
    if request is None or not hasattr(request, "session") or not user.is_authenticated:
        return
    if _is_staff_like(user):
        _store_staff_totp(request, user)


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
    here has passed two-factor authentication. Whether the person has an authenticator app is
    remembered in the session (:func:`staff_has_totp`).
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
        if user.is_authenticated and _is_staff_like(user) and not staff_has_totp(request):
            if not is_mfa_setup_exempt(path):
                return self._require_mfa_setup(request)
            setattr(request, MFA_SETUP_PENDING_ATTR, True)
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
            # A fragment (e.g. the unread badge refreshing itself): no redirect loop.
            return HttpResponse(status=403)
        messages.warning(request, message)
        return _redirect(request, reverse("mfa_activate_totp"))
