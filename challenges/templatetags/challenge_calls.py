"""Template helpers of challenge calls: the countdown ("closes in 5 days") and the link to
start a proposal (served by the proposals pages)."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import ngettext

from ..workflows import ACCEPTS_PROPOSALS, CALL, CRITERIA_EDITABLE, PUBLISHED

register = template.Library()


def _remaining(delta: datetime.timedelta) -> tuple[int, str]:
    """The remaining time in the largest whole unit: (number, "days"|"hours"|"minutes")."""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds >= 2 * 86400:
        return seconds // 86400, "days"
    if seconds >= 3600:
        return seconds // 3600, "hours"
    return max(seconds // 60, 1), "minutes"


def countdown_text(call: Any, now: datetime.datetime | None = None) -> str:
    """ "Closes in 5 days" for an open call, "Opens in 3 hours" for an announced one, else ""."""
    now = now or timezone.now()
    if CALL.has_tag(call, ACCEPTS_PROPOSALS) and call.closes_at and call.closes_at > now:
        count, unit = _remaining(call.closes_at - now)
        if unit == "days":
            return ngettext("Closes in %(count)d day", "Closes in %(count)d days", count) % {
                "count": count
            }
        if unit == "hours":
            return ngettext("Closes in %(count)d hour", "Closes in %(count)d hours", count) % {
                "count": count
            }
        return ngettext("Closes in %(count)d minute", "Closes in %(count)d minutes", count) % {
            "count": count
        }
    announced = CALL.has_tag(call, PUBLISHED) and CALL.has_tag(call, CRITERIA_EDITABLE)
    if announced and call.opens_at and call.opens_at > now:
        count, unit = _remaining(call.opens_at - now)
        if unit == "days":
            return ngettext("Opens in %(count)d day", "Opens in %(count)d days", count) % {
                "count": count
            }
        if unit == "hours":
            return ngettext("Opens in %(count)d hour", "Opens in %(count)d hours", count) % {
                "count": count
            }
        return ngettext("Opens in %(count)d minute", "Opens in %(count)d minutes", count) % {
            "count": count
        }
    return ""


@register.simple_tag
def countdown(call: Any, now: datetime.datetime | None = None) -> str:
    return countdown_text(call, now)


@register.simple_tag
def proposal_create_url(call: Any) -> str:
    """The proposals pages' "start a proposal" address for ``call``."""
    try:
        return reverse("challenges:proposal_create", kwargs={"code": call.code})
    except NoReverseMatch:
        return f"/challenges/calls/{call.code}/propose/"
