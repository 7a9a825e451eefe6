"""Background jobs of reports. Each takes JSON arguments and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

#: A big report (100,000 proposals) needs more than the global limits (120 s soft, 180 s hard).
#: ``services.runs.STALE_AFTER`` is longer than the hard limit.
GENERATE_SOFT_TIME_LIMIT = 15 * 60
GENERATE_TIME_LIMIT = GENERATE_SOFT_TIME_LIMIT + 60


@shared_task(
    name="reports.tasks.generate_report",
    soft_time_limit=GENERATE_SOFT_TIME_LIMIT,
    time_limit=GENERATE_TIME_LIMIT,
)
def generate_report(run_id: int) -> str:
    """Generate one report run if pending and due (a second run is a no-op)."""
    from .services.runs import run_generate

    return run_generate(run_id=run_id)


@shared_task(name="reports.tasks.sweep_report_runs")
def sweep_report_runs() -> int:
    """Periodic (every minute): runs the broker never got, runs a dead worker abandoned."""
    from .services.runs import runs_sweep

    return runs_sweep()


@shared_task(name="reports.tasks.remove_expired_report_files")
def remove_expired_report_files() -> int:
    """Periodic (hourly): remove report files past their ``expires_at``."""
    from .services.runs import runs_remove_expired_files

    return runs_remove_expired_files()


@shared_task(name="reports.tasks.send_monthly_kpi_pack")
def send_monthly_kpi_pack() -> str:
    """Periodic (the 1st of each month): the KPI report of the month before, to the staff roles
    that receive it; once per month whatever the number of ticks."""
    from .services.runs import kpi_pack_request

    return kpi_pack_request()
