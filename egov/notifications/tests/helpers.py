"""Running the database worker once, and a loopback port that nothing listens on, for the e-mail tests."""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager

from django.test import override_settings
from django_tasks_db.management.commands.db_worker import Worker


def run_worker() -> None:
    """Run every queued task with the database backend's own worker (batch mode), as `egov worker --once` does."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    ).run()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_settings(port: int):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
        DEFAULT_FROM_EMAIL="egov <no-reply@egov.test>",
        EGOV_SITE_URL="https://egov.example.test",
    ):
        yield


# scripts/test gives the SQLite and the PostgreSQL runs, which run side by side, a Redis database each.
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('EGOV_TEST_REDIS_DB', '9')}"


def empty_redis():
    """A connection to the suite's Redis database, emptied; the test fails (not skips) when Redis is not there."""
    import pytest
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"This test needs Redis at {REDIS_URL} (CI runs one): {exc}")
    connection.flushdb()
    return connection
