"""Background jobs of the registers (Django Tasks): the format and signature check of electronic arrivals.

An arrival through the exchange is stored at once and checked just after, out of the receiving transaction:
validating a signed PDF takes far longer than storing it, and the exchange must not slow down for it. Jobs take
ids only and are idempotent; the worker's clock catches up arrivals whose job was lost.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

CHECK_RETRY_MINUTES = 15


def check_arrival_now(document_id: int) -> bool:
    from egov.documents.models import Direction, Document
    from egov.documents.services import checks

    with transaction.atomic():
        document = (
            Document.objects.select_for_update(of=("self",))
            .filter(pk=document_id, direction=Direction.INCOMING, format_checked_at__isnull=True)
            .first()
        )
        if document is None:
            return False
        checks.run(document, stage="incoming")
    return True


@task()
def check_arrivals(document_ids: list[int]) -> dict[str, int]:
    """Run the format check on these arrivals (those not checked yet)."""
    return {"checked": sum(1 for pk in document_ids if check_arrival_now(int(pk)))}


def pending_arrival_ids(now: dt.datetime | None = None, *, limit: int = 500) -> list[int]:
    from egov.documents.models import Direction, Document

    stale = (now or timezone.now()) - dt.timedelta(minutes=CHECK_RETRY_MINUTES)
    return list(
        Document.objects.filter(direction=Direction.INCOMING, format_checked_at__isnull=True, received_at__lt=stale)
        .exclude(state="recalled")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


@task()
def check_pending_arrivals() -> dict[str, int]:
    """The worker's safety net: check the arrivals whose job was lost (a worker killed)."""
    return {"checked": sum(1 for pk in pending_arrival_ids() if check_arrival_now(pk))}


def with_priority(job, priority: int):
    """The job at this priority where the backend orders by priority (the database one); as it is elsewhere.

    The arrival check runs below the exchange's jobs: a burst of arrivals is stored and acknowledged first, and
    the slower signature validation follows when the worker has time."""
    from django_tasks import default_task_backend

    return job.using(priority=priority) if default_task_backend.supports_priority else job


def check_after_commit(document_id: int) -> None:
    from django.conf import settings
    from django_tasks import default_task_backend

    job = with_priority(check_arrivals, -20)
    delay = settings.EGOV_ARRIVAL_CHECK_DELAY_SECONDS
    if delay and default_task_backend.supports_defer:
        job = job.using(run_after=timezone.now() + dt.timedelta(seconds=delay))

    def enqueue() -> None:
        try:
            job.enqueue([document_id])
        except Exception:  # the queue unreachable: the periodic job catches it up
            import logging

            logging.getLogger(__name__).exception("could not enqueue the check of document %s", document_id)

    transaction.on_commit(enqueue)
