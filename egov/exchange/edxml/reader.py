"""lxml tree -> model, tolerant of prefixes, order, whitespace and unknown elements; strict on mandatory parts."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import unicodedata
from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

from . import names as n
from .errors import EdxmlError
from .limits import Limits
from .model import (
    Attachment,
    Business,
    BusinessDocType,
    Code,
    DocumentType,
    Extension,
    MessageHeader,
    Organ,
    OtherInfo,
    Package,
    PromulgationInfo,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusMessage,
    TraceHeader,
    parse_date,
    split_document_id,
)

_DIGESTS = {n.SHA256_URI: hashlib.sha256, n.SHA512_URI: hashlib.sha512}
_WHITESPACE = b" \t\r\n"


def _ours(element: etree._Element) -> bool:
    # Implementations differ on the prefix and some leave children unqualified; both count as edXML.
    tag = element.tag
    return isinstance(tag, str) and (tag.startswith("{" + n.NS + "}") or not tag.startswith("{"))


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2]


def clean(text: str | None) -> str:
    if not text:
        return ""
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)


class Part:
    """An element being read, with its path for error messages."""

    __slots__ = ("_index", "element", "path")

    def __init__(self, element: etree._Element, path: str):
        self.element = element
        self.path = path
        self._index: dict[str, list[etree._Element]] | None = None

    def all(self, name: str) -> list[Part]:
        if self._index is None:
            # One pass over the children instead of one per lookup: the reader asks for each part by name.
            index: dict[str, list[etree._Element]] = {}
            for child in self.element:
                if _ours(child):
                    index.setdefault(_local(child), []).append(child)
            self._index = index
        path = f"{self.path}/{name}"
        return [Part(child, path) for child in self._index.get(name, ())]

    def one(self, name: str, *, required: bool = True) -> Part | None:
        found = self.all(name)
        if len(found) > 1:
            raise EdxmlError("invalid", field=f"{self.path}/{name}", detail="element repeated")
        if not found:
            if required:
                raise EdxmlError("missing", field=f"{self.path}/{name}")
            return None
        return found[0]

    def text(self, name: str, *, required: bool = False) -> str:
        part = self.one(name, required=required)
        value = clean(part.element.text) if part is not None else ""
        if required and not value:
            raise EdxmlError("missing", field=f"{self.path}/{name}")
        return value

    def int(self, name: str, *, required: bool = False, default: int | None = None) -> int | None:
        value = self.text(name, required=required)
        if not value:
            return default
        if not (value.isascii() and value.lstrip("-").isdigit()) or len(value) > 9:
            raise EdxmlError("invalid", field=f"{self.path}/{name}", detail=f"not an integer: {value[:20]!r}")
        return int(value)

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        value = self.text(name, required=required)
        return parse_date(value, field=f"{self.path}/{name}") if value else None

    def timestamp(self, name: str) -> dt.datetime:
        value = self.text(name, required=True)
        return parse_timestamp(value, field=f"{self.path}/{name}")

    def unknown(self, known: frozenset[str], location: str) -> list[Extension]:
        return [
            Extension(location=location, xml=_serialize(child))
            for child in self.element
            if isinstance(child.tag, str)
            and not (_ours(child) and _local(child) in known)
            and not child.tag.startswith("{" + n.DS_NS + "}")
        ]


def _serialize(element: etree._Element) -> str:
    # A copy without the namespace declarations it inherits but does not use, so the text is stable.
    copy = deepcopy(element)
    copy.tail = None
    etree.cleanup_namespaces(copy)
    return etree.tostring(copy, encoding="unicode")


def parse_timestamp(text: str, *, field: str | None = None) -> dt.datetime:
    """A yyyy/MM/dd HH:mm:ss Vietnam time; ISO 8601 with an offset or "T" is tolerated."""
    value = text.strip().replace("T", " ", 1)
    if len(value) >= 10 and value[4] in "/-":
        value = value[:4] + "-" + value[5:7] + "-" + value[8:]
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise EdxmlError("invalid", field=field, detail=f"bad timestamp {text[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=n.VIETNAM_TZ)
    return parsed.replace(microsecond=0)


def root_check(root: etree._Element) -> Part:
    tag = root.tag if isinstance(root.tag, str) else ""
    if not tag.startswith("{" + n.NS + "}"):
        raise EdxmlError("namespace", detail=f"root element {tag[:120]!r}")
    if _local(root) != "edXML":
        raise EdxmlError("invalid", field="edXML", detail=f"root element {_local(root)!r}")
    return Part(root, "edXML")


def envelope_header(root: Part) -> tuple[Part, Part]:
    envelope = root.one("edXMLEnvelope")
    envelope.path = "edXMLEnvelope"
    header = envelope.one("edXMLHeader")
    header.path = "edXMLHeader"
    return envelope, header


def kind_of(header: Part) -> str:
    status = header.one("Status", required=False)
    message = header.one("MessageHeader", required=False)
    if status is not None and message is None:
        return "status"
    if message is None:
        raise EdxmlError("missing", field="MessageHeader")
    if status is not None:
        raise EdxmlError("invalid", field="edXMLHeader/Status", detail="both MessageHeader and Status")
    return "edoc"


def _organ(part: Part) -> Organ:
    values = {attr: part.text(tag, required=attr == "organ_id") for tag, attr in n.ORGAN_FIELDS}
    return Organ(**values)


def _staff(part: Part | None) -> StaffInfo:
    if part is None:
        return StaffInfo()
    return StaffInfo(**{attr: part.text(tag) for tag, attr in n.STAFF_FIELDS})


def _response_for(part: Part) -> ResponseFor:
    return ResponseFor(
        organ_id=part.text("OrganId", required=True),
        code=part.text("Code"),
        promulgation_date=part.date("PromulgationDate"),
        document_id=part.text("DocumentId", required=True),
    )


def message_header(part: Part) -> MessageHeader:
    part.path = "MessageHeader"
    code = part.one("Code")
    info = part.one("PromulgationInfo")
    doc_type = part.one("DocumentType")
    signer = part.one("SignerInfo", required=False)
    places = part.one("ToPlaces", required=False)
    other = part.one("OtherInfo", required=False)
    to = [_organ(item) for item in part.all("To")]
    if not to:
        raise EdxmlError("missing", field="MessageHeader/To")
    other_info = OtherInfo()
    if other is not None:
        priority = other.int("Priority", default=0)
        if not 0 <= priority <= 3:
            raise EdxmlError("invalid", field="MessageHeader/OtherInfo/Priority", detail=f"priority {priority}")
        appendixes = other.one("Appendixes", required=False)
        other_info = OtherInfo(
            priority=priority,
            sphere_of_promulgation=other.text("SphereOfPromulgation"),
            typer_notation=other.text("TyperNotation"),
            promulgation_amount=other.int("PromulgationAmount"),
            page_amount=other.int("PageAmount"),
            appendixes=[clean(a.element.text) for a in appendixes.all("Appendix")] if appendixes is not None else [],
        )
    header = MessageHeader(
        from_=_organ(part.one("From")),
        to=to,
        code=Code(code_number=code.text("CodeNumber", required=True), code_notation=code.text("CodeNotation")),
        promulgation_info=PromulgationInfo(
            place=info.text("Place"), promulgation_date=info.date("PromulgationDate", required=True)
        ),
        document_type=DocumentType(type=doc_type.int("Type", required=True), type_name=doc_type.text("TypeName")),
        subject=part.text("Subject", required=True),
        content=part.text("Content"),
        signer_info=SignerInfo(**{attr: signer.text(tag) for tag, attr in n.SIGNER_FIELDS}) if signer else SignerInfo(),
        due_date=part.date("DueDate"),
        to_places=[clean(p.element.text) for p in places.all("Place")] if places is not None else [],
        other_info=other_info,
        response_for=[_response_for(item) for item in part.all("ResponseFor")],
        steering_type=part.int("SteeringType"),
        document_id=part.text("DocumentId", required=True),
    )
    try:
        split_document_id(header.document_id)
    except EdxmlError as exc:
        raise EdxmlError("invalid", field="MessageHeader/DocumentId", detail=exc.detail) from None
    return header


def _business(part: Part | None) -> Business:
    if part is None:
        return Business()
    part.path = "Bussiness"
    doc_type = part.int("BussinessDocType", default=0)
    try:
        kind = BusinessDocType(doc_type)
    except ValueError:
        raise EdxmlError("invalid", field="Bussiness/BussinessDocType", detail=f"{doc_type}") from None
    replacements = []
    holder = part.one("ReplacementInfoList", required=False)
    for item in holder.all("ReplacementInfo") if holder is not None else []:
        organs = item.one("OrganIdList", required=False)
        replacements.append(
            ReplacementInfo(
                document_id=item.text("DocumentId", required=True),
                organ_ids=[clean(o.element.text) for o in organs.all("OrganId")] if organs is not None else [],
            )
        )
    return Business(
        doc_type=kind,
        reason=part.text("BussinessDocReason"),
        document_info=part.text("BussinessDocumentInfo"),
        document_id=part.text("DocumentId"),
        staff_info=_staff(part.one("StaffInfo", required=False)),
        paper=part.int("Paper", default=0),
        replacements=replacements,
    )


def _cid(text: str) -> str:
    value = text.strip()
    if value[:4].lower() == "cid:":
        value = value[4:]
    return value.strip().strip("<>").strip()


def _decode(text: str | None, limits: Limits, field: str) -> bytes:
    raw = (text or "").encode("ascii", "replace")
    if (
        len(raw) > limits.max_attachment_bytes * 4 // 3 + 4
        and len(raw.translate(None, _WHITESPACE)) > (limits.max_attachment_bytes + 2) // 3 * 4
    ):
        raise EdxmlError("too_large", field=field, detail="attachment over max_attachment_bytes")
    try:
        data = base64.b64decode(raw.translate(None, _WHITESPACE), validate=True)
    except (binascii.Error, ValueError):
        raise EdxmlError("invalid", field=field, detail="bad base64") from None
    if len(data) > limits.max_attachment_bytes:
        raise EdxmlError("too_large", field=field, detail="attachment over max_attachment_bytes")
    return data


@dataclass
class AttachmentRead:
    attachments: list[Attachment]
    extensions: list[Extension]
    all_digested: bool


def attachments(root: Part, envelope: Part, limits: Limits) -> AttachmentRead:
    """Manifest references matched one to one with AttachmentEncoded, each checked against its digest."""
    body = envelope.one("edXMLBody", required=False)
    manifest = body.one("edXMLManifest", required=False) if body is not None else None
    references = manifest.all("Reference") if manifest is not None else []
    encoded = root.one("AttachmentEncoded", required=False)
    if encoded is not None:
        encoded.path = "AttachmentEncoded"
    items = encoded.all("Attachment") if encoded is not None else []
    if max(len(references), len(items)) > limits.max_attachments:
        raise EdxmlError("too_many_attachments", detail=f"more than {limits.max_attachments}")
    by_cid: dict[str, Part] = {}
    for item in items:
        cid = _cid(item.text("ContentId", required=True))
        if cid in by_cid:
            raise EdxmlError("invalid", field="AttachmentEncoded/Attachment/ContentId", detail=f"duplicate {cid}")
        by_cid[cid] = item
    result = AttachmentRead([], [], True)
    seen: set[str] = set()
    for reference in references:
        reference.path = "edXMLManifest/Reference"
        href = reference.element.get(f"{{{n.XLINK_NS}}}href") or reference.element.get("href") or ""
        cid = _cid(href)
        if not cid:
            raise EdxmlError("missing", field="edXMLManifest/Reference/@href")
        if cid in seen:
            raise EdxmlError("invalid", field="edXMLManifest/Reference/@href", detail=f"duplicate {cid}")
        seen.add(cid)
        item = by_cid.get(cid)
        if item is None:
            raise EdxmlError("attachment_missing", field="AttachmentEncoded/Attachment", detail=f"no content {cid}")
        field = "AttachmentEncoded/Attachment/ContentTransferEncoded"
        data = _decode(item.one("ContentTransferEncoded").element.text, limits, field)
        digest_part = reference.one("Digest", required=False)
        if digest_part is None:
            result.all_digested = False
        else:
            algorithm = digest_part.element.get("Algorithm") or n.SHA256_URI
            hasher = _DIGESTS.get(algorithm.strip())
            if hasher is None:
                raise EdxmlError("invalid", field="edXMLManifest/Reference/Digest", detail=f"algorithm {algorithm}")
            try:
                expected = base64.b64decode(clean(digest_part.element.text), validate=True)
            except (binascii.Error, ValueError):
                raise EdxmlError("invalid", field="edXMLManifest/Reference/Digest", detail="bad base64") from None
            if hasher(data).digest() != expected:
                raise EdxmlError("attachment_mismatch", field="edXMLManifest/Reference/Digest", detail=cid)
        name = reference.text("AttachmentName") or item.text("AttachmentName")
        if not name:
            raise EdxmlError("missing", field="edXMLManifest/Reference/AttachmentName")
        result.attachments.append(
            Attachment(
                content_id=cid,
                name=name,
                content_type=reference.text("ContentType") or item.text("ContentType"),
                description=reference.text("Description") or item.text("Description"),
                data=data,
            )
        )
        result.extensions += reference.unknown(n.REFERENCE_PARTS, f"Reference:{cid}")
    extra = set(by_cid) - seen
    if extra:
        raise EdxmlError("attachment_missing", field="edXMLManifest/Reference", detail=f"unlisted {sorted(extra)[0]}")
    return result


def package(root: Part, envelope: Part, header: Part, limits: Limits) -> tuple[Package, bool]:
    """The package and whether every attachment carries a digest in the manifest."""
    message = header.one("MessageHeader")
    extensions = message.unknown(n.MESSAGE_HEADER_PARTS, "MessageHeader")
    parsed_header = message_header(message)
    traces_part = header.one("TraceHeaderList", required=False)
    traces: list[TraceHeader] = []
    business_part = header.one("Bussiness", required=False)
    if traces_part is not None:
        traces_part.path = "TraceHeaderList"
        for item in traces_part.all("TraceHeader"):
            organ_id = item.text("OrganId", required=True)
            traces.append(TraceHeader(organ_id=organ_id, timestamp=item.timestamp("Timestamp")))
        inner = traces_part.one("Bussiness", required=False)
        if inner is not None:
            if business_part is not None:
                raise EdxmlError("invalid", field="Bussiness", detail="element repeated")
            business_part = inner
        extensions += traces_part.unknown(n.TRACE_LIST_PARTS, "TraceHeaderList")
    if business_part is not None:
        extensions += business_part.unknown(n.BUSINESS_PARTS, "Bussiness")
    business = _business(business_part)
    read = attachments(root, envelope, limits)
    extensions += read.extensions
    extensions += header.unknown(n.HEADER_PARTS, "edXMLHeader")
    extensions += envelope.unknown(n.ENVELOPE_PARTS, "edXMLEnvelope")
    result = Package(
        header=parsed_header, traces=traces, business=business, attachments=read.attachments, extensions=extensions
    )
    return result, read.all_digested


def status(envelope: Part, header: Part) -> StatusMessage:
    part = header.one("Status")
    part.path = "Status"
    extensions = part.unknown(n.STATUS_PARTS, "Status")
    raw_code = part.text("StatusCode", required=True)
    if raw_code.isdigit() and len(raw_code) == 1:
        raw_code = "0" + raw_code
    try:
        code = StatusCode(raw_code)
    except ValueError:
        raise EdxmlError("invalid", field="Status/StatusCode", detail=f"{raw_code[:10]!r}") from None
    message = StatusMessage(
        response_for=_response_for(part.one("ResponseFor")),
        from_=_organ(part.one("From")),
        status_code=code,
        description=part.text("Description"),
        timestamp=part.timestamp("Timestamp"),
        staff_info=_staff(part.one("StaffInfo", required=False)),
        extensions=extensions,
    )
    message.extensions += header.unknown(n.HEADER_PARTS, "edXMLHeader")
    message.extensions += envelope.unknown(n.ENVELOPE_PARTS, "edXMLEnvelope")
    return message


def routing(header: Part, kind: str) -> tuple[str, list[str], str]:
    """(sender, recipients, document id) without reading the rest."""
    if kind == "status":
        part = header.one("Status")
        part.path = "Status"
        response_for = part.one("ResponseFor")
        return (
            part.one("From").text("OrganId", required=True),
            [response_for.text("OrganId", required=True)],
            response_for.text("DocumentId", required=True),
        )
    part = header.one("MessageHeader")
    part.path = "MessageHeader"
    recipients = [to.text("OrganId", required=True) for to in part.all("To")]
    if not recipients:
        raise EdxmlError("missing", field="MessageHeader/To")
    return part.one("From").text("OrganId", required=True), recipients, part.text("DocumentId", required=True)
