"""Papers uploaded with a dossier: checked by their content, not their name — type, size, and no active content."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed
from egov.documents.signing.pdfcheck import human_size, inspect_pdf

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
_SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
# Actions a citizen's PDF has no reason to carry: scripts, launching programs, embedded files, XFA forms.
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute", "/SubmitForm"}


@dataclass(frozen=True)
class Upload:
    requirement: str
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(data: bytes) -> str | None:
    for magic, kind in _SIGNATURES:
        if data.startswith(magic) or (kind == PDF and magic in data[:1024]):
            return kind
    return None


def _action_kinds(obj, seen: set[int], depth: int = 0):
    """Every /S of an action dictionary reachable from obj (bounded: a hostile file may loop)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if depth > 12:
        return
    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return
        seen.add(obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        if "/S" in obj:
            yield str(obj["/S"])
        for key in ("/A", "/AA", "/OpenAction", "/Next", "/D", "/U", "/O", "/C", "/K", "/F", "/V", "/Fo", "/Bl"):
            if key in obj:
                yield from _action_kinds(obj[key], seen, depth + 1)
    elif isinstance(obj, ArrayObject):
        for item in obj:
            yield from _action_kinds(item, seen, depth + 1)


def active_content(data: bytes) -> str | None:
    """The first kind of active content found in a PDF (scripts, launch actions, embedded files, XFA), or None."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        root = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                return key
        form = root.get("/AcroForm")
        if form is not None and "/XFA" in form.get_object():
            return "/XFA"
        seen: set[int] = set()
        for kind in _action_kinds(root, seen):
            if kind in _ACTIVE_ACTIONS:
                return kind
        for page in reader.pages:
            for kind in _action_kinds(page, seen):
                if kind in _ACTIVE_ACTIONS:
                    return kind
            for annotation in page.get("/Annots") or []:
                for kind in _action_kinds(annotation, seen):
                    if kind in _ACTIVE_ACTIONS:
                        return kind
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return "/Unreadable"
    return None


def check(requirement, upload: Upload, field: str) -> None:
    """Refuse a paper whose content is not an accepted type, is too large, or carries active content."""
    if not upload.data:
        raise ValidationFailed({field: [_("Tệp rỗng.")]})
    if len(upload.data) > requirement.max_bytes:
        raise ValidationFailed(
            {field: [_("Tệp lớn hơn giới hạn %(limit)s cho phép.") % {"limit": human_size(requirement.max_bytes)}]}
        )
    kind = sniff(upload.data)
    accepted = requirement.accepted_types or [PDF, JPEG, PNG]
    if kind is None or kind not in accepted:
        names = ", ".join(sorted({t.split("/")[-1].upper() for t in accepted}))
        raise ValidationFailed({field: [_("Chỉ nhận tệp %(types)s.") % {"types": names}]})
    if kind == PDF:
        try:
            inspect_pdf(upload.data, max_bytes=requirement.max_bytes)  # not damaged, not encrypted
        except ValidationFailed as exc:
            raise ValidationFailed({field: [m for ms in exc.errors.values() for m in ms]}) from None
        if active_content(upload.data) is not None:
            raise ValidationFailed(
                {field: [_("Tệp PDF chứa mã lệnh, tệp đính kèm hoặc biểu mẫu động; hãy gửi bản PDF thông thường.")]}
            )
