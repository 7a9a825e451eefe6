"""A slow, thread-safe email backend for the concurrent-sweep test."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

SENT: list[str] = []
_lock = threading.Lock()


class SlowRecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            time.sleep(0.02)  # long enough for the other sweep to try the same rows
            with _lock:
                SENT.extend(message.to)
        return len(email_messages)
