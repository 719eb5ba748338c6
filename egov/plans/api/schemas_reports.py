"""Output schemas and query filters of the dashboard and roll-up endpoints of the plans API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from egov.plans.status import TaskStatus


class AsOfFilters(Schema):
    as_of: dt.date | None = Field(None, description="Figures as of this day (default today; not after today)")


class RollupFilters(AsOfFilters):
    source: str = Field("", description="Only plans implementing this document, e.g. 17/NQ-CP")
    org: str | None = Field(None, description="Code of a province (default: the scope of your permission)")


class RateOut(Schema):
    on_time: int
    counted: int = Field(description="Tasks whose outcome is known on the day (the denominator)")
    percent: float | None = Field(description="On-time rate, one decimal; null when nothing is counted")
    label: str = Field(description="As the pages show it: “66,7%”, or “—”")


class StatusCountOut(Schema):
    status: TaskStatus
    label: str
    count: int


class UnitOut(Schema):
    unit: str = Field(description="Code of the lead unit")
    name: str
    total: int
    counts: list[StatusCountOut] = Field(description="Only the statuses that occur, in display order")
    rate: RateOut


class TaskLineOut(Schema):
    id: int
    number: str
    title: str
    plan: int
    plan_title: str
    lead_unit: str = Field(description="Code of the lead unit")
    lead_unit_name: str
    due_date: dt.date
    deadline: str
    percent: int
    working_days: int = Field(description="Working days overdue (overdue list) or left (due-soon list)")


class FiguresOut(Schema):
    as_of: dt.date
    total: int
    counts: list[StatusCountOut] = Field(description="Every status, in display order")
    completed: int
    overdue_total: int
    due_soon_total: int
    rate: RateOut
    units: list[UnitOut] = Field(description="By lead unit, most tasks first")
    overdue: list[TaskLineOut] = Field(description="Soonest due first, at most 100 (the counts stay exact)")
    due_soon: list[TaskLineOut]


class PlanDashboardOut(FiguresOut):
    plan: int


class PlanRowOut(Schema):
    id: int
    title: str
    number: str
    organisation_name: str
    total: int
    counts: dict[str, int]
    rate: RateOut


class OrgDashboardOut(Schema):
    organisation: str
    organisation_name: str
    plans: list[PlanRowOut] = Field(description="Active plans of the organisation and its subtree")
    figures: FiguresOut = Field(description="Across the tasks of those plans")
    led_total: int = Field(description="Tasks of any active plan led by the organisation's units")
    led_counts: list[StatusCountOut]
    led_rate: RateOut
    led_units: list[UnitOut]


class DocumentRefOut(Schema):
    number: str
    date: dt.date


class RollupOrgOut(Schema):
    organisation: str
    name: str
    level: str
    committee: DocumentRefOut | None = Field(description="Decision founding its earliest committee in force")
    plan: DocumentRefOut | None = Field(description="Its earliest issued plan")
    plans: int
    tasks: int
    counts: dict[str, int]
    rate: RateOut


class RollupGroupOut(Schema):
    level: str
    label: str
    total: int
    with_committee: int
    with_plan: int
    tasks: int
    rate: RateOut
    organisations: list[RollupOrgOut]


class RollupOut(Schema):
    as_of: dt.date
    scope: str = Field(description="national or province")
    province: str | None = Field(description="Code of the province, for a provincial roll-up")
    province_name: str | None
    source: str
    summary: str
    committee_sentence: str
    plan_sentence: str
    rate: RateOut
    groups: list[RollupGroupOut]
