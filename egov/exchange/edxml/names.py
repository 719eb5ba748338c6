"""Namespaces and element names of QCVN 102:2016 packages."""

from __future__ import annotations

import datetime as dt

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
XLINK_NS = "http://www.w3.org/1999/xlink"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
NSMAP = {PREFIX: NS, "xlink": XLINK_NS}

# The Id the signature's Reference points at (URI="#edXMLEnvelope").
ENVELOPE_ID = "edXMLEnvelope"

SHA256_URI = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA512_URI = "http://www.w3.org/2001/04/xmlenc#sha512"

# Vietnam has kept UTC+7 without daylight saving since 1975; a fixed offset needs no tz database.
VIETNAM_TZ = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")

ORGAN_FIELDS = (
    ("OrganId", "organ_id"),
    ("OrganizationInCharge", "organization_in_charge"),
    ("OrganName", "organ_name"),
    ("OrganAdd", "organ_add"),
    ("Email", "email"),
    ("Telephone", "telephone"),
    ("Fax", "fax"),
    ("Website", "website"),
)
STAFF_FIELDS = (("Department", "department"), ("Staff", "staff"), ("Mobile", "mobile"), ("Email", "email"))
SIGNER_FIELDS = (("Competence", "competence"), ("Position", "position"), ("FullName", "full_name"))

MESSAGE_HEADER_PARTS = frozenset(
    {
        "From",
        "To",
        "Code",
        "PromulgationInfo",
        "DocumentType",
        "Subject",
        "Content",
        "SignerInfo",
        "DueDate",
        "ToPlaces",
        "OtherInfo",
        "ResponseFor",
        "SteeringType",
        "DocumentId",
    }
)
BUSINESS_PARTS = frozenset(
    {
        "BussinessDocType",
        "BussinessDocReason",
        "BussinessDocumentInfo",
        "DocumentId",
        "StaffInfo",
        "Paper",
        "ReplacementInfoList",
    }
)
REFERENCE_PARTS = frozenset({"Description", "AttachmentName", "ContentType", "Digest"})
STATUS_PARTS = frozenset({"ResponseFor", "From", "StatusCode", "Description", "Timestamp", "StaffInfo"})
HEADER_PARTS = frozenset({"MessageHeader", "TraceHeaderList", "Bussiness", "Status"})
TRACE_LIST_PARTS = frozenset({"TraceHeader", "Bussiness"})
ENVELOPE_PARTS = frozenset({"edXMLHeader", "edXMLBody"})


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


def format_timestamp(value: dt.datetime) -> str:
    local = value.astimezone(VIETNAM_TZ)
    return f"{local.year:04d}/{local.month:02d}/{local.day:02d} {local.hour:02d}:{local.minute:02d}:{local.second:02d}"
