"""Reports: runs of exports generated in the background, and the closed reporting periods whose
KPI figures are frozen."""

from .kpis import ClosedPeriod, PeriodKind
from .runs import ReportFormat, ReportKind, ReportRun

__all__ = ["ClosedPeriod", "PeriodKind", "ReportFormat", "ReportKind", "ReportRun"]
