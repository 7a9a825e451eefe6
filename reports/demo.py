"""Demo reports: closed periods and a few report runs by the reporting officer.

``reportes@cmsp.pe`` (Verónica Ccama Huanca, monitoring and reporting officer) closed the last
month and the last quarter (their figures frozen, as sent to funders) and generated the cluster
KPIs of the last quarter and the member directory. Locally (no broker) the runs are generated
in-process right after the demo commits; with a worker they go through the queue. Running it
twice changes nothing: a period is closed once and the runs are asked for once.
"""

from __future__ import annotations

from typing import TextIO

from django.utils import timezone

from members.models import User

from .kpis import current_period, previous_period
from .models import ClosedPeriod, ReportFormat, ReportKind, ReportRun
from .services.kpis import period_close
from .services.runs import run_request

OFFICER_EMAIL = "reportes@cmsp.pe"


def seed(*, stdout: TextIO) -> None:
    officer = User.objects.get(email=OFFICER_EMAIL)
    today = timezone.localdate()
    closed = []
    notes = {
        "quarter": "Enviado al banco de desarrollo con el informe trimestral de resultados.",
        "month": "Cierre mensual para el Consejo Directivo.",
    }
    for kind in ("quarter", "month"):
        period = previous_period(current_period(kind, today))
        if not ClosedPeriod.objects.filter(kind=kind, starts_on=period.starts_on).exists():
            period_close(actor=officer, kind=kind, starts_on=period.starts_on, note=notes[kind])
        closed.append(str(period.starts_on))
    last_quarter = previous_period(current_period("quarter", today))
    if not ReportRun.objects.filter(requester=officer).exists():
        run_request(
            actor=officer,
            kind=ReportKind.CLUSTER_KPIS,
            format=ReportFormat.XLSX,
            filters={"period_kind": "quarter", "starts_on": last_quarter.starts_on.isoformat()},
        )
        run_request(
            actor=officer,
            kind=ReportKind.MEMBER_DIRECTORY,
            format=ReportFormat.CSV,
            filters={},
        )
    stdout.write(
        f"  reports: periods closed ({', '.join(closed)}), "
        f"{ReportRun.objects.filter(requester=officer).count()} report runs by {officer.full_name}"
    )
