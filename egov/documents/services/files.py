"""Uploaded PDFs: read once, checked by content (PDF, not encrypted, not corrupt, within the size limit)."""

from __future__ import annotations

from egov.core.errors import ValidationFailed
from egov.core.validation import Errors


def read_upload(upload, field: str, errors: Errors):
    """(bytes, name, PdfInfo) of an upload or a (name, bytes) pair; errors are added under `field`."""
    from egov.documents.signing.pdfcheck import inspect_pdf

    if isinstance(upload, tuple):
        name, data = upload
    else:
        name = getattr(upload, "name", "") or "van-ban.pdf"
        data = upload.read()
        if hasattr(upload, "seek"):
            upload.seek(0)
    try:
        info = inspect_pdf(data)
    except ValidationFailed as exc:
        for messages in exc.errors.values():
            for message in messages:
                errors.add(field, message)
        return None
    return data, str(name).rsplit("/", 1)[-1], info
