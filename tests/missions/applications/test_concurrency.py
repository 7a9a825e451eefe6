"""Places freed at the same moment are never given twice (PostgreSQL only: SQLite serializes
writers; CI runs this on PostgreSQL).

Two selected organizations withdraw at once: each withdrawal locks the mission first, so the
second promotion sees the first one's; two different waitlisted applications are offered and
the places held never exceed the capacity. A withdrawal racing the periodic lapse of another
offer (which locks its application before the mission) neither deadlocks nor double-offers.
"""

from __future__ import annotations

import datetime
import os
import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from cluster_portal.core.workflows import run_time_transitions
from missions.models import Application
from missions.services import applications as services
from tests.missions.applications.world import World, admin_of, apply, selecting_world

IN_CI = os.environ.get("CI", "").lower() == "true"
S = Application.Status

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" and not IN_CI,
        reason="row locking races need PostgreSQL (DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _published() -> World:
    if connection.vendor != "postgresql":
        pytest.fail("CI must run this test on PostgreSQL")
    world = selecting_world()
    world.apps["d"] = apply(world.mission, score="30")
    services.selection_publish(actor=world.coordinator, mission=world.mission)
    world.refresh()
    return world


def _at_once(*jobs: Callable[[], object]) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _holders(world: World) -> list[Application]:
    return list(
        Application.objects.filter(mission=world.mission, status__in=[S.OFFERED, S.ACCEPTED])
    )


def test_two_concurrent_withdrawals_offer_two_different_places() -> None:
    world = _published()
    assert {a.pk for a in _holders(world)} == {world.a.pk, world.small.pk}
    admins = {name: admin_of(world.apps[name]) for name in ("a", "small")}
    errors = _at_once(
        *(
            lambda name=name: services.application_withdraw(
                actor=admins[name], application=world.apps[name]
            )
            for name in ("a", "small")
        )
    )
    assert errors == []
    world.refresh()
    holders = _holders(world)
    assert {a.pk for a in holders} == {world.b.pk, world.c.pk}
    assert len(holders) <= world.mission.capacity_organizations
    assert sum(a.granted_delegates or 0 for a in holders) <= world.mission.capacity_delegates
    assert all(a.promoted and a.hold_until for a in holders)
    assert (world.d.status, world.d.waitlist_position) == (S.WAITLISTED, 1)
    assert world.a.status == world.small.status == S.WITHDRAWN


def test_a_withdrawal_racing_a_lapse_never_gives_a_place_twice() -> None:
    world = _published()
    # a's hold has just ended; small's is still running (and so will the promoted ones').
    later = timezone.now()
    Application.objects.filter(pk=world.a.pk).update(
        hold_until=later - datetime.timedelta(minutes=1)
    )
    admin = admin_of(world.small)
    errors = _at_once(
        lambda: services.application_withdraw(actor=admin, application=world.small),
        lambda: run_time_transitions(now=later),
    )
    assert errors == []
    run_time_transitions(now=later)  # a lapse that found the mission busy is done now
    world.refresh()
    assert world.a.status == S.LAPSED
    assert world.small.status == S.WITHDRAWN
    holders = _holders(world)
    assert {a.pk for a in holders} == {world.b.pk, world.c.pk}
    assert (world.d.status, world.d.waitlist_position) == (S.WAITLISTED, 1)
