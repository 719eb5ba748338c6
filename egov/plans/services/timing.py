"""Turning a task's written deadline into its dates, with the plan's settings and the working calendar."""

from __future__ import annotations

import datetime as dt

from egov.calendar.workdays import WorkingCalendar
from egov.plans.deadlines import Deadline, deadline_of, resolve
from egov.plans.models import DeadlineKind, Plan, Task


def set_deadline(task: Task, deadline: Deadline) -> None:
    task.deadline_kind = deadline.kind
    task.deadline_date = deadline.date
    task.deadline_year = deadline.last_year if deadline.kind != DeadlineKind.DATE else deadline.date.year
    task.deadline_part = deadline.part
    task.deadline_start_year = deadline.start_year
    task.deadline_text = deadline.text()


def recurring_report_due(task: Task, plan: Plan) -> dt.date | None:
    """Recurring work reports every cycle: the next report is due a cycle after the last one (or the issue)."""
    if task.deadline_kind != DeadlineKind.RECURRING:
        return None
    since = task.last_report_on or plan.issued_on
    if since is None:
        return None
    return since + dt.timedelta(days=plan.recurring_report_days)


def apply_resolution(task: Task, plan: Plan, calendar: WorkingCalendar) -> None:
    """Set window_start, due_date, due_soon_from and report_due from the task's deadline (no save)."""
    deadline = deadline_of(task)
    if deadline is None:
        task.window_start = task.due_date = task.due_soon_from = task.report_due = None
        return
    resolved = resolve(deadline, calendar=calendar, due_soon_days=plan.due_soon_days)
    task.window_start = resolved.window_start
    task.due_date = resolved.due_date
    task.due_soon_from = resolved.due_soon_from
    task.report_due = recurring_report_due(task, plan)
