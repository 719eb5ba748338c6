"""The registers exported: the PDF read back with pdftotext, the workbook read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from egov.documents.exports.registers import export_filename, register_pdf, register_xlsx
from egov.documents.selectors.registers import INCOMING, OUTGOING, RegisterFilter
from egov.documents.tests.test_registers_rows import YEAR_2024, registers  # noqa: F401 — fixture

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """The text in drawing order, every run of white space made one space (cells wrap at their width)."""
    raw = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True).stdout
    return " ".join(raw.decode("utf-8").split())


def pdf_pages(content: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_outgoing_register_pdf(registers, people, actor_for):  # noqa: F811
    content = register_pdf(
        actor=actor_for(people["nd_clerk"]), organisation=registers["org"], kind=OUTGOING, flt=YEAR_2024
    )
    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = pdf_text(content)
    assert text.startswith(
        "ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH NAM ĐỊNH "
        "SỔ ĐĂNG KÝ VĂN BẢN ĐI Năm: 2024 Từ ngày 01/01/2024 đến ngày 31/12/2024 Từ số 01 đến số 03 Quyển số: 1 1/2 "
        "Số, ký hiệu văn bản Ngày tháng văn bản Tên loại và trích yếu nội dung văn bản Người ký Nơi nhận văn bản "
        "Đơn vị, người nhận bản lưu Số lượng bản Ngày chuyển Ký nhận Ghi chú (1) (2) (3) (4) (5) (6) (7) (8) (9) (10) "
    )
    assert (
        "01/STTTT-VP 05/01/2024 Công văn V/v báo cáo tình hình ứng dụng công nghệ thông tin "
        "Trần Văn Bình (Giám đốc) Ủy ban nhân dân huyện Hải Hậu Văn phòng Sở "
        "02/TB-STTTT 01/02/2024 Thông báo Lịch tiếp công dân tháng 02 năm 2024 Trần Văn Bình (Giám đốc) "
        "Đã thu hồi ngày 03/02/2024; Ban hành nhầm "
        "03/QĐ-STTTT 15/03/2024 Quyết định Phê duyệt Kế hoạch chuyển đổi số năm 2024 Lê Thị Hoa (KT. Phó Giám đốc) "
        "Ủy ban nhân dân tỉnh Nam Định; Bộ Thông tin và Truyền thông Phòng Công nghệ thông tin — "
        "Người dùng nd.specialist 5 15/03/2024 Khẩn 2/2"
    ) in text
    assert "Phương án bảo đảm an toàn hệ thống" not in text  # secret, and the clerk holds no grant
    assert pdf_pages(content)[0].count("SỔ ĐĂNG KÝ VĂN BẢN ĐI") == 1


def test_incoming_register_pdf_with_filters_named_on_the_title_page(registers, people, actor_for, tree):  # noqa: F811
    flt = RegisterFilter.year(2024, unit=tree["nd_stttt_vp"], urgency="flash")
    content = register_pdf(
        actor=actor_for(people["nd_clerk"]), organisation=registers["org"], kind=INCOMING, flt=flt, volume=2
    )
    text = pdf_text(content)
    assert text.startswith(
        "ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH NAM ĐỊNH SỔ ĐĂNG KÝ VĂN BẢN ĐẾN "
        "Năm: 2024 Từ ngày 01/01/2024 đến ngày 31/12/2024 Từ số 02 đến số 02 "
        "Đơn vị được giao: Văn phòng Sở; Độ khẩn: Hỏa tốc Quyển số: 2 1/2 "
        "Ngày đến Số đến Tác giả Số, ký hiệu văn bản Ngày tháng văn bản Tên loại và trích yếu nội dung văn bản "
        "Đơn vị hoặc người nhận Ngày chuyển Ký nhận Ghi chú (1) (2) (3) (4) (5) (6) (7) (8) (9) (10) "
    )
    assert text.endswith(
        "09/01/2024 2 Ủy ban nhân dân tỉnh Nam Định 2508/QĐ-UBND 08/01/2024 Quyết định Triển khai nền tảng chia sẻ "
        "dữ liệu Chủ trì: Phòng Công nghệ thông tin; Phối hợp: Văn phòng Sở 10/01/2024 Hỏa tốc; Hạn giải quyết "
        "20/01/2024 2/2"
    )
    assert "Đề nghị cung cấp số liệu" not in text


def test_empty_register_pdf_says_so(registers, people, actor_for):  # noqa: F811
    flt = RegisterFilter(dt.date(2022, 1, 1), dt.date(2023, 6, 30))
    content = register_pdf(actor=actor_for(people["nd_clerk"]), organisation=registers["org"], kind=OUTGOING, flt=flt)
    text = pdf_text(content)
    assert "Năm: 2022–2023 Từ ngày 01/01/2022 đến ngày 30/06/2023 Từ số …… đến số ……" in text
    assert "Không có văn bản nào trong sổ ở thời gian và điều kiện đã chọn." in text


def _rows(ws) -> list[list]:
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def test_outgoing_register_workbook(registers, people, actor_for):  # noqa: F811
    content = register_xlsx(
        actor=actor_for(people["nd_clerk"]), organisation=registers["org"], kind=OUTGOING, flt=YEAR_2024
    )
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Sổ văn bản đi"]
    ws = wb["Sổ văn bản đi"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:J4"
    assert all(ws.cell(row=1, column=c).font.bold for c in range(1, 11))
    assert _rows(ws) == [
        [
            "Số, ký hiệu văn bản",
            "Ngày tháng văn bản",
            "Tên loại và trích yếu nội dung văn bản",
            "Người ký",
            "Nơi nhận văn bản",
            "Đơn vị, người nhận bản lưu",
            "Số lượng bản",
            "Ngày chuyển",
            "Ký nhận",
            "Ghi chú",
        ],
        [
            "01/STTTT-VP",
            dt.datetime(2024, 1, 5),
            "Công văn — V/v báo cáo tình hình ứng dụng công nghệ thông tin",
            "Trần Văn Bình (Giám đốc)",
            "Ủy ban nhân dân huyện Hải Hậu",
            "Văn phòng Sở",
            None,
            None,
            None,
            None,
        ],
        [
            "02/TB-STTTT",
            dt.datetime(2024, 2, 1),
            "Thông báo — Lịch tiếp công dân tháng 02 năm 2024",
            "Trần Văn Bình (Giám đốc)",
            None,
            None,
            None,
            None,
            None,
            "Đã thu hồi ngày 03/02/2024; Ban hành nhầm",
        ],
        [
            "03/QĐ-STTTT",
            dt.datetime(2024, 3, 15),
            "Quyết định — Phê duyệt Kế hoạch chuyển đổi số năm 2024",
            "Lê Thị Hoa (KT. Phó Giám đốc)",
            "Ủy ban nhân dân tỉnh Nam Định; Bộ Thông tin và Truyền thông",
            "Phòng Công nghệ thông tin — Người dùng nd.specialist",
            5,
            dt.datetime(2024, 3, 15),
            None,
            "Khẩn",
        ],
    ]
    assert ws["B2"].number_format == "DD/MM/YYYY"
    assert ws["H4"].number_format == "DD/MM/YYYY"
    assert ws["B2"].is_date


def test_incoming_register_workbook(registers, people, actor_for):  # noqa: F811
    content = register_xlsx(
        actor=actor_for(people["nd_leader"]), organisation=registers["org"], kind=INCOMING, flt=YEAR_2024
    )
    ws = load_workbook(io.BytesIO(content))["Sổ văn bản đến"]
    assert ws.freeze_panes == "A2"
    rows = _rows(ws)
    assert rows[0] == [
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Đơn vị hoặc người nhận",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ]
    assert rows[1:] == [
        [
            dt.datetime(2024, 1, 3),
            1,
            "Sở Tài chính tỉnh Nam Định",
            "05/STC-NS",
            dt.datetime(2024, 1, 2),
            "Công văn — Đề nghị cung cấp số liệu",
            "Để biết: Người dùng nd.leader",
            dt.datetime(2024, 1, 4),
            None,
            None,
        ],
        [
            dt.datetime(2024, 1, 9),
            2,
            "Ủy ban nhân dân tỉnh Nam Định",
            "2508/QĐ-UBND",
            dt.datetime(2024, 1, 8),
            "Quyết định — Triển khai nền tảng chia sẻ dữ liệu",
            "Chủ trì: Phòng Công nghệ thông tin; Phối hợp: Văn phòng Sở",
            dt.datetime(2024, 1, 10),
            None,
            "Hỏa tốc; Hạn giải quyết 20/01/2024",
        ],
    ]
    assert [ws.cell(row=2, column=c).number_format for c in (1, 5, 8)] == ["DD/MM/YYYY"] * 3


def test_empty_workbook_keeps_its_header(registers, people, actor_for):  # noqa: F811
    content = register_xlsx(
        actor=actor_for(people["qt_clerk"]), organisation=registers["org"], kind=OUTGOING, flt=YEAR_2024
    )
    ws = load_workbook(io.BytesIO(content)).active
    assert ws.max_row == 1
    assert ws["A1"].value == "Số, ký hiệu văn bản"


def test_export_file_names():
    assert export_filename(OUTGOING, YEAR_2024, "pdf") == "so-dang-ky-van-ban-di-2024.pdf"
    period = RegisterFilter(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert export_filename(INCOMING, period, "xlsx") == "so-dang-ky-van-ban-den-20240101-20240630.xlsx"
