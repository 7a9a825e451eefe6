"""The Celery application. Configuration comes from Django settings (``CELERY_*``).

Periodic schedules live here and only here (``BEAT_SCHEDULE``): run ``celery -A cluster_portal
beat`` next to the workers. Every scheduled task is idempotent, so a missed or doubled tick is
harmless; short ``expires`` drop ticks that queued up while no worker was running.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_portal.settings.local")

app = Celery("cluster_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Portal-wide tasks that belong to no app (the lifecycle job) live in cluster_portal/tasks.py.
app.autodiscover_tasks(["cluster_portal"])

# Times are America/Lima (CELERY_TIMEZONE). Add a schedule with a name "<app>-<what>", the task's
# registered name and, for anything sub-hourly, an `expires` shorter than its period.
BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "notifications-sweep-outbox": {
        "task": "notifications.tasks.sweep_outbox",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "notifications-sweep-broadcasts": {
        "task": "notifications.tasks.sweep_broadcasts",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Webhook deliveries: retries on the specification's schedule and what the broker never got.
    "notifications-sweep-webhooks": {
        "task": "notifications.tasks.sweep_webhooks",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Reports: runs the broker never got or a dead worker abandoned; files past their time.
    "reports-sweep-runs": {
        "task": "reports.tasks.sweep_report_runs",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "reports-remove-expired-files": {
        "task": "reports.tasks.remove_expired_report_files",
        "schedule": crontab(minute=15),
        "options": {"expires": 3000},
    },
    # The monthly KPI report for the staff roles that receive it (core.roles.KPI_PACK_ROLES),
    # on the 1st for the month before.
    "reports-monthly-kpi-pack": {
        "task": "reports.tasks.send_monthly_kpi_pack",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
        "options": {"expires": 12 * 3600},
    },
    # Lifecycle moves that happen on time (members/workflows.py and the other apps' tables).
    "core-time-transitions": {
        "task": "cluster_portal.tasks.run_time_transitions",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Reminders to lead organizations of draft proposals 7 days and 1 day before the deadline.
    "challenges-proposal-reminders": {
        "task": "challenges.tasks.send_proposal_reminders",
        "schedule": crontab(minute=5),
        "options": {"expires": 3000},
    },
    "challenges-assignment-reminders": {
        "task": "challenges.tasks.send_assignment_reminders",
        "schedule": crontab(minute=20),
        "options": {"expires": 3000},
    },
    # Progress-update reminders to project teams (7 days before, then overdue), before the digest.
    "challenges-progress-reminders": {
        "task": "challenges.tasks.send_progress_reminders",
        "schedule": crontab(hour=6, minute=40),
        "options": {"expires": 6 * 3600},
    },
    # Missions: checklist reminders to delegates (7 days before, then overdue) and outcome
    # reminders after return (the day after, then 14 days after), before the digest.
    "missions-readiness-reminders": {
        "task": "missions.tasks.send_readiness_reminders",
        "schedule": crontab(hour=6, minute=45),
        "options": {"expires": 6 * 3600},
    },
    "missions-outcome-reminders": {
        "task": "missions.tasks.send_outcome_reminders",
        "schedule": crontab(hour=6, minute=50),
        "options": {"expires": 6 * 3600},
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
        "kwargs": {"frequency": "daily"},
        "options": {"expires": 6 * 3600},
    },
    "notifications-weekly-digest": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
        "kwargs": {"frequency": "weekly"},
        "options": {"expires": 6 * 3600},
    },
    # Knowledge: the search index follows each commit through signals; this nightly rebuild
    # catches what signals cannot see (QuerySet.update() writes, renamed organizations in
    # their projects' rows, tasks a dead broker never got).
    "knowledge-search-rebuild": {
        "task": "knowledge.tasks.search_rebuild",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 3 * 3600},
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE
