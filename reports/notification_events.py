"""Notification events of reports (imported by ``NotificationsConfig.ready``).

Emails are in ``templates/notifications/email/<code>{_subject.txt,.txt,.html}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.events import REPORTS, Event, register_event

REPORT_READY = register_event(
    Event(
        code="reports.ready",
        category=REPORTS.code,
        title=_("Your report is ready: {report}"),
        body=_(
            "The file is ready to download until {expires_at} (Lima time). After that it is "
            "removed; you can generate it again."
        ),
    )
)
REPORT_FAILED = register_event(
    Event(
        code="reports.failed",
        category=REPORTS.code,
        title=_("Your report could not be generated: {report}"),
        body=_("Nothing was lost: open the report's page to try again."),
    )
)
KPI_PACK_READY = register_event(
    Event(
        code="reports.kpi_pack",
        category=REPORTS.code,
        title=_("Monthly KPI report: {period}"),
        body=_(
            "The cluster's KPI report for {period} is ready to download until {expires_at} "
            "(Lima time)."
        ),
    )
)
