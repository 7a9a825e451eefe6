"""Reads of the audit trail."""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet

from .services import DECISION_KEY

# Filter values of the audit page's "action": auditlog's own actions plus staff decisions.
ACTION_DECISION = "decision"
ACTION_CODES = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
    "access": LogEntry.Action.ACCESS,
}


def logentry_list(
    *,
    actor_email: str = "",
    content_type_id: int | None = None,
    action: str = "",
    object_id: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[LogEntry]:
    """Audit entries, newest first, filtered; actor and content type are joined in, so a page
    costs the same number of queries however many entries it shows. Dates are local
    (America/Lima) calendar days, both ends included."""
    queryset = LogEntry.objects.select_related("actor", "content_type").order_by(
        "-timestamp", "-pk"
    )
    if actor_email:
        queryset = queryset.filter(
            Q(actor_email__icontains=actor_email) | Q(actor__email__icontains=actor_email)
        )
    if content_type_id:
        queryset = queryset.filter(content_type_id=content_type_id)
    if action == ACTION_DECISION:
        queryset = queryset.filter(additional_data__has_key=DECISION_KEY)
    elif action in ACTION_CODES:
        queryset = queryset.filter(action=ACTION_CODES[action])
    if object_id:
        queryset = queryset.filter(object_pk=object_id)
    if date_from:
        queryset = queryset.filter(timestamp__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(timestamp__date__lte=date_to)
    return queryset
