"""Readiness reminders: 7 days before each due date and once overdue, each once per item, only
for confirmed delegations; the daily task and its schedule."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from missions.models import Mission, ReadinessItem, ReadinessReminder
from missions.services.readiness import readiness_reminders_send
from notifications.models import Notification

from .world import make_world

pytestmark = pytest.mark.django_db

Kind = ReadinessItem.Kind


def notes(user: object, event: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, event=event))


def test_before_then_overdue_each_once_per_item() -> None:
    world = make_world()  # departs in 90 days: passport due in 30, copayment in 60, insurance 76
    passport = ReadinessItem.objects.get(delegate=world.delegate, kind=Kind.PASSPORT)
    today = timezone.localdate()
    assert readiness_reminders_send(today=today) == 0
    week_before = passport.due_on - datetime.timedelta(days=7)
    # Both delegates' passports; run twice: nothing more.
    assert readiness_reminders_send(today=week_before) == 2
    assert readiness_reminders_send(today=week_before) == 0
    assert readiness_reminders_send(today=week_before + datetime.timedelta(days=3)) == 0
    (note,) = notes(world.delegate.person, "missions.readiness_due")
    assert note.url == f"/missions/delegates/{world.delegate.pk}/"
    assert world.mission.title in note.title
    overdue = passport.due_on + datetime.timedelta(days=1)
    assert readiness_reminders_send(today=overdue) == 2
    assert readiness_reminders_send(today=overdue) == 0
    assert len(notes(world.delegate.person, "missions.readiness_overdue")) == 1
    assert sorted(
        ReadinessReminder.objects.filter(item=passport).values_list("kind", flat=True)
    ) == ["before", "overdue"]
    # Nobody else was told (the organization's admin, the other delegate once each).
    assert not notes(world.org_admin, "missions.readiness_due")
    assert len(notes(world.other_delegate.person, "missions.readiness_due")) == 1


def test_done_items_and_left_out_delegates_are_not_reminded() -> None:
    world = make_world()
    ReadinessItem.objects.filter(delegate=world.delegate).update(status="done")
    world.other_delegate.included = False
    world.other_delegate.save()
    far = world.mission.starts_on
    assert readiness_reminders_send(today=far) == 0


@pytest.mark.parametrize("status", [Mission.Status.SELECTING, Mission.Status.CANCELLED])
def test_only_confirmed_delegations_are_reminded(status: str) -> None:
    world = make_world()
    Mission.objects.filter(pk=world.mission.pk).update(status=status)
    assert readiness_reminders_send(today=world.mission.starts_on) == 0


def test_the_daily_task_runs_the_service_and_is_scheduled() -> None:
    from cluster_portal.celery import BEAT_SCHEDULE
    from missions.tasks import send_readiness_reminders

    world = make_world()
    ReadinessItem.objects.filter(delegate=world.delegate, kind=Kind.PASSPORT).update(
        due_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    assert send_readiness_reminders() == 1
    assert send_readiness_reminders() == 0
    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert "missions.tasks.send_readiness_reminders" in tasks
    assert "missions.tasks.send_outcome_reminders" in tasks
