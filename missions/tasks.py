"""Background jobs of international missions. Each takes JSON arguments (these take none),
calls a service and is safe to run twice. Each sub-domain keeps its section. The services take
``today`` for tests."""

from __future__ import annotations

from celery import shared_task

# --- Readiness -------------------------------------------------------------------------------


@shared_task(name="missions.tasks.send_readiness_reminders")
def send_readiness_reminders() -> int:
    """Daily: remind delegates of confirmed delegations 7 days before each checklist item is
    due and once it is overdue (each reminder once: ``ReadinessReminder`` rows, see the
    service)."""
    from .services.readiness import readiness_reminders_send

    return readiness_reminders_send()


# --- Outcomes --------------------------------------------------------------------------------


@shared_task(name="missions.tasks.send_outcome_reminders")
def send_outcome_reminders() -> int:
    """Daily: ask delegates back from a mission to record its outcome, the day after return
    and 14 days later (each once: ``OutcomeReminder`` rows, see the service)."""
    from .services.outcomes import outcome_reminders_send

    return outcome_reminders_send()
