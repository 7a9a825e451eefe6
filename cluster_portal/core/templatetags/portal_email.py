"""Template helpers of the portal's emails."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def greeting_name(person: Any) -> str:
    """The name an email greets ``person`` by, or ``""`` when the portal does not know it.

    Never the email address or a piece of it ("Hola, rosa.paredes:" reads like a machine): the
    templates then greet without a name.
    """
    if person is None:
        return ""
    get_full_name = getattr(person, "get_full_name", None)
    name = (get_full_name() if callable(get_full_name) else "") or ""
    name = " ".join(str(name).split())
    email = str(getattr(person, "email", "") or "")
    if not name or "@" in name or (email and name.lower() == email.lower()):
        return ""
    return name
