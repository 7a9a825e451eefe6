"""Notification events of the webhooks sub-domain (imported by ``NotificationsConfig.ready``).

Emails are in ``templates/notifications/email/<code>{_subject.txt,.txt,.html}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .events import INTEGRATIONS, Event, register_event

WEBHOOK_ENDPOINT_DISABLED = register_event(
    Event(
        code="webhooks.endpoint_disabled",
        category=INTEGRATIONS.code,
        title=_("Webhook endpoint disabled: {endpoint_url}"),
        body=_(
            "The portal stopped sending events to {endpoint_url}. Reason: {reason} Fix the "
            "receiver, then enable the endpoint again on your organization's webhooks page; "
            "messages missed meanwhile can be redelivered from its delivery log."
        ),
    )
)
