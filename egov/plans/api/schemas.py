"""Input and output schemas of the plans API.

Organisations are named by their identifier code and people by their username, in input and output alike, so
that what a GET returns can be PATCHed back. Input fields carry the same names as the service arguments, so a
422 from a service names the field the client sent (e.g. "lead_unit", "cooperating_units", "deadline").
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from egov.plans.models import CommitteeRole, DeadlineKind, PlanStatus, Priority, ReportKind, ReviewDecision, TaskKind
from egov.plans.models.progress import TaskEvent, UrgeKind
from egov.plans.status import TaskStatus

# --- committees ---------------------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    committee: int
    full_name: str
    username: str | None
    role: CommitteeRole
    position: str
    member_organisation: str
    member_organisation_name: str
    part_time: bool
    responsibilities: str
    followed_units: list[str]
    joined_on: dt.date
    left_on: dt.date | None
    is_current: bool


class CommitteeOut(Schema):
    id: int
    name: str
    organisation: str
    organisation_name: str
    decision_number: str
    decision_date: dt.date
    decision_issuer: str
    decision_signer: str
    regulation_number: str
    regulation_date: dt.date | None
    duties: str
    dissolved_on: dt.date | None
    has_decision_file: bool
    has_regulation_file: bool


class CommitteeDetailOut(CommitteeOut):
    members: list[MemberOut]


class CommitteeIn(Schema):
    name: str
    organisation: str = Field(description="Identifier code of the organisation, e.g. 000.00.00.G16")
    decision_number: str
    decision_date: dt.date
    decision_issuer: str | None = Field(None, description="Code of the issuing organisation (default: organisation)")
    decision_signer: str = ""
    regulation_number: str = ""
    regulation_date: dt.date | None = None
    duties: str = ""
    dissolved_on: dt.date | None = None


class CommitteePatch(Schema):
    name: str | None = None
    organisation: str | None = None
    decision_number: str | None = None
    decision_date: dt.date | None = None
    decision_issuer: str | None = None
    decision_signer: str | None = None
    regulation_number: str | None = None
    regulation_date: dt.date | None = None
    duties: str | None = None
    dissolved_on: dt.date | None = None


class CommitteeFilters(Schema):
    search: str = ""
    organisation: str | None = Field(None, description="Organisation code: committees of it and its subtree")


class MemberIn(Schema):
    full_name: str = ""
    username: str | None = Field(None, description="Account of the member, if they have one")
    role: CommitteeRole
    position: str
    member_organisation: str
    part_time: bool = True
    responsibilities: str = ""
    followed_units: list[str] = []
    joined_on: dt.date
    decision_number: str = ""


class MemberPatch(Schema):
    full_name: str | None = None
    username: str | None = None
    role: CommitteeRole | None = None
    position: str | None = None
    member_organisation: str | None = None
    part_time: bool | None = None
    responsibilities: str | None = None
    followed_units: list[str] | None = None
    effective_on: dt.date | None = Field(None, description="Day the change takes effect (default: today)")
    decision_number: str = ""
    note: str = ""


class MemberLeaveIn(Schema):
    left_on: dt.date
    decision_number: str = ""
    note: str = ""


# --- plans --------------------------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    title: str
    number: str
    status: PlanStatus
    organisation: str
    organisation_name: str
    issuer: str
    committee: int | None
    signer: str
    issued_on: dt.date | None
    source_title: str
    source_number: str
    source_date: dt.date | None
    period_start: int
    period_end: int
    orientation_year: int | None
    due_soon_days: int
    recurring_report_days: int
    has_file: bool


class TransitionOut(Schema):
    from_status: PlanStatus
    to_status: PlanStatus
    decision_number: str
    decision_date: dt.date | None
    reason: str
    by: str | None
    at: dt.datetime


class PlanDetailOut(PlanOut):
    transitions: list[TransitionOut]


class PlanIn(Schema):
    title: str
    organisation: str
    issuer: str | None = Field(None, description="Code of the issuing organisation (default: organisation)")
    committee: int | None = None
    number: str = ""
    issued_on: dt.date | None = None
    signer: str = ""
    source_title: str = ""
    source_number: str = ""
    source_date: dt.date | None = None
    period_start: int
    period_end: int
    orientation_year: int | None = None
    due_soon_days: int = 5
    recurring_report_days: int = 92


class PlanPatch(Schema):
    title: str | None = None
    organisation: str | None = None
    issuer: str | None = None
    committee: int | None = None
    number: str | None = None
    issued_on: dt.date | None = None
    signer: str | None = None
    source_title: str | None = None
    source_number: str | None = None
    source_date: dt.date | None = None
    period_start: int | None = None
    period_end: int | None = None
    orientation_year: int | None = None
    due_soon_days: int | None = None
    recurring_report_days: int | None = None


class PlanFilters(Schema):
    search: str = ""
    status: PlanStatus | None = None
    organisation: str | None = Field(None, description="Organisation code: plans of it and its subtree")


class TransitionIn(Schema):
    to: PlanStatus
    decision_number: str = ""
    decision_date: dt.date | None = None
    reason: str = ""


# --- tasks --------------------------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    plan: int
    parent: int | None
    kind: TaskKind
    depth: int
    number: str
    title: str
    product: str
    lead_unit: str | None
    lead_unit_name: str | None
    cooperating_units: list[str]
    responsible_leader: str | None
    priority: Priority
    deadline: str
    deadline_kind: DeadlineKind | None
    due_date: dt.date | None
    percent: int
    status: TaskStatus | None = Field(description="Derived status; null for a section")
    last_report_on: dt.date | None
    completion_requested: bool
    completed_on: dt.date | None
    dropped_on: dt.date | None
    dropped_reason: str


class TaskIn(Schema):
    kind: TaskKind = TaskKind.TASK
    parent: int | None = Field(None, description="Id of the section (or task) it sits under")
    number: str = ""
    title: str
    product: str = ""
    lead_unit: str | None = Field(None, description="Code of the lead unit (required for a task)")
    cooperating_units: list[str] = []
    responsible_leader: str | None = Field(None, description="Username of the responsible leader")
    priority: Priority = Priority.NORMAL
    deadline: str | None = Field(None, description="As a plan writes it: 30/6/2019, Tháng 9/2019, Quý II/2019...")


class TaskPatch(Schema):
    kind: TaskKind | None = None
    parent: int | None = None
    number: str | None = None
    title: str | None = None
    product: str | None = None
    lead_unit: str | None = None
    cooperating_units: list[str] | None = None
    responsible_leader: str | None = None
    priority: Priority | None = None
    deadline: str | None = None


class MyTaskFilters(Schema):
    search: str = ""
    status: TaskStatus | None = None


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class ReportOut(Schema):
    id: int
    task: int
    kind: ReportKind
    unit: str
    unit_name: str
    percent: int | None
    previous_percent: int | None
    narrative: str
    products: str
    reason: str
    requests_completion: bool
    reported_on: dt.date
    submitted_by: str | None
    submitted_at: dt.datetime
    evidence: list[EvidenceOut]


class ReportIn(Schema):
    unit: str = Field(description="Code of the reporting unit: the lead unit or a cooperating unit")
    percent: int | None = Field(None, description="Progress 0–100, for the lead unit")
    narrative: str
    products: str = ""
    reason: str = Field("", description="Required when the percent falls")
    requests_completion: bool = False
    reported_on: dt.date | None = None


class ReviewIn(Schema):
    decision: ReviewDecision
    comment: str = ""
    completed_on: dt.date | None = None


class ReviewOut(Schema):
    id: int
    task: int
    report: int
    decision: ReviewDecision
    completed_on: dt.date | None
    comment: str
    by: str | None
    at: dt.datetime


class UrgeIn(Schema):
    message: str


class UrgeOut(Schema):
    id: int
    task: int
    kind: UrgeKind
    to_unit: str
    recipients: list[str]
    message: str
    by: str | None
    at: dt.datetime


class DeadlineIn(Schema):
    deadline: str
    reason: str


class DeadlineChangeOut(Schema):
    id: int
    task: int
    old_deadline: str
    old_due_date: dt.date | None
    new_deadline: str
    new_due_date: dt.date
    reason: str
    by: str | None
    at: dt.datetime


class DropIn(Schema):
    reason: str


class EventOut(Schema):
    id: int
    kind: TaskEvent.Kind
    summary: str
    by: str
    at: dt.datetime
