"""Reads of challenge calls."""

from __future__ import annotations

import datetime

from ..models import Call, DeadlineExtension


def deadline_for(call: Call, organization_id: int | None) -> datetime.datetime | None:
    """When proposals led by ``organization_id`` stop changing: the call's closing time, or the
    organization's logged extension when it is later. Uses ``call.extensions`` when prefetched
    (``prefetch_related("extensions")``), else one query."""
    deadline = call.closes_at
    if organization_id is None:
        return deadline
    cache = getattr(call, "_prefetched_objects_cache", {})
    if "extensions" in cache:
        extended = [
            e.closes_at for e in cache["extensions"] if e.organization_id == organization_id
        ]
    else:
        extended = list(
            DeadlineExtension.objects.filter(
                call=call, organization_id=organization_id
            ).values_list("closes_at", flat=True)
        )
    candidates = [d for d in [deadline, *extended] if d is not None]
    return max(candidates) if candidates else None
