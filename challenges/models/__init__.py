"""Open innovation: challenge surveys, calls and proposals (later: evaluation, portfolio)."""

from .calls import (
    Call,
    CallClarification,
    CallCriterion,
    CallQuestion,
    CallSubscription,
    DeadlineExtension,
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
    "Call",
    "CallClarification",
    "CallCriterion",
    "CallQuestion",
    "CallSubscription",
    "Challenge",
    "DeadlineExtension",
    "Proposal",
    "ProposalAnswer",
    "ProposalPartner",
    "ProposalReminder",
    "ProposalSubmission",
    "SurveyRound",
]
