"""Export of one hồ sơ (Appendix VI Part I §III.4g): to PDF, and to XML packed with its files in a ZIP.

Both keep the order in which the documents came into being. The PDF is a cover, the "Mục lục văn bản
trong hồ sơ", then each document's main PDF. The XML carries the file's metadata (Part II §III) and each
document's (§I for outgoing, §II for incoming) under the appendix's English field names, and names every
file of the ZIP with its SHA-256. Every stored file is checked against the digest recorded when it was
kept, so an export never hands out a file that changed on disk; each document exported is logged as a
download in its access history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from egov.accounts.actor import Actor
from egov.core.errors import DomainError
from egov.core.pdf import render_pdf
from egov.documents.models import (
    AccessAction,
    Assignment,
    AssignmentRole,
    AssignmentState,
    CaseFile,
    Direction,
    DocumentFile,
    Recipient,
    RecipientKind,
    Urgency,
)
from egov.documents.selectors.casefiles import FiledDocument, casefile_documents, require_casefile_see
from egov.documents.services.access import access_log
from egov.documents.services.casefiles import document_date

XML_NAME = "ho-so.xml"
FILES_DIR = "van-ban"
CREATOR_MAX = 30
# Priority is one digit in Appendix VI Part II; the digits follow the urgency scale of the exchange format.
PRIORITY = {Urgency.NORMAL: "0", Urgency.URGENT: "1", Urgency.VERY_URGENT: "2", Urgency.FLASH: "3"}


class IntegrityFailure(DomainError):
    """A stored file no longer matches the digest recorded when it was kept."""

    status = 409
    code = "integrity"


def _read_checked(row: DocumentFile) -> bytes:
    with row.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise IntegrityFailure(
            _("Tệp “%(name)s” của văn bản %(doc)s không còn nguyên vẹn (mã băm SHA-256 không khớp); dừng kết xuất.")
            % {"name": row.original_name, "doc": row.document}
        )
    return data


def _ascii(value: str) -> str:
    """Vietnamese letters without their marks, case kept (đ → d, Đ → D), for names inside the ZIP."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _safe(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", _ascii(name)).strip("-.") or "tep"
    return stem if stem.lower().endswith(".pdf") else f"{stem}.pdf"


def archive_name(item: FiledDocument, row: DocumentFile) -> str:
    """Where a file sits in the ZIP: van-ban/001-chinh-<name>.pdf, van-ban/001-phu-luc-1-<name>.pdf."""
    part = "chinh" if row.role == "main" else f"phu-luc-{row.position + 1}"
    return f"{FILES_DIR}/{item.position:03d}-{part}-{_safe(row.original_name)}"[:200]


def _creator(case_file: CaseFile) -> str:
    return case_file.creator.full_name[:CREATOR_MAX] if case_file.creator_id else ""


def _pages(item: FiledDocument) -> int:
    main = item.main
    if main is not None and main.page_count:
        return main.page_count
    return item.document.page_count or 0


def _period(case_file: CaseFile, items: list[FiledDocument]) -> tuple[dt.date | None, dt.date | None]:
    days = [document_date(i.document) for i in items]
    return (case_file.start_date or min(days, default=None), case_file.end_date or max(days, default=None))


def _log_downloads(actor: Actor, items: list[FiledDocument]) -> None:
    for item in items:
        access_log(actor=actor, document=item.document, action=AccessAction.DOWNLOAD, file=item.main)


# --- PDF --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexLine:
    """One line of the Mục lục văn bản trong hồ sơ."""

    position: int
    number_symbol: str
    date: dt.date
    author: str
    type_name: str
    subject: str
    sheets: str
    note: str


def _sheets(first: int, count: int) -> str:
    if count <= 0:
        return ""
    return str(first) if count == 1 else f"{first}–{first + count - 1}"


