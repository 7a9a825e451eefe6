"""What the knowledge base's demo modules share: who acts (the demo editor, the designated
authors, the admins of the member organizations), the topics, and the demo's clock.

Every action runs at its moment in the demo's history (:func:`on`: the services read the time
from ``django.utils.timezone.now``), like the missions' and the portfolio's demos: an article
published a year ago carries that date, a barrier's history rows are stamped when each step
happened. Nothing in the knowledge base is driven by a deadline, so an existing demo needs no
clock refresh on a later day: the dates simply stay in the past.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone

from challenges.demo.common import admin_of, lima_today, organization, person
from members.models import User

from ..models import Topic

__all__ = [
    "EDITOR_EMAIL",
    "TOPICS",
    "admin_of",
    "editor",
    "moment",
    "on",
    "organization",
    "person",
    "seed_topics",
    "start_clock",
    "topic_ids",
]

#: The demo editor (``members/demo/roles.py``): she reviews and publishes the articles, keeps
#: the barrier register and the value-added opportunities.
EDITOR_EMAIL = "conocimiento@cmsp.pe"

#: The real today (Lima), taken when the seed starts (inside :func:`on` ``lima_today`` would
#: count from the moment being played).
_TODAY: list[datetime.date] = [datetime.date.min]


def start_clock() -> None:
    _TODAY[0] = lima_today()


def moment(days: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """``days`` from the real today (negative: ago) at ``hour:minute`` in Lima, aware."""
    day = _TODAY[0] + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


@contextmanager
def on(days: int, hour: int = 10, minute: int = 0) -> Iterator[None]:
    """Run services as if it were ``days`` from today at ``hour:minute`` in Lima."""
    with mock.patch("django.utils.timezone.now", return_value=moment(days, hour, minute)):
        yield


def editor() -> User:
    return person(EDITOR_EMAIL)


# --- Topics ----------------------------------------------------------------------------------

#: The knowledge base's themes: slug, Spanish name, English name. Topics are a taxonomy editors
#: keep in the admin (no service writes them), so the demo creates them directly, found by slug.
TOPICS: list[tuple[str, str, str]] = [
    ("agua", "Agua", "Water"),
    ("relaves", "Relaves", "Tailings"),
    ("energia", "Energía", "Energy"),
    ("regulacion", "Regulación y permisos", "Regulation and permits"),
    (
        "industrializacion",
        "Industrialización y valor agregado",
        "Industrialization and value added",
    ),
    ("seguridad", "Seguridad y salud ocupacional", "Health and safety"),
    ("automatizacion", "Automatización y digitalización", "Automation and digitalization"),
    ("comunidades", "Relaciones comunitarias", "Community relations"),
]


def seed_topics() -> None:
    for position, (slug, name_es, name_en) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(
            slug=slug, defaults={"name_es": name_es, "name_en": name_en, "position": position * 10}
        )


def topic_ids(*slugs: str) -> list[int]:
    ids = dict(Topic.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    missing = set(slugs) - set(ids)
    if missing:
        raise LookupError(f"Unknown demo topics: {sorted(missing)}")
    return [ids[slug] for slug in slugs]
