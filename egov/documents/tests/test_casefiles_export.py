"""Export of a hồ sơ: the PDF read back page by page, the XML parsed, the ZIP opened and its digests checked."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from pypdf import PdfReader

from egov.accounts.actor import Actor
from egov.core.errors import NotFound
from egov.documents.exports.casefile import (
    IntegrityFailure,
    casefile_package,
    casefile_pdf,
    casefile_xml,
    export_filename,
)
from egov.documents.models import AccessGrant, AccessLog, Assignment, DeliveryState, RecipientKind
from egov.documents.services.casefiles import casefile_add_document
from egov.documents.tests.test_casefiles_services import attach, open_file, org  # noqa: F401 — fixture
from egov.documents.tests.test_registers_exports import pdf_text
from egov.documents.tests.test_registers_rows import assign, at, make_incoming, make_outgoing

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(org, people, actor_for, tree):  # noqa: F811
    """A file of three documents added out of order: a plan (2 pages + appendix), a paper letter, a decision."""
    specialist = people["nd_specialist"]
    plan = make_outgoing(
        org,
        number=7,
        issued_on=dt.date(2024, 3, 1),
        subject="Kế hoạch chuyển đổi số năm 2024",
        type_code="ke_hoach",
        created_by=specialist,
        signer_prefix="KT.",
        signer_position="Phó Giám đốc",
        signer_name="Lê Thị Hoa",
        copies=3,
        urgency="urgent",
        recipients=[
            ("Ủy ban nhân dân tỉnh Nam Định", RecipientKind.INTERNAL, DeliveryState.DELIVERED, at(dt.date(2024, 3, 1))),
        ],
    )
    letter = make_incoming(
        org,
        arrival_number=5,
        received_at=at(dt.date(2024, 2, 2), 10),
        subject="Hướng dẫn chuyển đổi số",
        number_symbol="15/HD-STTTT",
        issuer_name="Bộ Thông tin và Truyền thông",
        issued_on=dt.date(2024, 1, 30),
        type_code="huong_dan",
        handling_due_on=dt.date(2024, 2, 20),
        created_by=specialist,
    )
    lead = assign(letter, role="lead", unit=tree["nd_stttt_cntt"], when=at(dt.date(2024, 2, 2), 15))
    Assignment.objects.filter(pk=lead.pk).update(due_on=dt.date(2024, 2, 20), instructions="Tham mưu kế hoạch")
    assign(
        letter, role="lead", person=specialist, unit=tree["nd_stttt_cntt"], parent=lead, when=at(dt.date(2024, 2, 3))
    )
    decision = make_outgoing(
        org,
        number=2,
        issued_on=dt.date(2024, 1, 15),
        subject="Thành lập tổ công tác chuyển đổi số",
        created_by=specialist,
    )
    attach(plan, "Kế hoạch chuyển đổi số", 2)
    attach(plan, "Phụ lục danh mục nhiệm vụ", 1, role="appendix")
    attach(decision, "Quyết định thành lập tổ", 1)
    actor = actor_for(specialist)
    case_file = open_file(actor, org, description="Hồ sơ mẫu")
    for document in (plan, letter, decision):
        casefile_add_document(actor=actor, case_file=case_file, document=document)
    return {"case_file": case_file, "plan": plan, "letter": letter, "decision": decision}


def test_pdf_is_cover_index_then_documents_in_order(filed, people, actor_for):
    content = casefile_pdf(actor=actor_for(people["nd_specialist"]), case_file=filed["case_file"])
    reader = PdfReader(io.BytesIO(content))
    pages = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    assert len(pages) == 5  # cover, index, the decision (1 page), the plan (2 pages)
    assert pages[2] == "Quyết định thành lập tổ — trang 1"
    assert pages[3:] == ["Kế hoạch chuyển đổi số — trang 1", "Kế hoạch chuyển đổi số — trang 2"]
    text = pdf_text(content)
    assert text.startswith(
        "ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH NAM ĐỊNH "
        "Mã hồ sơ: 000.00.12.H40.2024.01.CNTT HỒ SƠ Hồ sơ triển khai chuyển đổi số "
        "Năm hình thành hồ sơ 2024 Đơn vị lập hồ sơ Phòng Công nghệ thông tin "
        "Người lập hồ sơ Người dùng nd.specialist Thời gian Từ ngày 15/01/2024 đến ngày 01/03/2024 "
        "Gồm 3 văn bản, 3 trang Thời hạn bảo quản 20 năm Ngôn ngữ Tiếng Việt Ghi chú Hồ sơ mẫu 1/2 "
        "MỤC LỤC VĂN BẢN TRONG HỒ SƠ STT Số, ký hiệu văn bản Ngày tháng năm văn bản Tác giả văn bản "
        "Tên loại và trích yếu nội dung văn bản Tờ số Ghi chú "
        "1 02/QĐ-STTTT 15/01/2024 Sở Thông tin và Truyền thông tỉnh Nam Định Quyết định "
        "Thành lập tổ công tác chuyển đổi số 1 "
        "2 15/HD-STTTT 30/01/2024 Bộ Thông tin và Truyền thông Hướng dẫn Hướng dẫn chuyển đổi số "
        "Không có tệp văn bản điện tử "
        "3 07/KH-STTTT 01/03/2024 Sở Thông tin và Truyền thông tỉnh Nam Định Kế hoạch "
        "Kế hoạch chuyển đổi số năm 2024 2–3 2/2"
    )
    logged = AccessLog.objects.filter(action="download").order_by("document_id")
    assert sorted(log.document_id for log in logged) == sorted([filed["plan"].pk, filed["decision"].pk])


def _parse(content: bytes) -> ET.Element:
    assert content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return ET.fromstring(content)


def _texts(element: ET.Element, *tags: str) -> list:
    return [element.findtext(tag) for tag in tags]


def test_xml_carries_the_appendix_vi_fields(filed, people, actor_for):
    root = _parse(casefile_xml(actor=actor_for(people["nd_clerk"]), case_file=filed["case_file"]))
    assert root.tag == "CaseFile"
    assert _texts(root, "FileCode/OrganId", "FileCode/FileCatalog", "FileCode/FileNotation") == [
        "000.00.12.H40",
        "2024",
        "01.CNTT",
    ]
    assert _texts(
        root, "Title", "Maintenance", "Rights", "Creator", "Language", "StartDate", "EndDate", "DocTotal", "PageTotal"
    ) == [
        "Hồ sơ triển khai chuyển đổi số",
        "20 năm",
        "",
        "Người dùng nd.specialist",
        "Tiếng Việt",
        "2024-01-15",
        "2024-03-01",
        "3",
        "3",
    ]
    documents = root.findall("Documents/Document")
    assert [(d.get("direction"), d.findtext("DocOrdinal"), d.findtext("CodeNumber")) for d in documents] == [
        ("outgoing", "1", "02"),
        ("incoming", "2", "15"),
        ("outgoing", "3", "07"),
    ]
    _decision, letter, plan = documents
    assert _texts(
        plan,
        "FileCode/FileNotation",
        "TypeName",
        "CodeNotation",
        "IssuedDate",
        "OrganName",
        "Subject",
        "PageAmount",
        "SignerInfo/Position",
        "SignerInfo/FullName",
        "To/OrganId",
        "To/OrganName",
        "Priority",
        "IssuedAmount",
    ) == [
        "01.CNTT",
        "Kế hoạch",
        "KH-STTTT",
        "2024-03-01",
        "Sở Thông tin và Truyền thông tỉnh Nam Định",
        "Kế hoạch chuyển đổi số năm 2024",
        "2",
        "KT. Phó Giám đốc",
        "Lê Thị Hoa",
        "X0",
        "Ủy ban nhân dân tỉnh Nam Định",
        "1",
        "3",
    ]
    assert plan.find("ArrivalNumber") is None
    assert _texts(
        letter, "ArrivalDate", "ArrivalNumber", "Priority", "ToPlaces", "TraceHeaderList", "DueDate", "OrganName"
    ) == [
        "2024-02-02",
        "5",
        "0",
        "Phòng Công nghệ thông tin",
        "02/02/2024 — Chủ trì: Phòng Công nghệ thông tin — hạn 20/02/2024 — ý kiến chỉ đạo: Tham mưu kế hoạch "
        "— Chưa xử lý\n"
        "03/02/2024 — Chủ trì: Người dùng nd.specialist (Phòng Công nghệ thông tin) — Chưa xử lý",
        "2024-02-20",
        "Bộ Thông tin và Truyền thông",
    ]
    assert letter.find("Attachments/Attachment") is None
    files = [
        (a.get("role"), a.findtext("FileName"), a.findtext("Size")) for a in plan.findall("Attachments/Attachment")
    ]
    main, appendix = filed["plan"].files.get(role="main"), filed["plan"].files.get(role="appendix")
    assert files == [
        ("main", "van-ban/003-chinh-Ke-hoach-chuyen-doi-so.pdf", str(main.size)),
        ("appendix", "van-ban/003-phu-luc-1-Phu-luc-danh-muc-nhiem-vu.pdf", str(appendix.size)),
    ]


def test_zip_holds_the_xml_and_every_file_with_matching_digests(filed, people, actor_for):
    content = casefile_package(actor=actor_for(people["nd_clerk"]), case_file=filed["case_file"])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == [
            "ho-so.xml",
            "van-ban/001-chinh-Quyet-dinh-thanh-lap-to.pdf",
            "van-ban/003-chinh-Ke-hoach-chuyen-doi-so.pdf",
            "van-ban/003-phu-luc-1-Phu-luc-danh-muc-nhiem-vu.pdf",
        ]
        root = _parse(archive.read("ho-so.xml"))
        listed = root.findall("Documents/Document/Attachments/Attachment")
        assert len(listed) == 3
        for attachment in listed:
            data = archive.read(attachment.findtext("FileName"))
            assert hashlib.sha256(data).hexdigest() == attachment.findtext("Sha256")
            assert data.startswith(b"%PDF")


def test_a_changed_file_stops_the_export(filed, people, actor_for):
    row = filed["plan"].files.get(role="main")
    with open(row.file.path, "ab") as handle:
        handle.write(b"% altered\n")
    actor = actor_for(people["nd_clerk"])
    message = (
        "Tệp “Kế hoạch chuyển đổi số.pdf” của văn bản 07/KH-STTTT không còn nguyên vẹn "
        "(mã băm SHA-256 không khớp); dừng kết xuất."
    )
    for export in (casefile_package, casefile_pdf):
        with pytest.raises(IntegrityFailure) as caught:
            export(actor=actor, case_file=filed["case_file"])
        assert (caught.value.message, caught.value.status) == (message, 409)
    assert not AccessLog.objects.exists()


def test_export_leaves_out_what_the_actor_may_not_see(filed, people, actor_for, org):  # noqa: F811
    secret = make_outgoing(
        org, number=1, series="secret", issued_on=dt.date(2024, 2, 10), subject="Phương án mật", secrecy="secret"
    )
    AccessGrant.objects.create(document=secret, person=people["nd_specialist"], reason="Được giao")
    casefile_add_document(actor=actor_for(people["nd_specialist"]), case_file=filed["case_file"], document=secret)
    clerk_view = _parse(casefile_xml(actor=actor_for(people["nd_clerk"]), case_file=filed["case_file"]))
    assert clerk_view.findtext("DocTotal") == "3"
    assert [d.findtext("Subject") for d in clerk_view.findall("Documents/Document")] == [
        "Thành lập tổ công tác chuyển đổi số",
        "Hướng dẫn chuyển đổi số",
        "Kế hoạch chuyển đổi số năm 2024",
    ]
    granted = _parse(casefile_xml(actor=actor_for(people["nd_specialist"]), case_file=filed["case_file"]))
    marked = granted.findall("Documents/Document")[2]
    assert (marked.findtext("Subject"), marked.get("secrecy"), marked.findtext("DocOrdinal")) == (
        "Phương án mật",
        "secret",
        "3",
    )


def test_export_refused_to_those_who_may_not_see_the_file(filed, people, actor_for):
    for actor in (actor_for(people["qt_clerk"]), Actor()):
        for export in (casefile_pdf, casefile_xml, casefile_package):
            with pytest.raises(NotFound):
                export(actor=actor, case_file=filed["case_file"])
    assert not AccessLog.objects.exists()


def test_export_file_name(filed):
    assert export_filename(filed["case_file"], "zip") == "ho-so-000.00.12.H40.2024.01.CNTT.zip"
