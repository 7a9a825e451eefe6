"""Reads for the API's own endpoints."""

from __future__ import annotations

from typing import Any

from .auth import ApiCaller


def me_describe(*, caller: ApiCaller) -> dict[str, Any]:
    """What ``GET /api/v1/me/`` shows: the caller, the organization(s) it acts for, its scopes.

    One query for a person's memberships however many there are; none extra for a partner (the
    authentication already loaded its organization).
    """
    if caller.partner is not None:
        return {
            "kind": "partner",
            "user": None,
            "client": caller.partner,
            "organization": caller.partner.organization,
            "memberships": [],
            "scopes": sorted(caller.scopes),
        }
    user = caller.user
    memberships = (
        list(user.organization_memberships.select_related("organization").order_by("pk"))
        if user is not None
        else []
    )
    return {
        "kind": "user",
        "user": user,
        "client": None,
        "organization": None,
        "memberships": memberships,
        "scopes": sorted(caller.scopes),
    }
