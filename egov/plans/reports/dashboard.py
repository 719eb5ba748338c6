"""Figures of a plan or of an organisation's plans: counts by status, by lead unit, on-time rate, late lists.

The on-time rate (tỷ lệ đúng hạn) of a set of tasks on a day `today`:

    on-time rate = |tasks whose status is in ON_TIME| / |tasks whose status is in ON_TIME ∪ LATE|

ON_TIME = completed early, completed on time, recurring work that reports on schedule;
LATE    = completed late, overdue (due date passed, unfinished), recurring work behind its reports.

So the denominator is every task whose outcome is known on `today` — finished ones, ones whose due date
has passed, and recurring ones — and it leaves out dropped tasks and unfinished tasks not yet due (not
started, in progress, due soon), which can still finish on time. With an empty denominator the rate is
undefined (None, shown as "—"), never 0 % or 100 %.

Each selector takes `today` so that figures are reproducible (tests, reports "as of" a day).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from egov.calendar.workdays import WorkingCalendar
from egov.organisations.models import Organisation
from egov.plans.models import ACTIVE_PLAN_STATES, Plan, Task, TaskKind
from egov.plans.status import COMPLETED, LATE, ON_TIME, TAG_COLOURS, TaskStatus, status_expression

# Lists shown on screen stop here (the counts stay exact; the Excel export has the whole list).
SCREEN_LIST_LIMIT = 100


@dataclass(frozen=True)
class Rate:
    """On-time rate: `on_time` of `counted` tasks (see the module docstring)."""

    on_time: int
    counted: int

    @property
    def percent(self) -> float | None:
        if not self.counted:
            return None
        return round(100 * self.on_time / self.counted, 1)

    @property
    def label(self) -> str:
        percent = self.percent
        if percent is None:
            return "—"
        text = f"{percent:.1f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") + "%"

    @classmethod
    def of(cls, counts: dict[str, int]) -> Rate:
        on_time = sum(n for status, n in counts.items() if status in ON_TIME)
        late = sum(n for status, n in counts.items() if status in LATE)
        return cls(on_time=on_time, counted=on_time + late)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int

    @property
    def tag_colour(self) -> str:
        return TAG_COLOURS[self.status]


def status_counts(counts: dict[str, int], *, nonzero: bool = False) -> list[StatusCount]:
    """Counts in the display order of TaskStatus (optionally only the statuses that occur)."""
    return [
        StatusCount(status.value, str(status.label), counts.get(status.value, 0))
        for status in TaskStatus
        if not nonzero or counts.get(status.value, 0)
    ]


@dataclass
class UnitFigures:
    """One lead unit (đơn vị chủ trì): how many tasks it leads and how they stand."""

    unit_id: int
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> Rate:
        return Rate.of(self.counts)

    @property
    def statuses(self) -> list[StatusCount]:
        return status_counts(self.counts, nonzero=True)

    @property
    def all_statuses(self) -> list[StatusCount]:
        return status_counts(self.counts)

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def completed(self) -> int:
        return sum(self.count(s) for s in COMPLETED)

    @property
    def overdue(self) -> int:
        return self.count(TaskStatus.OVERDUE)

    @property
    def due_soon(self) -> int:
        return self.count(TaskStatus.DUE_SOON)


@dataclass(frozen=True)
class TaskLine:
    """A task in the overdue or due-soon list; `working_days` is days overdue or days left."""

    pk: int
    number: str
    title: str
    plan_id: int
    plan_title: str
    lead_unit: str
    due_date: dt.date
    deadline_text: str
    percent: int
    working_days: int


@dataclass
class Figures:
    today: dt.date
    counts: dict[str, int]
    units: list[UnitFigures]
    overdue: list[TaskLine]
    due_soon: list[TaskLine]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def statuses(self) -> list[StatusCount]:
        return status_counts(self.counts)

    @property
    def rate(self) -> Rate:
        return Rate.of(self.counts)

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def overdue_total(self) -> int:
        return self.count(TaskStatus.OVERDUE)

    @property
    def due_soon_total(self) -> int:
        return self.count(TaskStatus.DUE_SOON)

    @property
    def completed_total(self) -> int:
        return sum(self.count(s) for s in COMPLETED)

    @property
    def lead_summary(self) -> str:
        """“Trung tâm CNTT chủ trì 10 đầu việc, Văn phòng Bộ 5”."""
        if not self.units:
            return ""
        first, *rest = self.units
        text = _("%(unit)s chủ trì %(n)d đầu việc") % {"unit": first.name, "n": first.total}
        return ", ".join([text, *(f"{u.name} {u.total}" for u in rest)])


def unit_name(name: str, short_name: str | None) -> str:
    return short_name or name


def _unit_figures(rows) -> tuple[dict[str, int], list[UnitFigures]]:
    """Fold (lead unit, status, n) rows into totals by status and a list of units, largest first."""
    counts: dict[str, int] = defaultdict(int)
    units: dict[int, UnitFigures] = {}
    for row in rows:
        counts[row["status"]] += row["n"]
        unit = units.get(row["lead_unit_id"])
        if unit is None:
            unit = units[row["lead_unit_id"]] = UnitFigures(
                row["lead_unit_id"], unit_name(row["lead_unit__name"], row["lead_unit__short_name"])
            )
        unit.counts[row["status"]] = unit.counts.get(row["status"], 0) + row["n"]
    ordered = sorted(units.values(), key=lambda u: (-u.total, u.name))
    return dict(counts), ordered


def _by_unit(tasks: QuerySet[Task], today: dt.date):
    """One GROUP BY over the tasks: (lead unit, derived status) → count."""
    return (
        tasks.annotate(status=status_expression(today))
        .values("lead_unit_id", "lead_unit__name", "lead_unit__short_name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )


_LINE_FIELDS = (
    "pk",
    "number",
    "title",
    "plan_id",
    "plan__title",
    "lead_unit__name",
    "lead_unit__short_name",
    "due_date",
    "deadline_text",
    "percent",
)


def overdue_q(today: dt.date) -> Q:
    """Exactly the tasks `status_expression` calls overdue, written so the due_date index is used."""
    return Q(dropped_on__isnull=True, completed_on__isnull=True, due_date__lt=today)


def _lines(tasks: QuerySet[Task], today: dt.date, limit: int | None) -> tuple[list[dict], list[dict]]:
    overdue = tasks.filter(overdue_q(today)).order_by("due_date", "plan_id", "sort_key").values(*_LINE_FIELDS)
    soon = (
        tasks.annotate(status=status_expression(today))
        .filter(status=TaskStatus.DUE_SOON)
        .order_by("due_date", "plan_id", "sort_key")
        .values(*_LINE_FIELDS)
    )
    if limit is not None:
        overdue, soon = overdue[:limit], soon[:limit]
    return list(overdue), list(soon)


def _to_lines(rows: list[dict], calendar: WorkingCalendar, today: dt.date, *, late: bool) -> list[TaskLine]:
    return [
        TaskLine(
            pk=row["pk"],
            number=row["number"],
            title=row["title"],
            plan_id=row["plan_id"],
            plan_title=row["plan__title"],
            lead_unit=unit_name(row["lead_unit__name"], row["lead_unit__short_name"]),
            due_date=row["due_date"],
            deadline_text=row["deadline_text"],
            percent=row["percent"],
            # Working days in (due, today] when late; in (today, due] when still ahead.
            working_days=calendar.working_days_between(row["due_date"], today)
            if late
            else calendar.working_days_between(today, row["due_date"]),
        )
        for row in rows
    ]


def figures(tasks: QuerySet[Task], *, today: dt.date, limit: int | None = SCREEN_LIST_LIMIT) -> Figures:
    """All dashboard figures of a set of tasks of kind "task": four queries whatever their number."""
    counts, units = _unit_figures(_by_unit(tasks, today))
    overdue, soon = _lines(tasks, today, limit)
    dates = [row["due_date"] for row in overdue + soon]
    years = [d.year for d in dates] + [today.year]
    # One query for the working calendar of every year the lists span.
    calendar = WorkingCalendar(years=range(min(years), max(years) + 1))
    return Figures(
        today=today,
        counts=counts,
        units=units,
        overdue=_to_lines(overdue, calendar, today, late=True),
        due_soon=_to_lines(soon, calendar, today, late=False),
    )


def plan_dashboard(*, plan: Plan, today: dt.date, limit: int | None = SCREEN_LIST_LIMIT) -> Figures:
    """Figures of one plan (the caller has checked that the actor may see it, e.g. with selectors.plan_get)."""
    return figures(Task.objects.filter(plan=plan, kind=TaskKind.TASK), today=today, limit=limit)


@dataclass
class PlanRow:
    pk: int
    title: str
    number: str
    organisation: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> Rate:
        return Rate.of(self.counts)

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)


@dataclass
class OrgDashboard:
    organisation: Organisation
    plans: list[PlanRow]
    figures: Figures
    led_units: list[UnitFigures]

    @property
    def led_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for unit in self.led_units:
            for status, n in unit.counts.items():
                counts[status] += n
        return dict(counts)

    @property
    def led_total(self) -> int:
        return sum(u.total for u in self.led_units)

    @property
    def led_rate(self) -> Rate:
        return Rate.of(self.led_counts)


def org_dashboard(*, organisation: Organisation, today: dt.date, limit: int | None = SCREEN_LIST_LIMIT) -> OrgDashboard:
    """Figures across the active plans of an organisation and its subtree, and of the tasks its units lead.

    The caller has checked plans.view at `organisation`; that permission covers its subtree's plans and
    every plan that gives its units a task (selectors.plans_visible), so nothing here reveals more.
    """
    plans = Plan.objects.filter(organisation__path__startswith=organisation.path, status__in=ACTIVE_PLAN_STATES)
    tasks = Task.objects.filter(plan__in=plans.values("pk"), kind=TaskKind.TASK)
    rows = (
        tasks.annotate(status=status_expression(today))
        .values("plan_id", "plan__title", "plan__number", "plan__organisation__name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    plan_rows: dict[int, PlanRow] = {}
    for row in rows:
        plan_row = plan_rows.get(row["plan_id"])
        if plan_row is None:
            plan_row = plan_rows[row["plan_id"]] = PlanRow(
                row["plan_id"], row["plan__title"], row["plan__number"], row["plan__organisation__name"]
            )
        plan_row.counts[row["status"]] = row["n"]
    led = Task.objects.filter(
        kind=TaskKind.TASK, plan__status__in=ACTIVE_PLAN_STATES, lead_unit__path__startswith=organisation.path
    )
    _counts, led_units = _unit_figures(_by_unit(led, today))
    return OrgDashboard(
        organisation=organisation,
        plans=sorted(plan_rows.values(), key=lambda p: (p.organisation, p.title, p.pk)),
        figures=figures(tasks, today=today, limit=limit),
        led_units=led_units,
    )


def unit_table(units: list[UnitFigures], statuses: list[StatusCount]) -> list[dict]:
    """Rows for the table beside the unit chart: the unit's count for each status shown (templates can't index)."""
    return [
        {"unit": unit, "cells": [unit.count(s.status) for s in statuses], "total": unit.total, "rate": unit.rate}
        for unit in units
    ]
