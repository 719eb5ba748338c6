"""Checks a PDF on arrival (kiểm tra tệp PDF khi tiếp nhận) and extracts its text for search."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from egov.core.errors import DomainError, ValidationFailed

logger = logging.getLogger(__name__)

# A PDF starts with "%PDF-"; the standard lets a few bytes of junk precede it and readers accept 1 KiB.
_HEADER_WINDOW = 1024
# Everything pyHanko's reader raises on a damaged file: its own errors and what a broken structure trips.
READ_ERRORS = (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, AssertionError, RecursionError)


@dataclass(frozen=True)
class PdfInfo:
    """What the intake check learnt about an acceptable PDF."""

    page_count: int
    encrypted: bool
    signed: bool
    signature_count: int
    size: int


def _max_bytes(max_bytes: int | None) -> int | None:
    if max_bytes is not None:
        return max_bytes
    from django.conf import settings

    return getattr(settings, "EGOV_DOCUMENT_MAX_BYTES", None) if settings.configured else None


def human_size(size: int) -> str:
    """A byte count as people read it, with the Vietnamese decimal comma: "2,5 MB", "10 KB"."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}".replace(".", ",")
    return f"{size} byte"


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"file": [message]})


def looks_like_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:_HEADER_WINDOW]


def open_reader(data: bytes) -> PdfFileReader:
    """pyHanko's reader over the bytes; ValidationFailed on the "file" field when it cannot be read or is locked."""
    if not looks_like_pdf(data):
        raise _refuse(_("Tệp không phải là PDF."))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
    except READ_ERRORS:
        raise _refuse(_("Tệp PDF bị hỏng, không đọc được.")) from None
    if encrypted:
        raise _refuse(_("Tệp PDF được đặt mật khẩu hoặc mã hóa; hãy gửi bản không đặt mật khẩu."))
    return reader


def inspect_pdf(data: bytes, *, max_bytes: int | None = None) -> PdfInfo:
    """Refuse a file that cannot be a main document (empty, too large, not a PDF, damaged, encrypted)."""
    if not data:
        raise _refuse(_("Tệp rỗng."))
    limit = _max_bytes(max_bytes)
    if limit is not None and len(data) > limit:
        raise _refuse(_("Tệp lớn hơn giới hạn %(limit)s cho phép.") % {"limit": human_size(limit)})
    reader = open_reader(data)
    try:
        count = int(reader.root["/Pages"]["/Count"])
        if count < 1:
            raise ValueError("no pages")
        # Reaching the last page walks the page tree: a truncated or broken tree fails here, not later.
        reader.find_page_for_modification(count - 1)
        signatures = len(reader.embedded_regular_signatures)
    except READ_ERRORS:
        raise _refuse(_("Tệp PDF bị hỏng, không đọc được.")) from None
    return PdfInfo(page_count=count, encrypted=False, signed=signatures > 0, signature_count=signatures, size=len(data))


class TextExtractionUnavailable(DomainError):
    status = 500
    code = "pdftotext_missing"


def extract_text(data: bytes) -> str:
    """The PDF's text (NFC, pages separated by blank lines), for full-text search; "" when it has none.

    Uses poppler's pdftotext: fast, already a platform dependency, and exact with Vietnamese text laid out
    by WeasyPrint, LibreOffice and Word (combining marks come out composed once normalised).
    """
    tool = shutil.which("pdftotext")
    if not tool:
        raise TextExtractionUnavailable(_("Chưa cài poppler-utils (lệnh pdftotext) để đọc nội dung PDF."))
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            result = subprocess.run(
                [tool, "-q", "-enc", "UTF-8", tmp.name, "-"], capture_output=True, timeout=300, check=False
            )
        except subprocess.TimeoutExpired:
            logger.warning("pdftotext timed out on a %d-byte PDF", len(data))
            return ""
    if result.returncode != 0:
        logger.warning("pdftotext could not read a %d-byte PDF (exit %d)", len(data), result.returncode)
        return ""
    text = result.stdout.decode("utf-8", errors="replace").replace("\f", "\n\n")
    return unicodedata.normalize("NFC", text).strip()
