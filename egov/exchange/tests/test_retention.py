import datetime as dt

import pytest
from django.utils import timezone

from egov.exchange.models import InboxMessage
from egov.exchange.retention import purge_inbox

pytestmark = pytest.mark.django_db


def _row(delivery_id: int, age_days: int) -> InboxMessage:
    return InboxMessage.objects.create(
        hub="http://hub.test",
        delivery_id=delivery_id,
        hub_doc_id="x",
        kind="edoc",
        from_code="000.00.12.H40",
        to_code="000.00.35.H40",
        document_id=f"000.00.12.H40,2025/01/02,{delivery_id}/QĐ-STTTT",
        sha256="0" * 64,
        size=10,
        state="applied",
        received_at=timezone.now() - dt.timedelta(days=age_days),
    )


def test_inbox_rows_older_than_the_retention_are_deleted(settings):
    settings.EGOV_EXCHANGE_INBOX_DAYS = 30
    for delivery_id, age in ((1, 400), (2, 31), (3, 29), (4, 0)):
        _row(delivery_id, age)
    assert purge_inbox() == 2
    assert sorted(InboxMessage.objects.values_list("delivery_id", flat=True)) == [3, 4]
    assert purge_inbox() == 0  # idempotent


def test_the_worker_purges_daily_when_a_hub_is_configured(settings):
    import datetime as dt

    from egov.notifications.scheduler import due_runs

    moment = timezone.make_aware(dt.datetime(2026, 11, 23, 8, 0))
    settings.EGOV_EXCHANGE_HUB_URL = ""
    assert "exchange.purge_inbox" not in [r.job for r in due_runs(moment)]
    settings.EGOV_EXCHANGE_HUB_URL = "http://hub.test"
    runs = {r.job: r for r in due_runs(moment)}
    assert (runs["exchange.purge_inbox"].period, runs["exchange.purge_inbox"].task_path) == (
        "2026-11-23",
        "egov.exchange.retention.purge_inbox_job",
    )
