"""A task's status, derived from its dates and progress — never typed by hand.

One rule, written twice: `derive_status` for a task in hand and `status_expression` for the database,
so dashboards count statuses with one GROUP BY. The tests check the two agree on generated tasks.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    COMPLETED_EARLY = "completed_early", _("Hoàn thành trước hạn")
    COMPLETED_ON_TIME = "completed_on_time", _("Hoàn thành đúng hạn")
    COMPLETED_LATE = "completed_late", _("Hoàn thành quá hạn")
    RECURRING_ON_TRACK = "recurring_on_track", _("Thường xuyên — đúng tiến độ")
    RECURRING_BEHIND = "recurring_behind", _("Thường xuyên — chậm báo cáo")
    DROPPED = "dropped", _("Dừng thực hiện")


COMPLETED = frozenset({TaskStatus.COMPLETED_EARLY, TaskStatus.COMPLETED_ON_TIME, TaskStatus.COMPLETED_LATE})
UNFINISHED = frozenset(
    {
        TaskStatus.NOT_STARTED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.DUE_SOON,
        TaskStatus.OVERDUE,
        TaskStatus.RECURRING_ON_TRACK,
        TaskStatus.RECURRING_BEHIND,
    }
)
# Statuses that count as "on time" in an on-time rate: finished by the due date, or recurring and reporting.
ON_TIME = frozenset({TaskStatus.COMPLETED_EARLY, TaskStatus.COMPLETED_ON_TIME, TaskStatus.RECURRING_ON_TRACK})
LATE = frozenset({TaskStatus.COMPLETED_LATE, TaskStatus.OVERDUE, TaskStatus.RECURRING_BEHIND})
# Colour of each status tag (GOV.UK tag modifiers).
TAG_COLOURS = {
    TaskStatus.NOT_STARTED: "grey",
    TaskStatus.IN_PROGRESS: "blue",
    TaskStatus.DUE_SOON: "yellow",
    TaskStatus.OVERDUE: "red",
    TaskStatus.COMPLETED_EARLY: "green",
    TaskStatus.COMPLETED_ON_TIME: "green",
    TaskStatus.COMPLETED_LATE: "orange",
    TaskStatus.RECURRING_ON_TRACK: "turquoise",
    TaskStatus.RECURRING_BEHIND: "pink",
    TaskStatus.DROPPED: "grey",
}


def derive_status(task, today: dt.date) -> str:
    """The status of one task on `today` (the same rule as `status_expression`)."""
    if task.dropped_on is not None:
        return TaskStatus.DROPPED
    if task.completed_on is not None:
        if task.window_start is not None and task.completed_on < task.window_start:
            return TaskStatus.COMPLETED_EARLY
        if task.due_date is None or task.completed_on <= task.due_date:
            return TaskStatus.COMPLETED_ON_TIME
        return TaskStatus.COMPLETED_LATE
    if task.due_date is not None and task.due_date < today:
        return TaskStatus.OVERDUE
    if task.deadline_kind == "recurring":
        if task.report_due is not None and task.report_due < today:
            return TaskStatus.RECURRING_BEHIND
        return TaskStatus.RECURRING_ON_TRACK
    if task.due_soon_from is not None and task.due_soon_from <= today:
        return TaskStatus.DUE_SOON
    if task.percent > 0 or task.last_report_on is not None:
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED


def status_expression(today: dt.date, prefix: str = "") -> Case:
    """The status as an SQL CASE over a Task queryset (or over a relation, with `prefix` like 'task__')."""

    def f(name: str) -> F:
        return F(prefix + name)

    def q(**kwargs) -> Q:
        return Q(**{prefix + key: value for key, value in kwargs.items()})

    done = q(completed_on__isnull=False)
    return Case(
        When(q(dropped_on__isnull=False), then=Value(TaskStatus.DROPPED.value)),
        When(
            done & q(window_start__isnull=False) & Q(**{prefix + "completed_on__lt": f("window_start")}),
            then=Value(TaskStatus.COMPLETED_EARLY.value),
        ),
        When(
            done & (q(due_date__isnull=True) | Q(**{prefix + "completed_on__lte": f("due_date")})),
            then=Value(TaskStatus.COMPLETED_ON_TIME.value),
        ),
        When(done, then=Value(TaskStatus.COMPLETED_LATE.value)),
        When(q(due_date__lt=today), then=Value(TaskStatus.OVERDUE.value)),
        When(q(deadline_kind="recurring", report_due__lt=today), then=Value(TaskStatus.RECURRING_BEHIND.value)),
        When(q(deadline_kind="recurring"), then=Value(TaskStatus.RECURRING_ON_TRACK.value)),
        When(q(due_soon_from__lte=today), then=Value(TaskStatus.DUE_SOON.value)),
        When(q(percent__gt=0) | q(last_report_on__isnull=False), then=Value(TaskStatus.IN_PROGRESS.value)),
        default=Value(TaskStatus.NOT_STARTED.value),
        output_field=CharField(),
    )
