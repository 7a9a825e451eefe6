"""Hooks into other packages' signals. Integration points only: each calls a service."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from .services import notify


@receiver(email_confirmed, dispatch_uid="notifications.welcome_on_email_confirmed")
def welcome_on_email_confirmed(sender: Any, email_address: EmailAddress, **kwargs: Any) -> None:
    """The first confirmed address of an account gets the welcome message (once per user)."""
    user = email_address.user
    notify(
        recipients=[user],
        event="account.welcome",
        context={"email": email_address.email},
        url="/",
        idempotency_key="account.welcome",
    )
