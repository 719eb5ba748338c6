"""`egov worker` as a real process: configuration errors, and the Redis backend with RQ's own worker."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from egov.notifications.tests.helpers import REDIS_URL, empty_redis


def _run(args, env_extra, cwd, timeout=180):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"EGOV_MODE": "development", "EGOV_DATA_DIR": str(cwd), "EGOV_LOG_LEVEL": "warning", **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "egov.cli", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("EGOV_REMINDER_TIME", "25:00", "EGOV_REMINDER_TIME must be HH:MM, got '25:00'"),
        ("EGOV_REMINDER_TIME", "bảy giờ", "EGOV_REMINDER_TIME must be HH:MM"),
        ("EGOV_TASKS_BACKEND", "celery", "EGOV_TASKS_BACKEND must be one of database, redis, got 'celery'"),
    ],
)
def test_bad_worker_configuration_is_refused_with_the_variable_named(tmp_path, variable, value, message):
    result = _run(["worker", "--once"], {variable: value}, tmp_path)
    assert result.returncode == 2
    assert message in result.stderr


def test_worker_once_with_the_redis_backend(tmp_path):
    connection = empty_redis()
    env = {"EGOV_TASKS_BACKEND": "redis", "EGOV_REDIS_URL": REDIS_URL, "EGOV_REMINDER_TIME": "00:00"}
    try:
        assert _run(["migrate"], env, tmp_path).returncode == 0
        result = _run(["worker", "--once"], env, tmp_path)
        assert result.returncode == 0, result.stderr
        today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
        assert "egov worker: redis backend, reminders at 00:00 Asia/Ho_Chi_Minh (once)" in result.stdout
        assert f"egov worker: enqueued plans.daily_reminders for {today}" in result.stdout
        # RQ ran the three daily jobs (burst mode) and nothing is left in the queue
        assert connection.llen("rq:queue:default") == 0
        assert connection.zcard("rq:finished:default") == 3
        with sqlite3.connect(tmp_path / "egov.sqlite3") as db:
            runs = db.execute("SELECT job FROM notifications_periodicrun ORDER BY job").fetchall()
        assert runs == [("documents.archive_notices",), ("plans.daily_reminders",), ("plans.weekly_digest",)]
        # a second start the same day enqueues nothing
        again = _run(["worker", "--once"], env, tmp_path)
        assert again.returncode == 0
        assert "enqueued" not in again.stdout
    finally:
        connection.flushdb()
