"""Load the demo dataset. Idempotent: running it twice leaves the same data.

Each app that has demo data exposes ``<app>/demo.py`` with ``seed(*, stdout) -> None``; they run in
the order of ``DEMO_APPS`` so that later apps can rely on earlier ones (members before calls, ...).

The demo runs the real services, which notify people: the notifications are kept (the inbox and
dashboard show them) but no email is queued (``notifications.services.in_app_only``), so a
seed on a machine with a real mail server never writes to the demo's made-up addresses.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from notifications.services import in_app_only

DEMO_APPS = [
    "members",
    "challenges",
    "missions",
    "knowledge",
    "notifications",
    "reports",
]


class Command(BaseCommand):
    help = "Load (or refresh) the demo dataset; safe to run any number of times."

    def handle(self, *args: Any, **options: Any) -> None:
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with in_app_only(), transaction.atomic():
                module.seed(stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(f"demo data: {app} ready"))
