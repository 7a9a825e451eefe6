"""Demo notifications for the demo people of ``members/demo/``. Idempotent (keys)."""

from __future__ import annotations

from typing import TextIO

from members.demo import DEMO_USERS
from members.models import User

from .services import notify


def seed(*, stdout: TextIO) -> None:
    users = list(User.objects.filter(email__in=[email for email, *_ in DEMO_USERS]))
    # In-app only: the demo must not fill the console (or a real mailbox) with emails.
    for user in users:
        notify(
            recipients=[user],
            event="account.welcome",
            context={"email": user.email},
            url="/",
            idempotency_key="account.welcome",
            email=False,
        )
    stdout.write(f"  notifications: welcome messages for {len(users)} demo people")
