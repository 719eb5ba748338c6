"""The worker end to end: the scheduler enqueues the periodic runs once, the database worker or an RQ worker
runs them, and the reminder e-mails reach a real SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from egov.accounts.tests.smtp import smtp_server
from egov.cli import main
from egov.notifications.models import Notification, PeriodicRun
from egov.notifications.scheduler import enqueue_due
from egov.notifications.tests.helpers import REDIS_URL, empty_redis, run_worker, smtp_settings
from egov.plans.models import ReminderDigest, TaskEvent, Urge
from egov.plans.tasks import daily_reminders
from egov.plans.tests.test_reminders import plan_tasks, staff  # noqa: F401 (fixtures)


def _local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def _runs():
    return list(PeriodicRun.objects.order_by("job", "period").values_list("job", "period"))


def test_the_scheduler_enqueues_each_periodic_run_once(db):
    assert enqueue_due(_local(2019, 9, 23, 6, 59)) == []  # Monday, before 07:00
    runs = enqueue_due(_local(2019, 9, 23, 7, 0))
    assert [(r.job, r.period, r.args) for r in runs] == [
        ("plans.daily_reminders", "2019-09-23", ("2019-09-23",)),
        ("plans.weekly_digest", "2019-09-23", ("2019-09-23",)),
        ("documents.archive_notices", "2019-09-23", ("2019-09-23",)),
    ]
    # a restarted or second worker the same day enqueues nothing
    assert enqueue_due(_local(2019, 9, 23, 7, 0)) == []
    assert enqueue_due(_local(2019, 9, 23, 18, 0)) == []
    # Tuesday: the daily run only, the week's digest is done
    assert [r.job for r in enqueue_due(_local(2019, 9, 24, 7, 5))] == [
        "plans.daily_reminders",
        "documents.archive_notices",
    ]
    assert _runs() == [
        ("documents.archive_notices", "2019-09-23"),
        ("documents.archive_notices", "2019-09-24"),
        ("plans.daily_reminders", "2019-09-23"),
        ("plans.daily_reminders", "2019-09-24"),
        ("plans.weekly_digest", "2019-09-23"),
    ]
    queued = DBTaskResult.objects.order_by("enqueued_at", "task_path")
    assert [(q.task_path, q.args_kwargs["args"]) for q in queued] == [
        ("egov.plans.tasks.daily_reminders", ["2019-09-23"]),
        ("egov.plans.tasks.weekly_digest", ["2019-09-23"]),
        ("egov.documents.archive.daily_archive_notices", ["2019-09-23"]),
        ("egov.plans.tasks.daily_reminders", ["2019-09-24"]),
        ("egov.documents.archive.daily_archive_notices", ["2019-09-24"]),
    ]
    assert {r.task_id for r in PeriodicRun.objects.all()} == {str(q.id) for q in queued}


@override_settings(EGOV_REMINDER_TIME="08:30")
def test_the_reminder_time_is_configurable(db):
    assert enqueue_due(_local(2019, 9, 24, 8, 29)) == []
    assert [r.job for r in enqueue_due(_local(2019, 9, 24, 8, 30))] == [
        "plans.daily_reminders",
        "plans.weekly_digest",
        "documents.archive_notices",
    ]


def test_a_digest_missed_on_monday_is_sent_later_that_week(db):
    runs = enqueue_due(_local(2019, 9, 26, 9, 0))  # Thursday: the worker was down since last week
    assert [(r.job, r.period) for r in runs] == [
        ("plans.daily_reminders", "2019-09-26"),
        ("plans.weekly_digest", "2019-09-23"),
        ("documents.archive_notices", "2019-09-26"),
    ]


@pytest.mark.django_db(transaction=True)  # the worker closes connections left in a transaction
def test_database_worker_runs_the_reminders_and_mails_them(plan_tasks):  # noqa: F811
    enqueue_due(_local(2019, 9, 23, 7, 0))
    with smtp_server() as (port, messages), smtp_settings(port):
        run_worker()  # the reminder run and the digest, then the e-mail task they queued when they committed
    assert list(Urge.objects.values_list("milestone", flat=True)) == ["due:2019-09-30"]
    assert ReminderDigest.objects.filter(week_start=dt.date(2019, 9, 23)).count() == 1
    assert sorted(DBTaskResult.objects.values_list("task_path", "status")) == [
        ("egov.documents.archive.daily_archive_notices", TaskResultStatus.SUCCESSFUL),
        ("egov.notifications.tasks.email_notifications", TaskResultStatus.SUCCESSFUL),
        ("egov.plans.tasks.daily_reminders", TaskResultStatus.SUCCESSFUL),
        ("egov.plans.tasks.weekly_digest", TaskResultStatus.SUCCESSFUL),
    ]
    # the clerk has no address: only the specialist gets the mail, one for the run. (A long encoded subject is
    # folded onto the next line, which the parser reads back with a leading space.)
    assert [(m["To"], m["Subject"].lstrip()) for m in messages] == [
        ("bvh.chuyenvien@example.test", "Nhắc việc: 0 đầu việc quá hạn, 1 đầu việc sắp đến hạn")
    ]
    assert "- [Sắp đến hạn] 1.1. Xây dựng Cổng dịch vụ công — hạn 30/09/2019" in messages[0].get_content()
    # a restarted worker the same day changes nothing
    with smtp_server() as (port, again), smtp_settings(port):
        assert enqueue_due(_local(2019, 9, 23, 9, 0)) == []
        run_worker()
    assert again == []
    assert Urge.objects.count() == 1
    assert Notification.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # the worker closes connections left in a transaction
@override_settings(EGOV_REMINDER_TIME="00:00")
def test_egov_worker_once(plan_tasks, capsys):  # noqa: F811
    today = timezone.localdate()
    assert main(["worker", "--once"]) == 0
    out = capsys.readouterr().out
    assert "egov worker: database backend, reminders at 00:00 Asia/Ho_Chi_Minh (once)" in out
    assert f"egov worker: enqueued plans.daily_reminders for {today.isoformat()}" in out
    assert ("plans.daily_reminders", today.isoformat()) in _runs()
    # every task of the 2019 plan (the recurring one runs to 2025) is by now more than 60 working days late
    assert sorted(Urge.objects.values_list("task__number", "milestone")) == [
        ("1.1", "overdue:2019-09-30:60"),
        ("1.2", "overdue:2019-12-31:60"),
        ("1.3", "overdue:2025-12-31:60"),
    ]
    assert DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).count() == 0
    assert main(["worker", "--once"]) == 0
    assert Urge.objects.count() == 3


def test_redis_backend_runs_the_reminder_task(plan_tasks):  # noqa: F811
    connection = empty_redis()
    from django_rq import get_worker
    from django_tasks_rq import Job
    from rq import SimpleWorker

    try:
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
            RQ_QUEUES={"default": {"URL": REDIS_URL}},
        ):
            result = daily_reminders.enqueue("2019-09-23")
            assert result.status == TaskResultStatus.READY
            assert Urge.objects.count() == 0  # queued in Redis, not run yet
            # in this process (SimpleWorker), so the job sees the test's database transaction
            worker = get_worker("default", job_class=Job, worker_class=SimpleWorker)
            assert worker.work(burst=True) is True
            done = daily_reminders.get_result(result.id)
            assert done.status == TaskResultStatus.SUCCESSFUL
            assert done.return_value == {"due_soon": 1, "overdue": 0, "people": 2, "notifications": 2}
    finally:
        connection.flushdb()
    assert list(Urge.objects.values_list("task_id", "milestone")) == [(plan_tasks["portal"].pk, "due:2019-09-30")]
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.REMINDED).count() == 1
