"""The portal's allauth adapter: account emails in the portal's own voice, links on SITE_URL.

Every account email (confirmation, password reset, unknown account, account already exists, the
security notices) is rendered from ``templates/account/email/`` and ``templates/mfa/email/``,
which extend the layout of the portal's notification emails (``notifications/email/base.*``):
the cluster's name, the person greeted by name, signed by the secretariat. The context each
template gets is completed here (``recipient``, ``site_url``); links point to ``SITE_URL``
rather than to whatever Host header the request carried (no reset-link poisoning).

Other parts of the portal extend this same class (ACCOUNT_ADAPTER).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

if TYPE_CHECKING:
    from allauth.account.models import EmailConfirmation
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest, HttpResponse


def site_absolute_url(path: str) -> str:
    """``SITE_URL`` + a path of the portal."""
    return settings.SITE_URL.rstrip("/") + path


#: Authentication steps of a login that prove a secret (password, authenticator code).
LOGIN_PROOF_METHODS = frozenset({"password", "mfa"})


def logged_in_recently(request: HttpRequest) -> bool:
    """Whether the signed-in person proved a secret in this session (at login or since) less
    than ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds ago, by allauth's authentication records
    (which are the session's, for this very user, and cleared at logout)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return False
    records = get_authentication_records(request, user)
    times = [
        record["at"]
        for record in records
        if isinstance(record, dict)
        and record.get("method") in LOGIN_PROOF_METHODS
        and isinstance(record.get("at"), int | float)
    ]
    return bool(times) and 0 <= time.time() - max(times) < account_settings.REAUTHENTICATION_TIMEOUT


class PortalAccountAdapter(DefaultAccountAdapter):
    """allauth adapter of the portal (emails here; other account behaviour may join it)."""

    # --- Emails ---------------------------------------------------------------------------

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render an account email with the portal's context and send it.

        Adds ``recipient`` (the person, when there is an account for the address), ``site_url``
        and ``LANGUAGE_CODE`` (the language the person is using the portal in), and rebuilds
        allauth's sign-up and password-reset links on ``SITE_URL``.
        """
        ctx = dict(context)
        recipient = ctx.get("recipient") or ctx.get("user") or self._account_for(email)
        ctx.update(
            {
                "recipient": recipient,
                "site_url": settings.SITE_URL,
                "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
                "confirmation_days": account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
                "reset_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            }
        )
        if "signup_url" in ctx:
            ctx["signup_url"] = site_absolute_url(reverse("account_signup"))
        if "password_reset_url" in ctx and "key" not in ctx:
            # The "forgot your password?" page (the reset *key* link is built below).
            ctx["password_reset_url"] = site_absolute_url(reverse("account_reset_password"))
        super().send_mail(template_prefix, email, ctx)

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        """A security notice (password, email address or authenticator changed) to ``user``.

        The templates also get the person (to greet them) and the links to act if the change
        was not theirs.
        """
        ctx = {
            "recipient": user,
            "password_reset_url": site_absolute_url(reverse("account_reset_password")),
            "security_url": site_absolute_url(reverse("account_email")),
            **(context or {}),
        }
        super().send_notification_mail(template_prefix, user, ctx, email=email)

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The reset link on ``SITE_URL`` (never on the request's Host header)."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_absolute_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(
        self, request: HttpRequest, emailconfirmation: EmailConfirmation
    ) -> str:
        """The confirmation link on ``SITE_URL``."""
        return site_absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    # --- Reauthentication ------------------------------------------------------------------

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """A login counts as a recent authentication for ``ACCOUNT_REAUTHENTICATION_TIMEOUT``.

        allauth only counts an explicit reauthentication (its records marked
        ``reauthenticated``) as recent, so a staff member who has just typed the password, and
        whom ``StaffMFARequiredMiddleware`` sends straight to the authenticator app set-up,
        would be asked for it a second time. Here a password (or two-factor) step of this
        session's login, seconds old, is enough; once ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` has
        passed, sensitive actions ask again as usual.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = self.request
        return request is None or not logged_in_recently(request)

    # --- Invitations carried through sign-up and login (members.views.team) --------------

    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        """An address is already verified at sign-up when it is the one a usable invitation
        opened in this session was sent to: opening the emailed link proved the person reads
        that mailbox, so no second confirmation email is sent. A different address (the
        person changed it) goes through the normal verification."""
        if super().is_email_verified(request, email):
            return True
        from members.selectors.membership import invitation_in_session
        from members.services.team import InvitationError, invitation_check_link

        invitation = invitation_in_session(session=request.session)
        if invitation is None or invitation.email.lower() != (email or "").strip().lower():
            return False
        try:
            invitation_check_link(invitation=invitation)
        except InvitationError:
            return False
        return True

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Back to the open invitation when one is carried in the session (when the login page
        had no ``next``), else the default."""
        if self._carries_invitation(request):
            return reverse("members:invitation_pending")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        """Back to the open invitation when one is carried in the session, else the default."""
        if self._carries_invitation(request):
            return reverse("members:invitation_pending")
        return super().get_signup_redirect_url(request)

    def post_login(
        self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
    ) -> HttpResponse:
        """After sign-up or login (every stage, two-factor included, done): accept the
        invitation carried in the session and land in the team page, or show the invitation
        page explaining why it cannot be accepted (see
        ``members.views.team.accept_carried_invitation``)."""
        response = super().post_login(request, user, **kwargs)
        if self._carries_invitation(request):
            from members.models import User
            from members.views.team import accept_carried_invitation

            if isinstance(user, User):
                return accept_carried_invitation(request, user) or response
        return response

    def logout(self, request: HttpRequest) -> None:
        """Log out; "Log out and use the invited address" (the invitation page, for someone
        logged in with another account) keeps the open invitation for the next login."""
        from members.selectors.membership import INVITATION_SESSION_KEY

        carried = request.session.get(INVITATION_SESSION_KEY)
        keep = request.POST.get("next") == reverse("members:invitation_pending")
        super().logout(request)
        if carried and keep:
            request.session[INVITATION_SESSION_KEY] = carried

    @staticmethod
    def _carries_invitation(request: HttpRequest) -> bool:
        from members.selectors.membership import INVITATION_SESSION_KEY

        return INVITATION_SESSION_KEY in request.session

    @staticmethod
    def _account_for(email: str) -> AbstractBaseUser | None:
        return get_user_model().objects.filter(email__iexact=email, is_active=True).first()
