"""Steering committees, their plans and tasks, progress, reminders, review meetings and overlaps."""

from egov.plans.models.committees import CommitteeMember, CommitteeRole, MembershipChange, SteeringCommittee
from egov.plans.models.meetings import AgendaItem, ConclusionKind, MeetingConclusion, MeetingStatus, ReviewMeeting
from egov.plans.models.overlap import OverlapCandidate, OverlapStatus
from egov.plans.models.plans import (
    ACTIVE_PLAN_STATES,
    PLAN_TRANSITIONS,
    DeadlineKind,
    Plan,
    PlanStatus,
    PlanTransition,
    Priority,
    Task,
    TaskKind,
    TaskLink,
)
from egov.plans.models.progress import (
    CompletionReview,
    DeadlineChange,
    ProgressEvidence,
    ProgressReport,
    ReminderDigest,
    ReportKind,
    ReviewDecision,
    TaskEvent,
    Urge,
    UrgeKind,
)

__all__ = [
    "ACTIVE_PLAN_STATES",
    "PLAN_TRANSITIONS",
    "AgendaItem",
    "CommitteeMember",
    "CommitteeRole",
    "CompletionReview",
    "ConclusionKind",
    "DeadlineChange",
    "DeadlineKind",
    "MeetingConclusion",
    "MeetingStatus",
    "MembershipChange",
    "OverlapCandidate",
    "OverlapStatus",
    "Plan",
    "PlanStatus",
    "PlanTransition",
    "Priority",
    "ProgressEvidence",
    "ProgressReport",
    "ReminderDigest",
    "ReportKind",
    "ReviewDecision",
    "ReviewMeeting",
    "SteeringCommittee",
    "Task",
    "TaskEvent",
    "TaskKind",
    "TaskLink",
    "Urge",
    "UrgeKind",
]
