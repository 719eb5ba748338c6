"""The exchange's jobs on the Django Tasks API: the database queue (embedded) and Redis (RQ) for scale."""

import pytest
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from egov.documents.models import Document
from egov.documents.services.issuing import document_issue, document_sign
from egov.documents.tests.factories import PIN, actor, approved_draft
from egov.exchange import tasks
from egov.exchange.models import OutboxMessage
from egov.notifications.tests.helpers import REDIS_URL, empty_redis, run_worker

pytestmark = pytest.mark.django_db(transaction=False)


def issue(agency):
    document = document_sign(actor=actor(agency.director), document=approved_draft(agency), pin=PIN)
    return document_issue(actor=actor(agency.clerk), document=document, pin=PIN)


def _reset_gaps():
    tasks._last.update(push=0.0, poll=0.0)


@pytest.mark.django_db(transaction=True)  # the worker closes connections left in a transaction
def test_the_commit_wakes_the_pusher_and_the_clock_polls(exchange):
    _reset_gaps()
    issue(exchange)  # committed: its on-commit hook wakes the pusher
    queued = list(DBTaskResult.objects.values_list("task_path", "priority"))
    assert ("egov.exchange.tasks.push_outbox", 10) in queued
    _reset_gaps()
    assert tasks.tick() == ["exchange.poll", "exchange.push"]
    assert tasks.tick() == []  # within the poll interval and the push gap: nothing more
    run_worker()
    assert OutboxMessage.objects.filter(kind="edoc").count() == 0
    assert Document.objects.filter(organisation=exchange.recipient_org).count() == 1


def test_no_hub_configured_no_jobs(settings):
    settings.EGOV_EXCHANGE_HUB_URL = ""
    _reset_gaps()
    assert tasks.tick() == []


def test_redis_backend_runs_the_exchange_jobs(exchange):
    connection = empty_redis()
    from django_rq import get_worker
    from django_tasks_rq import Job
    from rq import SimpleWorker

    issue(exchange)
    try:
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
            RQ_QUEUES={"default": {"URL": REDIS_URL}},
        ):
            pushed = tasks.push_outbox.enqueue()
            polled = tasks.poll_hub.enqueue()
            assert OutboxMessage.objects.count() == 1  # queued in Redis, not run yet
            worker = get_worker("default", job_class=Job, worker_class=SimpleWorker)
            assert worker.work(burst=True) is True
            assert tasks.push_outbox.get_result(pushed.id).status == TaskResultStatus.SUCCESSFUL
            result = tasks.poll_hub.get_result(polled.id)
            assert result.status == TaskResultStatus.SUCCESSFUL
            # the package registered at Hải Hậu, and its status 01 pushed in the same job
            assert result.return_value == {
                "applied": 1,
                "duplicates": 0,
                "refused": 0,
                "sent": 1,
                "failed": 0,
                "retried": 0,
            }
    finally:
        connection.flushdb()
    assert Document.objects.filter(organisation=exchange.recipient_org).count() == 1