def casefile_pdf(*, actor: Actor, case_file: CaseFile) -> bytes:
    """The file as one PDF: cover, index, then each document's main PDF in the order they came into being."""
    require_casefile_see(actor, case_file)
    items = casefile_documents(actor, case_file)
    bodies: list[bytes | None] = [_read_checked(i.main) if i.main is not None else None for i in items]
    readers = [PdfReader(io.BytesIO(body)) if body is not None else None for body in bodies]
    lines, first = [], 1
    for item, reader in zip(items, readers, strict=True):
        count = len(reader.pages) if reader is not None else 0
        document = item.document
        note = document.description if reader is not None else _("Không có tệp văn bản điện tử")
        lines.append(
            IndexLine(
                position=item.position,
                number_symbol=document.number_symbol,
                date=document_date(document),
                author=document.issuer_name,
                type_name=document.type_name,
                subject=document.subject,
                sheets=_sheets(first, count),
                note=note,
            )
        )
        first += count
    start, end = _period(case_file, items)
    parent = case_file.organisation.parent_node()
    cover = render_pdf(
        "documents/exports/casefile_pdf.html",
        {
            "case_file": case_file,
            "parent_name": unicodedata.normalize("NFC", parent.name).upper() if parent else "",
            "organisation_name": unicodedata.normalize("NFC", case_file.organisation.name).upper(),
            "creator": case_file.creator.full_name if case_file.creator_id else "",
            "start_date": start,
            "end_date": end,
            "doc_total": len(items),
            "page_total": first - 1,
            "lines": lines,
        },
    )
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    for reader in readers:
        if reader is not None:
            writer.append(reader)
    writer.add_metadata({"/Title": f"{case_file.file_code} — {case_file.title}"})
    out = io.BytesIO()
    writer.write(out)
    _log_downloads(actor, [i for i in items if i.main is not None])
    return out.getvalue()


# --- XML --------------------------------------------------------------------------------------------


def _put(parent: ET.Element, tag: str, value=None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dt.date):
        element.text = value.isoformat()
    elif value is not None:
        element.text = unicodedata.normalize("NFC", str(value))
    return element


def _file_code(parent: ET.Element, case_file: CaseFile) -> None:
    code = _put(parent, "FileCode")
    _put(code, "OrganId", case_file.organisation.code)
    _put(code, "FileCatalog", case_file.year)
    _put(code, "FileNotation", case_file.notation)


def _signer(parent: ET.Element, document) -> None:
    signer = _put(parent, "SignerInfo")
    _put(signer, "Position", " ".join(p for p in (document.signer_prefix, document.signer_position) if p))
    _put(signer, "FullName", document.signer_name)


def _trace(assignments: list[Assignment]) -> str:
    """Ý kiến phân phối, chỉ đạo, trạng thái xử lý: one line per assignment, in the order they were made."""
    lines = []
    for a in assignments:
        target = a.person.full_name if a.person_id else a.unit.name
        if a.person_id and a.unit_id:
            target = f"{a.person.full_name} ({a.unit.name})"
        parts = [timezone.localtime(a.assigned_at).strftime("%d/%m/%Y"), f"{AssignmentRole(a.role).label}: {target}"]
        if a.due_on:
            parts.append(_("hạn %(d)s") % {"d": a.due_on.strftime("%d/%m/%Y")})
        if a.instructions:
            parts.append(_("ý kiến chỉ đạo: %(t)s") % {"t": " ".join(a.instructions.split())})
        parts.append(str(AssignmentState(a.state).label))
        if a.result:
            parts.append(_("kết quả: %(t)s") % {"t": " ".join(a.result.split())})
        lines.append(" — ".join(parts))
    return "\n".join(lines)


