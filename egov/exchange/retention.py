"""How long the node keeps its record of deliveries taken from the hub.

An `InboxMessage` exists so that a delivery seen again is not applied twice; the hub re-delivers only what was
never acknowledged, so after EGOV_EXCHANGE_INBOX_DAYS (a year by default) the row has done its work and is
deleted. What a delivery changed stays: the registered document, its `ReceivedDocument` row (which alone keeps
a DocumentId from registering twice) and the timelines. Failed outbox rows are never deleted here: an operator
decides about them on /exchange/.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

BATCH = 1000


def purge_inbox(now: dt.datetime | None = None) -> int:
    """Delete inbox rows older than the retention period, in batches of one transaction each; returns how many."""
    from egov.exchange.models import InboxMessage

    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.EGOV_EXCHANGE_INBOX_DAYS)
    deleted = 0
    while True:
        ids = list(
            InboxMessage.objects.filter(received_at__lt=cutoff).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += InboxMessage.objects.filter(pk__in=ids).delete()[0]


@task()
def purge_inbox_job() -> dict[str, int]:
    return {"deleted": purge_inbox()}
