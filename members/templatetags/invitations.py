"""The invitation opened in this browser, on the sign-up and login pages
(``{% load invitations %}{% invitation_banner %}``, in ``templates/allauth/layouts/entrance.html``).

Reads the session only when an invitation is carried in it, so the other entrance pages cost
no query.
"""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors.membership import INVITATION_SESSION_KEY, invitation_in_session

register = template.Library()


@register.inclusion_tag("members/partials/invitation_banner.html", takes_context=True)
def invitation_banner(context: template.Context) -> dict[str, Any]:
    """Who invites the person to which organization, and that signing up or logging in joins
    it; nothing when no usable invitation is carried in the session."""
    request = context.get("request")
    session = getattr(request, "session", None)
    if session is None or INVITATION_SESSION_KEY not in session:
        return {"invitation": None}
    invitation = invitation_in_session(session=session)
    if invitation is None or not invitation.is_usable:
        return {"invitation": None}
    return {"invitation": invitation}