def _document(
    parent: ET.Element,
    case_file: CaseFile,
    item: FiledDocument,
    recipients: list[Recipient],
    assignments: list[Assignment],
) -> None:
    document = item.document
    element = ET.SubElement(parent, "Document", {"direction": document.direction})
    if document.is_secret:
        element.set("secrecy", document.secrecy)
    _file_code(element, case_file)
    _put(element, "DocOrdinal", item.position)
    _put(element, "TypeName", document.type_name)
    _put(element, "CodeNumber", document.number_text)
    _put(element, "CodeNotation", document.symbol)
    _put(element, "IssuedDate", document.issued_on)
    _put(element, "OrganName", document.issuer_name)
    _put(element, "Subject", document.subject)
    _put(element, "Language", document.language)
    _put(element, "PageAmount", _pages(item) or None)
    _put(element, "Description", document.description)
    if document.direction == Direction.OUTGOING:
        _signer(element, document)
        for r in recipients:
            to = _put(element, "To")
            _put(to, "OrganId", r.organisation_code)
            _put(to, "OrganName", r.organisation_name)
        _put(element, "Priority", PRIORITY.get(document.urgency, "0"))
        _put(element, "IssuedAmount", document.copies)
        _put(element, "DueDate", document.handling_due_on)
    else:
        arrived = document.received_at or document.registered_at
        _put(element, "ArrivalDate", timezone.localdate(arrived) if arrived else None)
        _put(element, "ArrivalNumber", document.arrival_number)
        _signer(element, document)
        _put(element, "Priority", PRIORITY.get(document.urgency, "0"))
        places = []
        for a in assignments:
            name = a.unit.name if a.unit_id else a.person.full_name
            if name not in places:
                places.append(name)
        _put(element, "ToPlaces", "; ".join(places)[:1000])
        _put(element, "TraceHeaderList", _trace(assignments))
        _put(element, "DueDate", document.handling_due_on)
    attachments = _put(element, "Attachments")
    for row in item.files:
        attachment = _put(attachments, "Attachment", None)
        attachment.set("role", row.role)
        _put(attachment, "FileName", archive_name(item, row))
        _put(attachment, "Size", row.size)
        _put(attachment, "Sha256", row.sha256)


def casefile_xml(*, actor: Actor, case_file: CaseFile, items: list[FiledDocument] | None = None) -> bytes:
    """The metadata of the file and of its documents (UTF-8), with the names and digests of their files."""
    require_casefile_see(actor, case_file)
    if items is None:
        items = casefile_documents(actor, case_file)
    ids = [i.document.pk for i in items]
    recipients: dict[int, list[Recipient]] = {}
    for r in Recipient.objects.filter(document_id__in=ids).exclude(kind=RecipientKind.ARCHIVE).order_by("position"):
        recipients.setdefault(r.document_id, []).append(r)
    assignments: dict[int, list[Assignment]] = {}
    for a in Assignment.objects.filter(document_id__in=ids).select_related("unit", "person").order_by("pk"):
        assignments.setdefault(a.document_id, []).append(a)
    start, end = _period(case_file, items)
    root = ET.Element("CaseFile")
    _file_code(root, case_file)
    _put(root, "Title", case_file.title)
    _put(root, "Maintenance", case_file.maintenance)
    _put(root, "Rights", case_file.rights)
    _put(root, "Creator", _creator(case_file))
    _put(root, "Language", case_file.language)
    _put(root, "StartDate", start)
    _put(root, "EndDate", end)
    _put(root, "DocTotal", len(items))
    _put(root, "PageTotal", sum(_pages(i) for i in items))
    _put(root, "Description", case_file.description)
    documents = _put(root, "Documents")
    for item in items:
        pk = item.document.pk
        _document(documents, case_file, item, recipients.get(pk, []), assignments.get(pk, []))
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def casefile_package(*, actor: Actor, case_file: CaseFile) -> bytes:
    """A ZIP of ho-so.xml and every current file of every document, each checked against its digest."""
    require_casefile_see(actor, case_file)
    items = casefile_documents(actor, case_file)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(XML_NAME, casefile_xml(actor=actor, case_file=case_file, items=items))
        for item in items:
            for row in item.files:
                archive.writestr(archive_name(item, row), _read_checked(row))
    _log_downloads(actor, [i for i in items if i.files])
    return out.getvalue()


def export_filename(case_file: CaseFile, extension: str) -> str:
    return f"ho-so-{_safe(case_file.file_code).removesuffix('.pdf')}.{extension}"
