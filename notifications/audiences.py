"""The registry of audiences: named, parameterised groups of people a broadcast goes to.

An audience is a function returning a QuerySet of users, registered under a dotted name by the
app that knows who those people are (``members.active_people``: the people of active member
organizations, optionally only those offering some capabilities). A broadcast stores the name
and JSON keyword arguments, never the list of people: the list is resolved in the background,
when the broadcast is expanded. Apps register their audiences in ``<app>/audiences.py``; the
notifications app imports every such module at start-up (``NotificationsConfig.ready``).

A resolver must build its QuerySet without running queries (it is also called in the request,
to check the parameters) and accept only JSON-serialisable keyword arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from members.models import User

Resolver = Callable[..., "QuerySet[User]"]

_AUDIENCES: dict[str, Resolver] = {}


class UnknownAudienceError(LookupError):
    pass


def register_audience(name: str, resolver: Resolver) -> Resolver:
    """Register ``resolver`` under ``name`` (idempotent for the same function)."""
    existing = _AUDIENCES.get(name)
    if existing is not None and existing is not resolver:
        raise ValueError(f"Audience {name!r} is already registered")
    _AUDIENCES[name] = resolver
    return resolver


def audience(name: str) -> Callable[[Resolver], Resolver]:
    """Decorator form of :func:`register_audience`."""

    def decorate(resolver: Resolver) -> Resolver:
        return register_audience(name, resolver)

    return decorate


def get_audience(name: str) -> Resolver:
    try:
        return _AUDIENCES[name]
    except KeyError:
        raise UnknownAudienceError(f"Unknown audience {name!r}") from None


def all_audiences() -> list[str]:
    return sorted(_AUDIENCES)


def resolve_audience(name: str, params: dict[str, Any]) -> QuerySet[User]:
    """The people of audience ``name`` with ``params``: active accounts, in primary-key order.

    Raises ``UnknownAudienceError`` or ``ValueError`` (wrong parameters). Runs no query.
    """
    resolver = get_audience(name)
    try:
        people = resolver(**params)
    except TypeError as exc:
        raise ValueError(f"Wrong parameters for audience {name!r}: {exc}") from None
    return people.filter(is_active=True).order_by("pk")
