"""Background jobs of document search (Django Tasks): extract the text of uploaded PDFs, rebuild the index.

Jobs take document ids only and are idempotent: running one twice, or for a document that is gone, is harmless.
"""

from __future__ import annotations

from django_tasks import task

from egov.documents.search.indexing import reindex_document


@task()
def extract_document_text(document_ids: list[int]) -> dict[str, int]:
    """Read the PDFs of these documents (those pending) and rebuild their search entries."""
    indexed = sum(1 for pk in document_ids if reindex_document(int(pk)))
    return {"indexed": indexed, "missing": len(document_ids) - indexed}


@task()
def extract_pending_job() -> dict[str, int]:
    """The worker's periodic safety net: extract whatever is still pending."""
    return {"extracted": extract_pending()}


def extract_pending(*, batch: int = 200) -> int:
    """Extract every document still pending (a job lost or failed, text extraction installed late); one pass."""
    from egov.documents.models import DocumentText

    done, last = 0, 0
    while True:
        ids = list(
            DocumentText.objects.filter(needs_extraction=True, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return done
        for pk in ids:
            reindex_document(pk)
            done += not DocumentText.objects.filter(pk=pk, needs_extraction=True).exists()
        last = ids[-1]


def rebuild_index(*, batch: int = 500) -> int:
    """Index every document's metadata again (after a restore or a move between database engines)."""
    from egov.documents.models import Document

    count, last = 0, 0
    while True:
        ids = list(Document.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return count
        for pk in ids:
            count += reindex_document(pk, extract=False)
        last = ids[-1]
