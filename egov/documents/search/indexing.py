"""The searchable text of a document (nội dung tìm kiếm): every metadata field, then the text of its PDFs.

`schedule_reindex(document)` is what services call after a change: the metadata is indexed at once, in the
caller's transaction (a new or edited document is found right away), and extracting the PDFs' text — which
takes seconds for a long file — is left to the background job, queued when the transaction commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache, partial

from django.db import transaction
from django.utils import timezone

from egov.core.text import fold
from egov.documents.search.backends import get_backend
from egov.documents.search.query import words
from egov.documents.search.scope import index_tokens

logger = logging.getLogger(__name__)

# Characters of PDF text indexed per document (about 150 pages): PostgreSQL refuses a tsvector over 1 MB, and
# what lies beyond is an annex of tables that nobody finds a document by. Both engines stop at the same place.
CONTENT_LIMIT = 300_000


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """fold() of one word; a text repeats a few thousand syllables, so folding each once saves most of the work."""
    return fold(word)


def fold_words(text: str) -> str:
    """fold() of a text of words separated by single spaces or line breaks (what SearchText holds)."""
    return "\n".join(" ".join(fold_word(w) for w in line.split(" ") if w) for line in text.split("\n"))


@dataclass(frozen=True)
class SearchText:
    """The words of a document as indexed: lower-case with diacritics, separated by single spaces."""

    metadata: str
    body: str
    tokens: tuple[str, ...] = ()  # scope tokens (scope.py), kept apart from the words

    @property
    def folded(self) -> str:
        """What DocumentText.folded keeps: both parts without diacritics (pg_trgm's tie-break reads it)."""
        return fold_words(f"{self.metadata}\n{self.body}".strip())


def _joined(values) -> str:
    return " ".join(w for value in values if value for w in words(str(value)))


def metadata_values(document, recipient_names: list[str]) -> list[str]:
    """Every metadata field a person may search by, in the order they are read."""
    number = str(document.number) if document.number is not None else ""
    unpadded = ""
    if number and number != document.number_text:
        unpadded = f"{number}/{document.symbol}" if document.symbol else number
    drafting_unit = document.drafting_unit.name if document.drafting_unit_id else ""
    return [
        document.type_name,
        document.number_symbol,
        # "5/QĐ-UBND" finds "05/QĐ-UBND": the number is indexed unpadded too.
        unpadded,
        document.subject,
        document.issuer_name,
        document.issuer_code,
        document.place,
        drafting_unit,
        document.signer_prefix,
        document.signer_position,
        document.signer_name,
        document.description,
        str(document.arrival_number) if document.arrival_number is not None else "",
        *recipient_names,
    ]


def build_search_text(document, *, recipient_names: list[str], content: str) -> SearchText:
    return SearchText(
        metadata=_joined(metadata_values(document, recipient_names)),
        body=_joined([content[:CONTENT_LIMIT]]),
        tokens=tuple(index_tokens(document)),
    )


def _main_first(row) -> tuple:
    from egov.documents.models import FileRole

    return (row.role != FileRole.MAIN, row.position, row.pk)


def _current_files(document_id: int) -> list:
    from egov.documents.models import DocumentFile

    return sorted(DocumentFile.objects.filter(document_id=document_id, is_current=True), key=_main_first)


def _extract(document_id: int) -> tuple[str, list[int]] | None:
    """The text of the document's current files (main file first); None when the extractor is missing."""
    from egov.documents.services.common import read_file
    from egov.documents.signing.pdfcheck import TextExtractionUnavailable, extract_text

    files = _current_files(document_id)
    texts = []
    for row in files:
        try:
            data = read_file(row)
        except OSError:
            # A file missing from storage will not come back by trying again; the rest is still indexed.
            logger.warning("document %s: file %s is missing from storage", document_id, row.pk)
            continue
        try:
            text = extract_text(data)
        except TextExtractionUnavailable:
            logger.warning("PDF text extraction is unavailable; document %s stays pending", document_id)
            return None
        if text:
            texts.append(text)
    return "\n\n".join(texts), [row.pk for row in files]


def reindex_document(document_id: int, *, extract: bool = True) -> bool:
    """Rebuild the document's DocumentText row and search entry; False when there is no such document.

    With `extract`, the text of its PDFs is read again if an upload marked it pending. Idempotent.
    """
    from egov.documents.models import Document, DocumentFile, DocumentText, Recipient

    backend = get_backend()
    extracted = None
    if extract and DocumentText.objects.filter(document_id=document_id, needs_extraction=True).exists():
        # Outside the transaction: extraction may take seconds and SQLite would hold its write lock meanwhile.
        extracted = _extract(document_id)
    with transaction.atomic():
        document = Document.objects.select_related("drafting_unit").filter(pk=document_id).first()
        if document is None:
            backend.remove(document_id)
            return False
        text, _ = DocumentText.objects.select_for_update().get_or_create(document=document)
        if extracted is not None:
            content, file_ids = extracted
            # A file uploaded meanwhile keeps the text pending; its own job reads it.
            if [row.pk for row in _current_files(document_id)] == file_ids:
                text.content = content
                text.needs_extraction = False
                text.extracted_at = timezone.now()
        elif text.content and not DocumentFile.objects.filter(document=document, is_current=True).exists():
            # Files withdrawn without a replacement (a recalled incoming copy) take their words with them.
            text.content = ""
        recipients = list(
            Recipient.objects.filter(document=document)
            .order_by("position", "pk")
            .values_list("organisation_name", flat=True)
        )
        search = build_search_text(document, recipient_names=recipients, content=text.content)
        text.folded = search.folded
        text.save()
        backend.index(document.pk, search)
    return True


def _enqueue_extraction(document_id: int) -> None:
    from egov.documents.models import DocumentText
    from egov.documents.search.tasks import extract_document_text

    if not DocumentText.objects.filter(document_id=document_id, needs_extraction=True).exists():
        return  # done meanwhile (an immediate backend ran an earlier job of the same commit)
    from egov.documents.tasks import with_priority

    try:
        # Below the exchange's jobs: a burst of arrivals is taken in first, their text follows.
        with_priority(extract_document_text, -10).enqueue([document_id])
    except Exception:
        # The row stays pending: `extract_pending` (run by the worker or an operator) picks it up later.
        logger.exception("could not queue text extraction of document %s", document_id)


def _already_queued(document_id: int) -> bool:
    """Whether this transaction already queues the document's extraction (services reindex several times)."""
    pending = getattr(transaction.get_connection(), "run_on_commit", None) or []
    for entry in pending:
        func = entry[1] if len(entry) > 1 else None
        if isinstance(func, partial) and func.func is _enqueue_extraction and func.args == (document_id,):
            return True
    return False


def schedule_reindex(document) -> None:
    """Index the document's metadata now; queue the extraction of its PDFs' text once the transaction commits."""
    from egov.documents.models import DocumentText

    reindex_document(document.pk, extract=False)
    pending = DocumentText.objects.filter(document_id=document.pk, needs_extraction=True).exists()
    if pending and not _already_queued(document.pk):
        transaction.on_commit(partial(_enqueue_extraction, document.pk))
