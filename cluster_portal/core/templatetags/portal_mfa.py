"""Template helpers of the two-factor set-up pages (``templates/mfa/``)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from django import template
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url

register = template.Library()


@register.filter
def group_chars(value: object, size: int = 4) -> str:
    """``value`` in groups of ``size`` characters separated by spaces, for reading and typing a
    long secret by hand: ``"JBSWY3DPEHPK3PXP"`` → ``"JBSW Y3DP EHPK 3PXP"``.

    Whitespace already in the value is dropped first; a size below 1 leaves the value as is.
    """
    text = "".join(str(value or "").split())
    try:
        size = int(size)
    except (TypeError, ValueError):
        return text
    if size < 1:
        return text
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


@register.simple_tag(takes_context=True)
def portal_home_url(context: template.Context) -> str:
    """Where a login would have taken the person (``LOGIN_REDIRECT_URL`` through the account
    adapter, so a carried invitation is honoured): the "Continue to the portal" link."""
    request: HttpRequest | None = context.get("request")
    if request is None or not request.user.is_authenticated:
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    return get_account_adapter(request).get_login_redirect_url(request)
