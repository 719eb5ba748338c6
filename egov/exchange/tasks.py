"""Background jobs of the exchange (Django Tasks): push the outbox, pull from the hub. Safe to run twice.

Each job drains its queue in rounds until nothing is left (or a time budget is spent), under a lease that keeps
one pusher and one poller at a time. A commit that writes to the outbox wakes the pusher; the worker's clock
enqueues a poll every EGOV_EXCHANGE_POLL_SECONDS and a push when retries are due.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from egov.exchange import lease

logger = logging.getLogger(__name__)
ROUND_BUDGET_SECONDS = 25

_last = {"push": 0.0, "poll": 0.0}
_last_lock = threading.Lock()


_clients: dict = {}


def _client():
    """This process's client for the configured hub, kept between jobs (its connection and TLS context with it)."""
    from egov.exchange.client import HubConfig, configured_client

    config = HubConfig.from_settings()
    if config is None:
        return None
    with _last_lock:
        client = _clients.get(config)
        if client is None:
            for old in _clients.values():
                old.close()
            _clients.clear()
            client = _clients[config] = configured_client()
    return client


def drain_push(client, *, budget: float = ROUND_BUDGET_SECONDS) -> dict[str, int]:
    from egov.exchange.services.push import push

    totals = {"sent": 0, "failed": 0, "retried": 0}
    deadline = time.monotonic() + budget
    try:
        while time.monotonic() < deadline:
            report = push(client, limit=settings.EGOV_EXCHANGE_BATCH)
            totals["sent"] += report.sent
            totals["failed"] += report.failed
            totals["retried"] += report.retried
            if report.sent + report.failed == 0:
                break
    finally:
        lease.release("push")
    return totals


def drain_poll(client, *, budget: float = ROUND_BUDGET_SECONDS) -> dict[str, int]:
    from egov.exchange.services.receive import poll

    totals = {"applied": 0, "duplicates": 0, "refused": 0}
    deadline = time.monotonic() + budget
    try:
        while time.monotonic() < deadline:
            report = poll(client, limit=settings.EGOV_EXCHANGE_BATCH)
            totals["applied"] += report.applied
            totals["duplicates"] += report.duplicates
            totals["refused"] += report.refused
            if report.applied + report.duplicates + report.refused == 0:
                break
    finally:
        lease.release("poll")
    return totals


@task()
def push_outbox() -> dict[str, int]:
    client = _client()
    if client is None:
        return {}
    return drain_push(client)


@task()
def poll_hub() -> dict[str, int]:
    client = _client()
    if client is None:
        return {}
    result = drain_poll(client)
    # Applying what arrived queued status messages (01, 15...): send them now rather than at the next wake.
    result.update(drain_push(client))
    return result


def _enqueue(name: str, job, *, min_gap: float) -> bool:
    now = time.monotonic()
    with _last_lock:
        if now - _last[name] < min_gap:
            return False
        _last[name] = now
    from egov.documents.tasks import with_priority

    try:
        with_priority(job, 10).enqueue()
    except Exception:  # the queue (Redis) unreachable: the worker's clock enqueues again later
        logger.exception("could not enqueue the exchange %s job", name)
        return False
    return True


def wake_pusher() -> None:
    """After a commit that wrote to the outbox (at most one job per half second per process)."""
    if settings.EGOV_EXCHANGE_HUB_URL:
        _enqueue("push", push_outbox, min_gap=0.5)


def tick(now=None) -> list[str]:
    """Called by the worker's clock: poll the hub on schedule; push when retries are due."""
    from egov.exchange.models import OutboxMessage

    if not settings.EGOV_EXCHANGE_HUB_URL:
        return []
    done = []
    if _enqueue("poll", poll_hub, min_gap=settings.EGOV_EXCHANGE_POLL_SECONDS):
        done.append("exchange.poll")
    due = OutboxMessage.objects.filter(failed=False, next_attempt_at__lte=now or timezone.now()).exists()
    if due and _enqueue("push", push_outbox, min_gap=1.0):
        done.append("exchange.push")
    return done


def exchange_now(*, client=None, rounds: int = 10) -> dict[str, int]:
    """Push and poll until nothing moves (a package, then its status 01, ...): what the worker does, at once."""
    from egov.exchange.client import configured_client

    own = client is None
    client = client or configured_client()
    totals = {"sent": 0, "applied": 0, "refused": 0, "duplicates": 0, "failed": 0, "retried": 0}
    if client is None:
        return totals
    try:
        for _ in range(rounds):
            pushed = drain_push(client)
            polled = drain_poll(client)
            for key, value in (*pushed.items(), *polled.items()):
                totals[key] = totals.get(key, 0) + value
            if not pushed["sent"] and not any(polled.values()):
                break
    finally:
        if own:
            client.close()
    return totals
