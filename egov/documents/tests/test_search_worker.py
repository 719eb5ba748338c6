"""The worker picks up PDF text extraction whose job was lost."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.documents.models import Document, DocumentText
from egov.documents.search.tasks import extract_pending_job
from egov.documents.tests.factories import create_draft
from egov.notifications.scheduler import due_runs

pytestmark = pytest.mark.django_db


def test_stale_pending_extraction_is_scheduled_and_done(agency):
    document = create_draft(agency)  # its extraction job is queued only on commit, which a test never reaches
    assert DocumentText.objects.get(document=document).needs_extraction is True
    now = timezone.now()
    assert "documents.extract_pending" not in [r.job for r in due_runs(now)]  # too recent: its job may still run
    Document.objects.filter(pk=document.pk).update(updated_at=now - dt.timedelta(minutes=16))
    assert "documents.extract_pending" in [r.job for r in due_runs(now)]
    assert extract_pending_job.call() == {"extracted": 1}
    text = DocumentText.objects.get(document=document)
    assert text.needs_extraction is False
    assert text.content == "Quyết định ban hành Kế hoạch chuyển\nđổi số\nTrang 1\nNơi nhận: như trên. Chức vụ người ký"
    assert "documents.extract_pending" not in [r.job for r in due_runs(now)]
