"""Writing to the audit trail what field-change tracking cannot see."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from auditlog.models import LogEntry
from django.db import models

from members.models import User

# A dotted lowercase code such as "membership.approve" or "proposal.award".
_ACTION_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
DECISION_KEY = "decision"


def _as_text(value: Any) -> str:
    return "None" if value is None else str(value)


def audit_decision(
    *,
    actor: User | None,
    target: models.Model,
    action: str,
    changes: Mapping[str, Sequence[Any]] | None = None,
    reason: str = "",
) -> LogEntry:
    """Record a decision about ``target`` (approve, reject, award, suspend…) by ``actor``.

    ``action`` is a dotted code (``"membership.reject"``) shown and filterable on the audit
    page; ``changes`` maps a field or aspect to ``(before, after)``; ``reason`` is the free text
    a person gave. Stored as an auditlog ``LogEntry`` (action "update") whose
    ``additional_data`` holds ``{"decision": action, "reason": reason}``.

    Call it inside the deciding service's transaction, so the decision and its record commit
    or roll back together. ``actor`` is None only for decisions the system takes by itself.
    """
    if not _ACTION_CODE.match(action) or len(action) > 80:
        raise ValueError(f"Invalid decision code: {action!r}")
    if target.pk is None:
        raise ValueError("Only saved records can be audited.")
    change_payload = {}
    for name, pair in (changes or {}).items():
        before, after = pair
        change_payload[str(name)] = [_as_text(before), _as_text(after)]
    return LogEntry.objects.log_create(
        target,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes=change_payload,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        additional_data={DECISION_KEY: action, "reason": reason},
    )
