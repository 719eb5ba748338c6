"""E-mail copies of notices: queued as a Django task, sent through a real SMTP server, failures retried."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from egov.accounts.tests.factories import make_person
from egov.accounts.tests.smtp import smtp_server
from egov.notifications import mail
from egov.notifications.models import EmailState, Notification, PeriodicRun
from egov.notifications.scheduler import enqueue_due
from egov.notifications.services import notify_users
from egov.notifications.tests.helpers import closed_port, run_worker, smtp_settings


@pytest.fixture
def recipients(tree):
    return [
        make_person("nd.an", tree["nd_stttt"], "specialist"),
        make_person("nd.binh", tree["nd_stttt"], "specialist"),
        make_person("nd.khongthu", tree["nd_stttt"], "specialist", email=""),
    ]


def _notify(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return notify_users(
            users=users,
            topic="tests.hello",
            title="Thông báo thử nghiệm\nhai dòng",
            body="Nội dung có dấu: Đôn đốc thực hiện.",
            url="/plans/tasks/7/",
        )


def test_notices_are_saved_and_their_email_queued_not_sent(recipients, django_capture_on_commit_callbacks):
    created = _notify(recipients, django_capture_on_commit_callbacks)
    assert [n.email_state for n in created] == [EmailState.PENDING, EmailState.PENDING, EmailState.NONE]
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "egov.notifications.tasks.email_notifications"
    assert queued.args_kwargs == {"args": [sorted([created[0].pk, created[1].pk])], "kwargs": {}}
    assert Notification.objects.filter(email_attempts__gt=0).count() == 0


@pytest.mark.django_db(transaction=True)  # the worker closes connections left in a transaction
def test_the_worker_delivers_to_a_real_smtp_server(recipients, django_capture_on_commit_callbacks):
    created = _notify(recipients, django_capture_on_commit_callbacks)
    with smtp_server() as (port, messages), smtp_settings(port):
        run_worker()
    assert sorted(m["To"] for m in messages) == ["nd.an@example.test", "nd.binh@example.test"]
    message = messages[0]
    assert message["Subject"] == "Thông báo thử nghiệm hai dòng"
    assert message["From"] == "egov <no-reply@egov.test>"
    assert message.get_body(preferencelist=("plain",)).get_content().splitlines() == [
        "Nội dung có dấu: Đôn đốc thực hiện.",
        "",
        "https://egov.example.test/plans/tasks/7/",
    ]
    rows = {n.pk: n for n in Notification.objects.all()}
    for n in created[:2]:
        assert (rows[n.pk].email_state, rows[n.pk].email_attempts, rows[n.pk].email_error) == (EmailState.SENT, 1, "")
        assert rows[n.pk].emailed_at is not None
    assert (rows[created[2].pk].email_state, rows[created[2].pk].email_attempts) == (EmailState.NONE, 0)
    # running the task again sends nothing more
    with smtp_server() as (port, again), smtp_settings(port):
        assert mail.send_emails([n.pk for n in created]) == {"sent": 0, "failed": 0}
    assert again == []


@pytest.mark.django_db(transaction=True)  # the worker closes connections left in a transaction
def test_a_refused_connection_marks_failed_and_the_next_run_retries(recipients, django_capture_on_commit_callbacks):
    created = _notify(recipients[:1], django_capture_on_commit_callbacks)
    pk = created[0].pk
    with smtp_settings(closed_port()):
        run_worker()
    row = Notification.objects.get(pk=pk)
    assert (row.email_state, row.email_attempts) == (EmailState.FAILED, 1)
    assert row.email_error.startswith("ConnectionRefusedError")
    assert mail.retryable_ids() == [pk]
    # the worker's next tick queues the retry (once per retry slot), and the server is back
    early_morning = timezone.make_aware(dt.datetime(2030, 1, 2, 6, 0))  # before the daily run's time
    assert [r.job for r in enqueue_due(early_morning)] == ["notifications.retry_emails"]
    assert enqueue_due(early_morning + dt.timedelta(minutes=1)) == []  # same retry slot: not queued twice
    assert PeriodicRun.objects.filter(job="notifications.retry_emails").count() == 1
    with smtp_server() as (port, messages), smtp_settings(port):
        run_worker()
    assert [m["To"] for m in messages] == ["nd.an@example.test"]
    row.refresh_from_db()
    assert (row.email_state, row.email_attempts, row.email_error) == (EmailState.SENT, 2, "")
    assert mail.retryable_ids() == []


def test_gives_up_after_five_attempts(recipients, django_capture_on_commit_callbacks):
    created = _notify(recipients[:1], django_capture_on_commit_callbacks)
    pk = created[0].pk
    with smtp_settings(closed_port()):
        for expected in (1, 2, 3, 4, 5):
            assert mail.send_emails([pk]) == {"sent": 0, "failed": 1}
            assert Notification.objects.get(pk=pk).email_attempts == expected
        assert mail.send_emails([pk]) == {"sent": 0, "failed": 0}
    row = Notification.objects.get(pk=pk)
    assert (row.email_state, row.email_attempts) == (EmailState.FAILED, 5)
    assert mail.retryable_ids() == []


def test_pending_mail_whose_task_was_lost_is_picked_up_later(recipients):
    # created outside a commit hook: nothing was queued for it
    notice = notify_users(users=recipients[:1], topic="t", title="Tiêu đề", body="Nội dung")[0]
    assert mail.retryable_ids() == []  # too recent: its task may still be waiting in the queue
    assert mail.retryable_ids(now=timezone.now() + dt.timedelta(minutes=11)) == [notice.pk]


def test_an_email_claimed_by_another_worker_is_not_sent_twice(recipients, django_capture_on_commit_callbacks):
    created = _notify(recipients[:1], django_capture_on_commit_callbacks)
    # another worker has claimed it (attempt counted, not finished yet)
    Notification.objects.filter(pk=created[0].pk).update(email_attempts=1)
    with smtp_server() as (port, messages), smtp_settings(port):
        assert mail.send_emails([created[0].pk]) == {"sent": 0, "failed": 0}
    assert messages == []
