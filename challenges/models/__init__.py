"""Open innovation: challenge surveys, calls, proposals, evaluation, decisions and the project
portfolio."""

from .calls import (
    Call,
    CallClarification,
    CallCriterion,
    CallQuestion,
    CallSubscription,
    DeadlineExtension,
)
from .decisions import Decision, DecisionBatch
from .evaluation import (
    Assignment,
    AssignmentReminder,
    ConflictOverride,
    CriterionScore,
    Evaluator,
    RedactedText,
    Review,
)
from .portfolio import (
    ImpactEntry,
    Indicator,
    Measurement,
    Milestone,
    ProgressComment,
    ProgressReminder,
    ProgressUpdate,
    Project,
    ProjectFunding,
    ProjectOrganization,
)
from .proposals import (
    Proposal,
    ProposalAnswer,
    ProposalPartner,
    ProposalReminder,
    ProposalSubmission,
)
from .surveys import Challenge, SurveyRound

__all__ = [
    "Assignment",
    "AssignmentReminder",
    "Call",
    "CallClarification",
    "CallCriterion",
    "CallQuestion",
    "CallSubscription",
    "Challenge",
    "ConflictOverride",
    "CriterionScore",
    "DeadlineExtension",
    "Decision",
    "DecisionBatch",
    "Evaluator",
    "ImpactEntry",
    "Indicator",
    "Measurement",
    "Milestone",
    "ProgressComment",
    "ProgressReminder",
    "ProgressUpdate",
    "Project",
    "ProjectFunding",
    "ProjectOrganization",
    "Proposal",
    "ProposalAnswer",
    "ProposalPartner",
    "ProposalReminder",
    "ProposalSubmission",
    "RedactedText",
    "Review",
    "SurveyRound",
]
