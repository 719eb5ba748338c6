"""The content of edXML packages (gói tin edXML, QCVN 102:2016) as plain data, with no XML in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from .errors import EdxmlError

DATE_FORMAT = "%Y/%m/%d"


class BusinessDocType(IntEnum):
    """BussinessDocType: what the package does to the document."""

    NEW = 0
    RECALL = 1  # thu hồi
    UPDATE = 2  # cập nhật
    REPLACE = 3  # thay thế


class StatusCode(StrEnum):
    """Processing status a receiver reports back (trạng thái xử lý văn bản)."""

    ARRIVED = "01"
    REFUSED = "02"
    RECEIVED = "03"
    ASSIGNED = "04"
    IN_PROGRESS = "05"
    COMPLETED = "06"
    RECALL_REQUESTED = "13"
    RECALL_ACCEPTED = "15"
    RECALL_REFUSED = "16"


@dataclass(kw_only=True)
class Organ:
    """An organisation in From, To or Status/From (cơ quan, tổ chức)."""

    organ_id: str
    organization_in_charge: str = ""
    organ_name: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(kw_only=True)
class Code:
    """Number and notation of the document (số, ký hiệu)."""

    code_number: str
    code_notation: str


@dataclass(kw_only=True)
class PromulgationInfo:
    """Place and date of issue (địa danh, ngày ban hành)."""

    place: str
    promulgation_date: dt.date


@dataclass(kw_only=True)
class DocumentType:
    """Kind of document (loại văn bản)."""

    type: int
    type_name: str


@dataclass(kw_only=True)
class SignerInfo:
    """Who signed the document (người ký)."""

    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass(kw_only=True)
class OtherInfo:
    """Priority, circulation and copies (độ khẩn, phạm vi, số bản, phụ lục)."""

    priority: int = 0
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class ResponseFor:
    """The document a package or status answers (văn bản được phúc đáp)."""

    organ_id: str
    code: str = ""
    promulgation_date: dt.date | None = None
    document_id: str


@dataclass(kw_only=True)
class MessageHeader:
    """The 14 parts of edXML:MessageHeader."""

    from_: Organ
    to: list[Organ]
    code: Code
    promulgation_info: PromulgationInfo
    document_type: DocumentType
    subject: str
    content: str = ""
    signer_info: SignerInfo = field(default_factory=SignerInfo)
    due_date: dt.date | None = None
    to_places: list[str] = field(default_factory=list)
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: int | None = None
    document_id: str


@dataclass(kw_only=True)
class TraceHeader:
    """One hop of the package (vết chuyển gói tin)."""

    organ_id: str
    timestamp: dt.datetime


@dataclass(kw_only=True)
class StaffInfo:
    """The clerk in charge (cán bộ xử lý)."""

    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(kw_only=True)
class ReplacementInfo:
    """A document replaced by this one and who received it."""

    document_id: str
    organ_ids: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Business:
    """edXML:Bussiness (the spelling the implementations use): new, recall, update or replace."""

    doc_type: BusinessDocType = BusinessDocType.NEW
    reason: str = ""
    document_info: str = ""
    document_id: str = ""
    staff_info: StaffInfo = field(default_factory=StaffInfo)
    paper: int = 0
    replacements: list[ReplacementInfo] = field(default_factory=list)


@dataclass(kw_only=True)
class Attachment:
    """An attached file (tệp đính kèm); `content_id` is the uuid the manifest links as cid:<content_id>."""

    content_id: str
    name: str
    content_type: str
    description: str = ""
    data: bytes


@dataclass(kw_only=True)
class Extension:
    """An element the codec does not know, kept as serialized XML and written back at the same place.

    `location` is one of "MessageHeader", "TraceHeaderList", "Bussiness", "edXMLHeader", "edXMLEnvelope",
    "Status" or "Reference:<content_id>" (inside that attachment's manifest reference).
    """

    location: str
    xml: str


@dataclass(kw_only=True)
class Package:
    """An edoc package: a document with its attachments (gói tin văn bản điện tử)."""

    header: MessageHeader
    traces: list[TraceHeader] = field(default_factory=list)
    business: Business = field(default_factory=Business)
    attachments: list[Attachment] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)


@dataclass(kw_only=True)
class StatusMessage:
    """A status package (gói tin trạng thái) reporting how the receiver handles a document."""

    response_for: ResponseFor
    from_: Organ
    status_code: StatusCode
    description: str = ""
    timestamp: dt.datetime
    staff_info: StaffInfo = field(default_factory=StaffInfo)
    extensions: list[Extension] = field(default_factory=list)


def format_date(value: dt.date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def parse_date(text: str, *, field: str | None = None) -> dt.date:
    """A yyyy/MM/dd date; yyyy-MM-dd and a trailing time are tolerated."""
    value = text.strip()
    if len(value) > 10 and value[10] in " T":
        value = value[:10]
    if len(value) == 10 and value[4] in "/-" and value[7] == value[4]:
        year, month, day = value[:4], value[5:7], value[8:]
        if all(part.isascii() and part.isdigit() for part in (year, month, day)):
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError:
                pass
    raise EdxmlError("invalid", field=field, detail=f"bad date {text[:40]!r}")


def document_id(organ_id: str, promulgation_date: dt.date, code_number: str, code_notation: str) -> str:
    """The edXML DocumentId: "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"."""
    return f"{organ_id},{format_date(promulgation_date)},{code_number}/{code_notation}"


def split_document_id(text: str) -> tuple[str, dt.date, str]:
    """(organ id, promulgation date, "number/notation") of a DocumentId."""
    parts = text.strip().split(",", 2)
    if len(parts) != 3 or not parts[0].strip() or not parts[2].strip():
        raise EdxmlError("invalid", field="DocumentId", detail=f"bad DocumentId {text[:80]!r}")
    return parts[0].strip(), parse_date(parts[1], field="DocumentId"), parts[2].strip()
