"""Notification events of the knowledge base (imported by ``NotificationsConfig.ready``).

Titles and bodies are ``str.format`` templates over the context the services pass (plain text
and ids only); emails are in ``templates/notifications/email/<code>{_subject.txt,.txt,.html}``.
Each sub-domain keeps its own section below.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.events import KNOWLEDGE, Event, register_event

# --- Barriers (knowledge.services.barriers) ------------------------------------------------------
BARRIER_STATUS = register_event(
    Event(
        code="knowledge.barrier_status",
        category=KNOWLEDGE.code,
        title=_("Barrier {code}: {status}"),
        body=_(
            "The regulatory barrier “{barrier_title}”, which {organization} endorses, is now: "
            "{status}. {note}"
        ),
    )
)
# --- End of barriers -----------------------------------------------------------------------------
