"""Background jobs of the open-innovation funnel. Each takes JSON arguments, loads what it
needs and calls a service; each is safe to run twice. Each sub-domain keeps its section."""

from __future__ import annotations

from celery import shared_task

# --- Proposals -------------------------------------------------------------------------------


@shared_task(name="challenges.tasks.send_proposal_reminders")
def send_proposal_reminders() -> int:
    """Hourly: remind lead admins of drafts 7 days and 1 day before their deadline (each
    reminder once: ``ProposalReminder`` rows, see the service)."""
    from .services.proposals import proposal_reminders_send

    return proposal_reminders_send()


# --- Evaluation assignments ------------------------------------------------------------------


@shared_task(name="challenges.tasks.send_assignment_reminders")
def send_assignment_reminders() -> int:
    """Hourly: remind evaluators of pending or accepted assignments 3 days and 1 day before
    they are due (each reminder once: ``AssignmentReminder`` rows, see the service)."""
    from .services.assignments import assignment_reminders_send

    return assignment_reminders_send()


# --- Portfolio -------------------------------------------------------------------------------


@shared_task(name="challenges.tasks.send_progress_reminders")
def send_progress_reminders() -> int:
    """Daily: remind the teams of running projects 7 days before their next progress update
    and once it is overdue (each reminder once: ``ProgressReminder`` rows, see the service)."""
    from .services.portfolio import progress_reminders_send

    return progress_reminders_send()
