"""The clock of `egov worker`: which periodic jobs are due now, each enqueued once per period.

A job is claimed by inserting its `PeriodicRun(job, period)` row and enqueued in the same transaction, so a
worker restarted the same day, or a second worker, finds the row and does not enqueue the run again. A run
missed while no worker was up is caught up at the next start (the reminder job looks at the state of the
tasks, not at what happened on the missed day).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from egov.notifications import mail
from egov.notifications.models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueRun:
    job: str
    period: str
    task_path: str
    args: tuple = ()


def reminder_time() -> dt.time:
    hour, minute = (int(part) for part in settings.EGOV_REMINDER_TIME.split(":"))
    return dt.time(hour, minute)


EXTRACTION_RETRY_MINUTES = 15


def _text_pending() -> bool:
    from egov.documents.models import DocumentText

    stale = timezone.now() - dt.timedelta(minutes=EXTRACTION_RETRY_MINUTES)
    return DocumentText.objects.filter(needs_extraction=True, document__updated_at__lt=stale).exists()


def due_runs(now: dt.datetime) -> list[DueRun]:
    """The periodic runs due at `now` (whether or not already claimed)."""
    local = timezone.localtime(now)
    today = local.date()
    runs = []
    if local.time() >= reminder_time():
        runs.append(
            DueRun("plans.daily_reminders", today.isoformat(), "egov.plans.tasks.daily_reminders", (today.isoformat(),))
        )
        # The digest belongs to the week starting on Monday; a worker that was down on Monday sends it later that week.
        week_start = today - dt.timedelta(days=today.weekday())
        runs.append(
            DueRun(
                "plans.weekly_digest", week_start.isoformat(), "egov.plans.tasks.weekly_digest", (today.isoformat(),)
            )
        )
        if settings.EGOV_EXCHANGE_HUB_URL:
            # The exchange's record of old deliveries (docs/exchange.md, "Retention").
            runs.append(DueRun("exchange.purge_inbox", today.isoformat(), "egov.exchange.retention.purge_inbox_job"))
        # Files (hồ sơ) due for the archive within 30 days: their creators and clerks are told once.
        runs.append(
            DueRun(
                "documents.archive_notices",
                today.isoformat(),
                "egov.documents.archive.daily_archive_notices",
                (today.isoformat(),),
            )
        )
    if _text_pending():
        # Text extraction whose job was lost (a worker killed, pdftotext installed late) is picked up again.
        slot = int(now.timestamp() // (60 * EXTRACTION_RETRY_MINUTES))
        runs.append(
            DueRun(
                "documents.extract_pending",
                f"{EXTRACTION_RETRY_MINUTES}m:{slot}",
                "egov.documents.search.tasks.extract_pending_job",
            )
        )
    from egov.documents.tasks import CHECK_RETRY_MINUTES, pending_arrival_ids

    if pending_arrival_ids(now, limit=1):
        # Format checks of electronic arrivals whose job was lost (a worker killed) are run again.
        slot = int(now.timestamp() // (60 * CHECK_RETRY_MINUTES))
        runs.append(
            DueRun(
                "documents.check_arrivals",
                f"{CHECK_RETRY_MINUTES}m:{slot}",
                "egov.documents.tasks.check_pending_arrivals",
            )
        )
    if mail.retryable_ids(now=now):
        minutes = settings.EGOV_EMAIL_RETRY_MINUTES
        slot = int(now.timestamp() // (60 * minutes))
        runs.append(DueRun("notifications.retry_emails", f"{minutes}m:{slot}", "egov.notifications.tasks.retry_emails"))
    return runs


def _claim_and_enqueue(run: DueRun) -> bool:
    try:
        with transaction.atomic():
            claim = PeriodicRun.objects.create(job=run.job, period=run.period)
            result = import_string(run.task_path).enqueue(*run.args)
            claim.task_id = str(result.id)[:64]
            claim.save(update_fields=["task_id"])
    except IntegrityError:
        return False  # already enqueued for this period, by this worker earlier or by another one
    return True


def enqueue_due(now: dt.datetime | None = None) -> list[DueRun]:
    """Enqueue the periodic runs due now that nobody has enqueued yet; returns those this call enqueued."""
    now = now or timezone.now()
    return [run for run in due_runs(now) if _claim_and_enqueue(run)]
