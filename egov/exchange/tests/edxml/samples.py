"""Packages and keys the edXML tests share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from egov.exchange.edxml import (
    Attachment,
    Code,
    DocumentType,
    MessageHeader,
    Organ,
    OtherInfo,
    Package,
    PromulgationInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusMessage,
    TraceHeader,
    TrustStore,
    XmlSigner,
    document_id,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "edxml"
NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
VN = dt.timezone(dt.timedelta(hours=7))
SENDER = "000.00.00.G22"
RECIPIENT = "000.00.00.H41"
DOC_ID = "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40


@dataclass
class Keys:
    """Signers and trust stores made once per test session from throw-away demo CAs."""

    sender: XmlSigner  # organisation certificate for SENDER
    recipient: XmlSigner  # organisation certificate for RECIPIENT
    rogue: XmlSigner  # SENDER's code, but from a CA nobody trusts
    expired: XmlSigner  # SENDER's code, certificate no longer valid
    trust: TrustStore  # the demo root
    trust_intermediate: TrustStore  # only the signing CA


def package(*, attachments: int = 1) -> Package:
    return Package(
        header=MessageHeader(
            from_=Organ(organ_id=SENDER, organ_name="Văn phòng Chính phủ", email="vpcp@chinhphu.vn"),
            to=[Organ(organ_id=RECIPIENT, organ_name="Ủy ban nhân dân tỉnh Nghệ An")],
            code=Code(code_number="7816", code_notation="VPCP-TTĐT"),
            promulgation_info=PromulgationInfo(place="Hà Nội", promulgation_date=dt.date(2015, 9, 30)),
            document_type=DocumentType(type=1, type_name="Công văn"),
            subject="Về việc triển khai Trục liên thông văn bản quốc gia",
            content='Nội dung <chính> & "phụ"',
            signer_info=SignerInfo(competence="KT. BỘ TRƯỞNG", position="Thứ trưởng", full_name="Nguyễn Văn A"),
            due_date=dt.date(2015, 10, 15),
            to_places=["Như trên", "Lưu: VT"],
            other_info=OtherInfo(priority=2, promulgation_amount=3, page_amount=2, appendixes=["Phụ lục I"]),
            response_for=[
                ResponseFor(organ_id=RECIPIENT, code="12/UBND-VP", document_id="000.00.00.H41,2015/09/01,12/UBND-VP")
            ],
            steering_type=1,
            document_id=document_id(SENDER, dt.date(2015, 9, 30), "7816", "VPCP-TTĐT"),
        ),
        traces=[TraceHeader(organ_id=SENDER, timestamp=dt.datetime(2015, 9, 30, 8, 30, 5, tzinfo=VN))],
        attachments=[
            Attachment(
                content_id=f"6f1c0f5e-0000-4000-8000-00000000000{i}",
                name=f"van-ban-{i}.pdf",
                content_type="application/pdf",
                description=f"Tệp {i}",
                data=PDF + bytes([i]),
            )
            for i in range(attachments)
        ],
    )


def status(code: StatusCode = StatusCode.RECEIVED) -> StatusMessage:
    return StatusMessage(
        response_for=ResponseFor(
            organ_id=SENDER, code="7816/VPCP-TTĐT", promulgation_date=dt.date(2015, 9, 30), document_id=DOC_ID
        ),
        from_=Organ(organ_id=RECIPIENT, organ_name="Ủy ban nhân dân tỉnh Nghệ An"),
        status_code=code,
        description="Đã tiếp nhận, vào sổ",
        timestamp=dt.datetime(2015, 9, 30, 9, 0, tzinfo=VN),
        staff_info=StaffInfo(department="Văn phòng", staff="Trần Thị B", mobile="0912345678"),
    )


def tree(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def find(root: etree._Element, local: str) -> etree._Element:
    return next(el for el in root.iter() if isinstance(el.tag, str) and el.tag.rpartition("}")[2] == local)
