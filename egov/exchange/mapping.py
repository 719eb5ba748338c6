"""Between a document of the registers and an edXML package (QCVN 102:2016 MessageHeader, Bussiness, attachments).

The code tables edXML uses for the document type and the priority are not published in a form we could
confirm: they are a dated, editable table (`documents/data/edxml-codes.csv`, replaceable in DATA_DIR/rules/).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from egov.documents.models import Document, FileRole, Urgency
from egov.documents.rules.tables import CachedTable, RuleTableError, in_force, read_rows, resolve_day
from egov.exchange import edxml
from egov.organisations.models import Organisation

CODES_TABLE = "edxml-codes.csv"


@dataclass(frozen=True)
class CodeRow:
    kind: str
    code: str
    edxml: int
    valid_from: dt.date
    valid_to: dt.date | None


def _load(path) -> list[CodeRow]:
    rows = []
    for raw in read_rows(path, ("kind", "code", "edxml", "valid_from", "valid_to")):
        try:
            value = int(raw.text("edxml"))
        except ValueError:
            raise RuleTableError(f"{raw.source}:{raw.line}: edxml={raw.text('edxml')!r} is not an integer") from None
        rows.append(
            CodeRow(
                kind=raw.text("kind"),
                code=raw.text("code"),
                edxml=value,
                valid_from=raw.date("valid_from", required=True),
                valid_to=raw.date("valid_to", required=False),
            )
        )
    return rows


_codes = CachedTable(CODES_TABLE, _load)


def edxml_code(kind: str, code: str, on: dt.date | None = None) -> int | None:
    day = resolve_day(on)
    for row in _codes.rows():
        if row.kind == kind and row.code == code and in_force(row, day):
            return row.edxml
    return None


def our_code(kind: str, value: int, on: dt.date | None = None) -> str | None:
    day = resolve_day(on)
    for row in _codes.rows():
        if row.kind == kind and row.edxml == value and in_force(row, day):
            return row.code
    return None


def organ_of(organisation: Organisation) -> edxml.Organ:
    parent = Organisation.objects.get_parent(organisation)
    return edxml.Organ(
        organ_id=organisation.code,
        organization_in_charge=parent.name if parent is not None else "",
        organ_name=organisation.name,
        organ_add=organisation.address,
        email=organisation.email,
        telephone=organisation.phone,
        fax=organisation.fax,
        website=organisation.website,
    )


def document_id_of(document: Document) -> str:
    return edxml.document_id(document.organisation.code, document.issued_on, document.number_text, document.symbol)


def staff_of(actor) -> edxml.StaffInfo:
    user = getattr(actor, "user", None)
    if user is None:
        return edxml.StaffInfo()
    return edxml.StaffInfo(
        department=getattr(getattr(actor, "organisation", None), "name", "") or "",
        staff=user.get_full_name() or user.get_username(),
        email=user.email or "",
    )


def _attachments(document: Document) -> list[edxml.Attachment]:
    from egov.documents.services import common

    result = []
    for row in common.current_files(document):
        if row.role not in (FileRole.MAIN, FileRole.APPENDIX):
            continue
        result.append(
            edxml.Attachment(
                content_id=str(uuid.uuid5(document.uid, f"{row.pk}")),
                name=row.original_name,
                content_type=row.content_type or "application/pdf",
                description=row.note or row.get_role_display(),
                data=common.read_file(row),
            )
        )
    return result


def package_of(
    document: Document,
    *,
    to_codes: list[str],
    to_names: dict[str, str],
    places: list[str] | None = None,
    business_type: int,
    reason: str = "",
    staff: dict | None = None,
) -> edxml.Package:
    """The package that carries an issued document (or its recall/update) to `to_codes`."""
    issued = document.issued_on or timezone.localdate()
    appendix_names = [f.original_name for f in document.files.filter(is_current=True, role=FileRole.APPENDIX)]
    header = edxml.MessageHeader(
        from_=organ_of(document.organisation),
        to=[edxml.Organ(organ_id=code, organ_name=to_names.get(code, "")) for code in to_codes],
        code=edxml.Code(code_number=document.number_text, code_notation=document.symbol),
        promulgation_info=edxml.PromulgationInfo(place=document.place, promulgation_date=issued),
        document_type=edxml.DocumentType(
            type=edxml_code("document_type", document.type_code, issued) or 0, type_name=document.type_name
        ),
        subject=document.subject,
        content=document.description,
        signer_info=edxml.SignerInfo(
            competence=document.signer_prefix, position=document.signer_position, full_name=document.signer_name
        ),
        due_date=document.handling_due_on,
        to_places=places if places is not None else [to_names.get(code, code) for code in to_codes],
        other_info=edxml.OtherInfo(
            priority=edxml_code("priority", document.urgency, issued) or 0,
            promulgation_amount=document.copies,
            page_amount=document.page_count,
            appendixes=appendix_names,
        ),
        document_id=document_id_of(document),
    )
    staff = staff or {}
    business = edxml.Business(
        doc_type=edxml.BusinessDocType(business_type),
        reason=reason,
        document_id=header.document_id if business_type else "",
        staff_info=edxml.StaffInfo(**{k: staff.get(k, "") for k in ("department", "staff", "mobile", "email")}),
        paper=0,
    )
    return edxml.Package(
        header=header,
        traces=[edxml.TraceHeader(organ_id=document.organisation.code, timestamp=timezone.now())],
        business=business,
        attachments=_attachments(document) if business_type != edxml.BusinessDocType.RECALL else [],
    )


def incoming_values(package: edxml.Package) -> dict:
    """The fields of the incoming copy registered from a package (what the register records, App. VI)."""
    header = package.header
    issued = header.promulgation_info.promulgation_date
    type_code = our_code("document_type", header.document_type.type, issued) or "cong_van"
    urgency = our_code("priority", header.other_info.priority, issued) or Urgency.NORMAL
    number = header.code.code_number.strip()
    issuer = Organisation.objects.filter(code=header.from_.organ_id).first()
    return {
        "type_code": type_code,
        "type_name": (header.document_type.type_name or "")[:100],
        "year": issued.year if issued else None,
        "number": int(number) if number.isdigit() and len(number) < 10 else None,
        "number_text": number[:11],
        "symbol": header.code.code_notation[:30],
        "issued_on": issued,
        "place": header.promulgation_info.place[:100],
        "issuer": issuer,
        "issuer_code": header.from_.organ_id[:35],
        "issuer_name": (header.from_.organ_name or header.from_.organ_id)[:200],
        "subject": header.subject[:500],
        "description": header.content[:500],
        "signer_prefix": header.signer_info.competence[:5],
        "signer_position": header.signer_info.position[:100],
        "signer_name": header.signer_info.full_name[:50],
        "urgency": urgency,
        "page_count": header.other_info.page_amount,
        "copies": header.other_info.promulgation_amount,
        "handling_due_on": header.due_date,
    }
