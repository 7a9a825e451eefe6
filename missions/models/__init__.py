"""International missions: the mission and its selection rules, its agenda, applications with
delegates and scores, delegate readiness, and outcomes."""

from .agenda import AgendaItem
from .applications import Application, ApplicationScore, Delegate
from .missions import MISSION_REFERENCE_PREFIX, Mission, MissionQuota, SelectionCriterion
from .outcomes import Agreement, Outcome, OutcomeReminder
from .readiness import ReadinessItem, ReadinessReminder

__all__ = [
    "MISSION_REFERENCE_PREFIX",
    "AgendaItem",
    "Agreement",
    "Application",
    "ApplicationScore",
    "Delegate",
    "Mission",
    "MissionQuota",
    "Outcome",
    "OutcomeReminder",
    "ReadinessItem",
    "ReadinessReminder",
    "SelectionCriterion",
]
