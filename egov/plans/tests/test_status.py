"""Derived status: the Python rule and the SQL expression agree, and each status means what it says."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from types import SimpleNamespace

import pytest

from egov.plans.models import Task
from egov.plans.status import TaskStatus, derive_status, status_expression
from egov.plans.tests.factories import make_plan

TODAY = dt.date(2019, 6, 13)


def t(**kw):
    base = {
        "dropped_on": None,
        "completed_on": None,
        "window_start": dt.date(2019, 9, 1),
        "due_date": dt.date(2019, 9, 30),
        "due_soon_from": dt.date(2019, 9, 23),
        "deadline_kind": "month",
        "report_due": None,
        "percent": 0,
        "last_report_on": None,
    }
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.mark.parametrize(
    ("task", "status"),
    [
        (t(), TaskStatus.NOT_STARTED),
        (t(percent=20), TaskStatus.IN_PROGRESS),
        (t(last_report_on=dt.date(2019, 5, 1)), TaskStatus.IN_PROGRESS),
        (t(due_soon_from=TODAY, percent=50), TaskStatus.DUE_SOON),
        (t(due_date=dt.date(2019, 6, 12)), TaskStatus.OVERDUE),
        (t(due_date=TODAY, due_soon_from=dt.date(2019, 6, 6)), TaskStatus.DUE_SOON),
        (t(completed_on=dt.date(2019, 6, 10)), TaskStatus.COMPLETED_EARLY),
        (t(completed_on=dt.date(2019, 9, 1)), TaskStatus.COMPLETED_ON_TIME),
        (t(completed_on=dt.date(2019, 9, 30)), TaskStatus.COMPLETED_ON_TIME),
        (t(completed_on=dt.date(2019, 10, 1)), TaskStatus.COMPLETED_LATE),
        (t(dropped_on=dt.date(2019, 6, 1)), TaskStatus.DROPPED),
        (
            t(deadline_kind="recurring", due_date=dt.date(2025, 12, 31), report_due=dt.date(2019, 7, 1)),
            TaskStatus.RECURRING_ON_TRACK,
        ),
        (
            t(deadline_kind="recurring", due_date=dt.date(2025, 12, 31), report_due=dt.date(2019, 6, 12)),
            TaskStatus.RECURRING_BEHIND,
        ),
        (
            t(deadline_kind="recurring", due_date=dt.date(2019, 6, 12), report_due=dt.date(2019, 7, 1)),
            TaskStatus.OVERDUE,
        ),
    ],
)
def test_derive_status(task, status):
    assert derive_status(task, TODAY) == status


@pytest.mark.django_db
def test_sql_expression_agrees_with_python(tree):
    """Every combination of the inputs that matter, on both sides of today, stored and read back."""
    plan = make_plan(tree["bvh"])
    rng = random.Random(20190613)
    days = [None, TODAY - dt.timedelta(days=3), TODAY, TODAY + dt.timedelta(days=3)]
    rows = []
    for completed, dropped, due, soon, kind, report_due, percent in itertools.product(
        days, [None, TODAY], days[1:], days, ["month", "recurring"], [None, *days[1:]], [0, 40]
    ):
        rows.append(
            Task(
                plan=plan,
                lead_unit=tree["bvh_cntt"],
                title="x",
                sort_key=f"{len(rows):06d}",
                completed_on=completed,
                dropped_on=dropped,
                window_start=(due - dt.timedelta(days=rng.randint(0, 6))) if due else None,
                due_date=due,
                due_soon_from=soon,
                deadline_kind=kind,
                report_due=report_due,
                percent=percent,
                last_report_on=rng.choice([None, TODAY]),
            )
        )
    Task.objects.bulk_create(rows)
    stored = list(Task.objects.filter(plan=plan).annotate(status=status_expression(TODAY)).order_by("sort_key"))
    assert len(stored) == len(rows) == 4 * 2 * 3 * 4 * 2 * 4 * 2
    mismatches = [(s.pk, s.status, derive_status(s, TODAY)) for s in stored if s.status != derive_status(s, TODAY)]
    assert mismatches == []
    assert {s.status for s in stored} == set(TaskStatus.values)
