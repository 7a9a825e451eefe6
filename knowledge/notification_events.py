"""Notification events of the knowledge base (imported by ``NotificationsConfig.ready``).

Titles and bodies are ``str.format`` templates over the context the services pass (plain text
and ids only); emails are in ``templates/notifications/email/<code>{_subject.txt,.txt,.html}``.
Each sub-domain keeps its own section below.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.events import KNOWLEDGE, Event, register_event

# --- Articles (knowledge.services.articles) ------------------------------------------------------
ARTICLE_PUBLISHED = register_event(
    Event(
        code="knowledge.article_published",
        category=KNOWLEDGE.code,
        title=_("Your article was published: {article_title}"),
        body=_("An editor published your article on {published_on}. Readers can find it now."),
    )
)
ARTICLE_RETURNED = register_event(
    Event(
        code="knowledge.article_returned",
        category=KNOWLEDGE.code,
        title=_("Your article needs changes: {article_title}"),
        body=_(
            "An editor returned your article as a draft. Their note: {reason} Edit it and send "
            "it for review again."
        ),
    )
)
# --- End of articles -----------------------------------------------------------------------------

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
