"""Model -> lxml tree, in the element order of QCVN 102:2016 §3."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from lxml import etree

from . import names as n
from .errors import EdxmlError
from .model import (
    Attachment,
    Business,
    Extension,
    MessageHeader,
    Organ,
    Package,
    ResponseFor,
    StaffInfo,
    StatusCode,
    StatusMessage,
    format_date,
)
from .xmlsafe import fragment_parser


def _text(parent: etree._Element, name: str, value: str, path: str) -> etree._Element:
    element = etree.SubElement(parent, n.q(name))
    if value:
        try:
            element.text = value
        except (ValueError, TypeError) as exc:
            raise EdxmlError("invalid", field=f"{path}/{name}", detail=str(exc)) from None
    return element


def _required(value: str, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise EdxmlError("missing", field=path)
    return value


def _int(value: int | None) -> str:
    return "" if value is None else str(int(value))


def _organ(parent: etree._Element, name: str, organ: Organ, path: str) -> None:
    _required(organ.organ_id, f"{path}/{name}/OrganId")
    element = etree.SubElement(parent, n.q(name))
    for tag, attr in n.ORGAN_FIELDS:
        _text(element, tag, getattr(organ, attr), f"{path}/{name}")


def _staff(parent: etree._Element, staff: StaffInfo, path: str) -> None:
    element = etree.SubElement(parent, n.q("StaffInfo"))
    for tag, attr in n.STAFF_FIELDS:
        _text(element, tag, getattr(staff, attr), f"{path}/StaffInfo")


def _response_for(parent: etree._Element, item: ResponseFor, path: str) -> None:
    _required(item.organ_id, f"{path}/ResponseFor/OrganId")
    _required(item.document_id, f"{path}/ResponseFor/DocumentId")
    element = etree.SubElement(parent, n.q("ResponseFor"))
    _text(element, "OrganId", item.organ_id, path)
    _text(element, "Code", item.code, path)
    date = format_date(item.promulgation_date) if item.promulgation_date else ""
    _text(element, "PromulgationDate", date, path)
    _text(element, "DocumentId", item.document_id, path)


def _timestamp(value: dt.datetime, path: str) -> str:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise EdxmlError("invalid", field=path, detail="timestamps must be timezone-aware datetimes")
    return n.format_timestamp(value)


def _message_header(parent: etree._Element, header: MessageHeader) -> etree._Element:
    path = "MessageHeader"
    element = etree.SubElement(parent, n.q("MessageHeader"))
    _organ(element, "From", header.from_, path)
    if not header.to:
        raise EdxmlError("missing", field=f"{path}/To")
    for organ in header.to:
        _organ(element, "To", organ, path)
    code = etree.SubElement(element, n.q("Code"))
    _text(code, "CodeNumber", _required(header.code.code_number, f"{path}/Code/CodeNumber"), f"{path}/Code")
    _text(code, "CodeNotation", _required(header.code.code_notation, f"{path}/Code/CodeNotation"), f"{path}/Code")
    info = etree.SubElement(element, n.q("PromulgationInfo"))
    _text(info, "Place", header.promulgation_info.place, f"{path}/PromulgationInfo")
    _text(info, "PromulgationDate", format_date(header.promulgation_info.promulgation_date), f"{path}/PromulgationInfo")
    doc_type = etree.SubElement(element, n.q("DocumentType"))
    _text(doc_type, "Type", _int(header.document_type.type), f"{path}/DocumentType")
    _text(doc_type, "TypeName", header.document_type.type_name, f"{path}/DocumentType")
    _text(element, "Subject", _required(header.subject, f"{path}/Subject"), path)
    _text(element, "Content", header.content, path)
    signer = etree.SubElement(element, n.q("SignerInfo"))
    for tag, attr in n.SIGNER_FIELDS:
        _text(signer, tag, getattr(header.signer_info, attr), f"{path}/SignerInfo")
    _text(element, "DueDate", format_date(header.due_date) if header.due_date else "", path)
    places = etree.SubElement(element, n.q("ToPlaces"))
    for place in header.to_places:
        _text(places, "Place", place, f"{path}/ToPlaces")
    other = header.other_info
    if not isinstance(other.priority, int) or not 0 <= other.priority <= 3:
        raise EdxmlError("invalid", field=f"{path}/OtherInfo/Priority", detail=f"priority {other.priority!r}")
    other_el = etree.SubElement(element, n.q("OtherInfo"))
    opath = f"{path}/OtherInfo"
    _text(other_el, "Priority", str(other.priority), opath)
    _text(other_el, "SphereOfPromulgation", other.sphere_of_promulgation, opath)
    _text(other_el, "TyperNotation", other.typer_notation, opath)
    _text(other_el, "PromulgationAmount", _int(other.promulgation_amount), opath)
    _text(other_el, "PageAmount", _int(other.page_amount), opath)
    appendixes = etree.SubElement(other_el, n.q("Appendixes"))
    for appendix in other.appendixes:
        _text(appendixes, "Appendix", appendix, f"{opath}/Appendixes")
    for item in header.response_for:
        _response_for(element, item, path)
    _text(element, "SteeringType", _int(header.steering_type), path)
    _text(element, "DocumentId", _required(header.document_id, f"{path}/DocumentId"), path)
    return element


def _business(parent: etree._Element, business: Business) -> etree._Element:
    path = "Bussiness"
    element = etree.SubElement(parent, n.q("Bussiness"))
    _text(element, "BussinessDocType", str(int(business.doc_type)), path)
    _text(element, "BussinessDocReason", business.reason, path)
    _text(element, "BussinessDocumentInfo", business.document_info, path)
    _text(element, "DocumentId", business.document_id, path)
    _staff(element, business.staff_info, path)
    _text(element, "Paper", str(int(business.paper)), path)
    if business.replacements:
        replacements = etree.SubElement(element, n.q("ReplacementInfoList"))
        for item in business.replacements:
            info = etree.SubElement(replacements, n.q("ReplacementInfo"))
            _text(info, "DocumentId", item.document_id, f"{path}/ReplacementInfoList/ReplacementInfo")
            organs = etree.SubElement(info, n.q("OrganIdList"))
            for organ_id in item.organ_ids:
                _text(organs, "OrganId", organ_id, f"{path}/ReplacementInfoList/ReplacementInfo/OrganIdList")
    return element


def _extensions(extensions: list[Extension]) -> dict[str, list[etree._Element]]:
    placed: dict[str, list[etree._Element]] = {}
    for extension in extensions:
        try:
            element = etree.fromstring(extension.xml.encode(), parser=fragment_parser())
        except (etree.XMLSyntaxError, ValueError, AttributeError) as exc:
            raise EdxmlError("invalid", field=extension.location, detail=f"extension: {exc}") from None
        placed.setdefault(extension.location, []).append(element)
    return placed


def _place(parent: etree._Element, placed: dict[str, list[etree._Element]], location: str) -> None:
    for element in placed.pop(location, []):
        parent.append(element)


def digest(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _manifest(body: etree._Element, attachments: list[Attachment], placed: dict) -> None:
    manifest = etree.SubElement(body, n.q("edXMLManifest"), version="1.0")
    seen: set[str] = set()
    for attachment in attachments:
        cid = _required(attachment.content_id, "edXMLManifest/Reference/@href").strip()
        if cid in seen:
            raise EdxmlError("invalid", field="edXMLManifest/Reference/@href", detail=f"duplicate content id {cid}")
        seen.add(cid)
        reference = etree.SubElement(manifest, n.q("Reference"), {f"{{{n.XLINK_NS}}}href": f"cid:{cid}"})
        path = "edXMLManifest/Reference"
        _text(reference, "Description", attachment.description, path)
        _text(reference, "AttachmentName", _required(attachment.name, f"{path}/AttachmentName"), path)
        _text(reference, "ContentType", attachment.content_type, path)
        _text(reference, "Digest", digest(attachment.data), path).set("Algorithm", n.SHA256_URI)
        _place(reference, placed, f"Reference:{cid}")


def attachment_elements(attachments: list[Attachment]) -> etree._Element:
    """AttachmentEncoded (no namespace, outside the envelope) with the base64 of each attachment."""
    encoded = etree.Element("AttachmentEncoded")
    for attachment in attachments:
        item = etree.SubElement(encoded, "Attachment")
        etree.SubElement(item, "ContentType").text = attachment.content_type or None
        etree.SubElement(item, "ContentId").text = attachment.content_id.strip()
        etree.SubElement(item, "Description").text = attachment.description or None
        etree.SubElement(item, "ContentTransferEncoded").text = base64.b64encode(attachment.data).decode()
        etree.SubElement(item, "AttachmentName").text = attachment.name
    return encoded


def _root() -> tuple[etree._Element, etree._Element, etree._Element]:
    root = etree.Element(n.q("edXML"), nsmap=n.NSMAP)
    envelope = etree.SubElement(root, n.q("edXMLEnvelope"), Id=n.ENVELOPE_ID)
    header = etree.SubElement(envelope, n.q("edXMLHeader"))
    return root, envelope, header


def _finish(envelope: etree._Element, header: etree._Element, placed: dict) -> None:
    _place(header, placed, "edXMLHeader")
    _place(envelope, placed, "edXMLEnvelope")
    if placed:
        raise EdxmlError("invalid", field=next(iter(placed)), detail="unknown extension location")


def package_tree(package: Package) -> tuple[etree._Element, etree._Element]:
    """(root, edXMLHeader) of an edoc package, without AttachmentEncoded (added after signing)."""
    placed = _extensions(package.extensions)
    root, envelope, header = _root()
    message_header = _message_header(header, package.header)
    _place(message_header, placed, "MessageHeader")
    traces = etree.SubElement(header, n.q("TraceHeaderList"), version="1.0", mustUnderstand="1")
    for trace in package.traces:
        item = etree.SubElement(traces, n.q("TraceHeader"))
        _text(item, "OrganId", _required(trace.organ_id, "TraceHeaderList/TraceHeader/OrganId"), "TraceHeader")
        _text(item, "Timestamp", _timestamp(trace.timestamp, "TraceHeaderList/TraceHeader/Timestamp"), "TraceHeader")
    business = _business(traces, package.business)
    _place(business, placed, "Bussiness")
    _place(traces, placed, "TraceHeaderList")
    if len(package.attachments) != len({a.content_id.strip() for a in package.attachments}):
        raise EdxmlError("invalid", field="edXMLManifest/Reference/@href", detail="duplicate content id")
    body = etree.SubElement(envelope, n.q("edXMLBody"))
    _manifest(body, package.attachments, placed)
    _finish(envelope, header, placed)
    return root, header


def status_tree(status: StatusMessage) -> tuple[etree._Element, etree._Element]:
    """(root, edXMLHeader) of a status message."""
    placed = _extensions(status.extensions)
    root, envelope, header = _root()
    element = etree.SubElement(header, n.q("Status"))
    _response_for(element, status.response_for, "Status")
    _organ(element, "From", status.from_, "Status")
    try:
        code = StatusCode(status.status_code).value
    except ValueError:
        raise EdxmlError("invalid", field="Status/StatusCode", detail=f"{status.status_code!r}") from None
    _text(element, "StatusCode", code, "Status")
    _text(element, "Description", status.description, "Status")
    _text(element, "Timestamp", _timestamp(status.timestamp, "Status/Timestamp"), "Status")
    _staff(element, status.staff_info, "Status")
    _place(element, placed, "Status")
    _finish(envelope, header, placed)
    return root, header


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
