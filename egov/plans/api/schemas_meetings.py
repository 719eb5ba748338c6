"""Input and output schemas of the review-meeting and overlap endpoints of the plans API.

Same conventions as `schemas`: organisations by identifier code, people by username, input field names equal
to the service's keys so that a 422 from the service names the field the client sent.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from ninja import Field, Schema

from egov.plans.models import ConclusionKind, MeetingStatus, OverlapStatus, Priority
from egov.plans.status import TaskStatus

# --- review meetings ----------------------------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    committee: int
    plan: int | None = Field(description="The plan under review; null: every active plan of the committee")
    title: str
    held_at: dt.datetime
    location: str
    chair_name: str
    participants: str
    status: MeetingStatus
    created_by: str | None
    created_at: dt.datetime
    concluded_at: dt.datetime | None
    agenda_count: int
    conclusion_count: int


class AgendaItemOut(Schema):
    id: int
    order: int
    task: int
    plan: int
    number: str
    title: str
    lead_unit: str | None
    status_then: TaskStatus = Field(description="The task's status when it was put on the agenda")
    percent_then: int
    due_date_then: dt.date | None
    note: str


class ConclusionOut(Schema):
    id: int
    order: int
    kind: ConclusionKind
    task: int | None
    task_title: str | None
    text: str
    new_deadline_text: str
    reason: str
    recorded_by: str | None
    recorded_at: dt.datetime


class MeetingDetailOut(MeetingOut):
    minutes: str
    agenda: list[AgendaItemOut]
    conclusions: list[ConclusionOut]


class MeetingIn(Schema):
    title: str
    held_at: dt.datetime = Field(description="ISO 8601; without an offset it is local time (Asia/Ho_Chi_Minh)")
    location: str = ""
    chair_name: str
    participants: str = ""
    plan: int | None = Field(None, description="Id of one plan to review (default: every active plan)")


class MeetingPatch(Schema):
    title: str | None = None
    held_at: dt.datetime | None = None
    location: str | None = None
    chair_name: str | None = None
    participants: str | None = None
    minutes: str | None = None


class AgendaIn(Schema):
    task: int = Field(description="Id of a task of the plans the meeting reviews")
    note: str = ""


class ConclusionIn(Schema):
    kind: ConclusionKind
    task: int | None = Field(None, description="The task concerned (change_deadline, close_task, drop_task)")
    text: str = Field("", description="Wording of the conclusion (required for general; else written for you)")
    new_deadline_text: str = Field("", description="As a plan writes it (change_deadline, add_task): Quý II/2020…")
    reason: str = Field("", description="Required for change_deadline and drop_task")
    plan: int | None = Field(None, description="add_task: the plan to add to, when the meeting reviews several")
    title: str = Field("", description="add_task: title of the new task")
    product: str = ""
    lead_unit: str | None = Field(None, description="add_task: code of the lead unit")
    cooperating_units: list[str] = []
    parent: int | None = Field(None, description="add_task: id of the section it goes under")
    priority: Priority = Priority.NORMAL


class ConcludeIn(Schema):
    conclusions: list[ConclusionIn] = Field([], description="Applied all or nothing before the meeting closes")


# --- overlaps -----------------------------------------------------------------------------------------------


class OverlapTaskOut(Schema):
    id: int
    plan: int
    organisation: str = Field(description="Code of the organisation whose plan holds the task")
    title: str
    lead_unit: str | None


class OverlapOut(Schema):
    id: int
    score: float = Field(description="Similarity 0–1 of the two tasks' folded text")
    same_plan: bool
    status: OverlapStatus
    note: str
    detected_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    task_a: OverlapTaskOut
    task_b: OverlapTaskOut


class OverlapFilters(Schema):
    plan: int | None = Field(None, description="Pairs with a task of this plan")
    committee: int | None = Field(None, description="Pairs with a task of a plan this committee follows")
    status: OverlapStatus = OverlapStatus.OPEN


class ScanIn(Schema):
    plans: list[int] | None = Field(None, description="Ids of the plans to scan (default: every plan you manage)")
    committee: int | None = Field(None, description="Scan the plans this committee follows")


class ScanOut(Schema):
    created: int
    updated: int
    removed: int
    compared: int
    tasks: int


class Decision(StrEnum):
    LINKED = "linked"
    DISMISSED = "dismissed"


class DecideIn(Schema):
    decision: Decision
    note: str = ""
