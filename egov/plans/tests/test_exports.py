"""Excel and PDF exports: the bytes are opened again (openpyxl, pdftotext) and their content checked exactly."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import unicodedata

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from egov.accounts.tests.factories import make_person
from egov.plans import selectors
from egov.plans.reports.dashboard import plan_dashboard
from egov.plans.reports.pdf import document_date, place_of, plan_dashboard_pdf
from egov.plans.reports.rollup import rollup
from egov.plans.reports.xlsx import plan_dashboard_xlsx, rollup_xlsx
from egov.plans.tests.test_dashboards import TODAY, build_plan
from egov.plans.tests.test_dashboards_rollup import AS_OF, build_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(tree):
    return build_plan(tree)


def _workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def _plan_workbook(plan):
    figures = plan_dashboard(plan=plan, today=TODAY, limit=None)
    return _workbook(
        plan_dashboard_xlsx(plan=plan, figures=figures, tasks=selectors.plan_tasks(plan=plan, today=TODAY))
    )


def _row(ws, row: int, columns: int) -> list:
    return [ws.cell(row=row, column=c).value for c in range(1, columns + 1)]


def test_plan_workbook_summary_sheet(scenario):
    plan, _t, _units = scenario
    wb = _plan_workbook(plan)
    assert wb.sheetnames == ["Tổng hợp", "Đầu việc", "Quá hạn"]
    ws = wb["Tổng hợp"]
    assert _row(ws, 1, 2) == ["Kế hoạch", "Kế hoạch thực hiện Nghị quyết số 17/NQ-CP"]
    assert _row(ws, 2, 2) == ["Số, ký hiệu", "1035/QĐ-BVHTTDL"]
    assert _row(ws, 3, 2) == ["Số liệu tính đến ngày", dt.datetime(2019, 10, 15)]
    assert ws["B3"].number_format == "DD/MM/YYYY"
    assert _row(ws, 4, 2) == ["Tổng số đầu việc", 12]
    assert ws["A5"].value == "Tỷ lệ hoàn thành đúng hạn"
    assert ws["B5"].value == pytest.approx(3 / 7)
    assert ws["B5"].number_format == "0.0%"
    assert _row(ws, 7, 2) == ["Trạng thái", "Số đầu việc"]
    assert ws["A7"].font.bold
    assert [_row(ws, r, 2) for r in range(8, 18)] == [
        ["Chưa triển khai", 2],
        ["Đang thực hiện", 1],
        ["Sắp đến hạn", 1],
        ["Quá hạn", 2],
        ["Hoàn thành trước hạn", 1],
        ["Hoàn thành đúng hạn", 1],
        ["Hoàn thành quá hạn", 1],
        ["Thường xuyên — đúng tiến độ", 1],
        ["Thường xuyên — chậm báo cáo", 1],
        ["Dừng thực hiện", 1],
    ]
    assert _row(ws, 19, 3) == ["Đơn vị chủ trì", "Tổng số", "Chưa triển khai"]
    assert ws["M19"].value == "Tỷ lệ hoàn thành đúng hạn"
    assert _row(ws, 20, 13) == ["Trung tâm Công nghệ thông tin", 8, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0.75]
    assert _row(ws, 21, 13) == ["Văn phòng Bộ", 4, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0]
    assert ws.column_dimensions["A"].width == 40


def test_plan_workbook_task_list(scenario):
    plan, _t, _units = scenario
    ws = _plan_workbook(plan)["Đầu việc"]
    assert _row(ws, 1, 9) == [
        "STT",
        "Nhiệm vụ",
        "Sản phẩm",
        "Chủ trì",
        "Phối hợp",
        "Thời gian hoàn thành",
        "Hạn",
        "Tiến độ (%)",
        "Trạng thái",
    ]
    assert all(ws.cell(row=1, column=c).font.bold for c in range(1, 10))
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 60
    assert ws.max_row == 14  # header, the section, 12 tasks
    assert _row(ws, 2, 3) == ["1", "Hoàn thiện hạ tầng kỹ thuật", None]
    assert ws["B2"].font.bold
    assert _row(ws, 3, 9) == [
        "1.1",
        "Đầu việc not_started",
        None,
        "Trung tâm Công nghệ thông tin",
        None,
        "Năm 2019",
        dt.datetime(2019, 12, 31),
        0,
        "Chưa triển khai",
    ]
    assert ws["G3"].number_format == "DD/MM/YYYY"
    assert _row(ws, 7, 9)[1:] == [
        "Đầu việc early",
        None,
        "Trung tâm Công nghệ thông tin",
        None,
        "Tháng 12/2019",
        dt.datetime(2019, 12, 31),
        100,
        "Hoàn thành trước hạn",
    ]
    assert _row(ws, 11, 9) == [
        "2",
        "Đầu việc vp_overdue",
        "Báo cáo đánh giá",
        "Văn phòng Bộ",
        "Trung tâm Công nghệ thông tin",
        "Tháng 8/2019",
        dt.datetime(2019, 8, 30),
        0,
        "Quá hạn",
    ]


def test_plan_workbook_overdue_sheet(scenario):
    plan, _t, _units = scenario
    ws = _plan_workbook(plan)["Quá hạn"]
    assert ws.freeze_panes == "A2"
    assert _row(ws, 1, 7) == [
        "STT",
        "Nhiệm vụ",
        "Chủ trì",
        "Thời gian hoàn thành",
        "Hạn",
        "Số ngày làm việc quá hạn",
        "Tiến độ (%)",
    ]
    assert _row(ws, 2, 7) == [
        "2",
        "Đầu việc vp_overdue",
        "Văn phòng Bộ",
        "Tháng 8/2019",
        dt.datetime(2019, 8, 30),
        31,
        0,
    ]
    assert _row(ws, 3, 7) == [
        "1.4",
        "Đầu việc overdue",
        "Trung tâm Công nghệ thông tin",
        "Tháng 9/2019",
        dt.datetime(2019, 9, 30),
        11,
        0,
    ]
    assert ws.max_row == 3


def test_plan_workbook_download(scenario, tree, login):
    plan, _t, _units = scenario
    client = login(make_person("bvh.leader", tree["bvh"], "leader"))
    response = client.get(reverse("plans:plan_dashboard_xlsx", args=[plan.pk]), {"as_of": "2019-10-15"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="tien-do-ke-hoach-{plan.pk}-20191015.xlsx"'
    assert _workbook(response.content)["Tổng hợp"]["B4"].value == 12


def test_rollup_workbook(tree):
    build_country(tree)
    wb = _workbook(rollup_xlsx(rollup=rollup(province=None, as_of=AS_OF)))
    assert wb.sheetnames == ["Tổng hợp", "Chi tiết"]
    ws = wb["Tổng hợp"]
    assert _row(ws, 1, 2) == ["Số liệu tính đến ngày", dt.datetime(2019, 12, 31)]
    assert _row(ws, 2, 2) == ["Phạm vi", "Toàn quốc"]
    assert _row(ws, 3, 2) == ["Văn bản được triển khai", "Tất cả"]
    assert ws["A4"].value.startswith("1/2 bộ, cơ quan ngang bộ, 100% cơ quan thuộc Chính phủ và 1/3 tỉnh")
    assert _row(ws, 6, 6) == [
        "Khối",
        "Tổng số",
        "Đã thành lập Ban Chỉ đạo",
        "Đã ban hành kế hoạch",
        "Số đầu việc",
        "Tỷ lệ hoàn thành đúng hạn",
    ]
    assert ws["A6"].font.bold
    assert _row(ws, 7, 6) == ["bộ, cơ quan ngang bộ", 2, 1, 1, 2, 0.5]
    assert _row(ws, 8, 6) == ["cơ quan thuộc Chính phủ", 1, 1, 1, 1, 0]
    assert _row(ws, 9, 6) == ["tỉnh, thành phố trực thuộc Trung ương", 3, 1, 1, 1, "—"]
    detail = wb["Chi tiết"]
    assert detail.freeze_panes == "A2"
    assert detail.max_row == 7  # header and six bodies
    assert _row(detail, 2, 9) == [
        "Bộ Tài chính",
        "bộ, cơ quan ngang bộ",
        None,
        None,
        None,
        None,
        0,
        0,
        "—",
    ]
    assert _row(detail, 3, 9) == [
        "Bộ Văn hóa, Thể thao và Du lịch",
        "bộ, cơ quan ngang bộ",
        "660/QĐ-UBDT",
        dt.datetime(2018, 11, 2),
        "1035/QĐ-BVHTTDL",
        dt.datetime(2019, 3, 29),
        1,
        2,
        0.5,
    ]


def test_rollup_workbook_download(tree, people, login):
    build_country(tree)
    response = login(people["nd_leader"]).get(reverse("plans:rollup_xlsx"), {"as_of": "2019-12-31"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="tong-hop-tinh-{tree["nd"].pk}-20191231.xlsx"'
    ws = _workbook(response.content)["Tổng hợp"]
    assert ws["B2"].value == "Ủy ban nhân dân tỉnh Nam Định"
    assert _row(ws, 7, 4) == ["sở, ban, ngành", 2, 1, 1]


# --- PDF ---------------------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    text = out.stdout.decode("utf-8")
    # Extracted text may spell a letter with combining marks; compare in the form we store (NFC).
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_plan_report_pdf(scenario):
    plan, _t, _units = scenario
    text = _pdf_text(plan_dashboard_pdf(plan=plan, figures=plan_dashboard(plan=plan, today=TODAY, limit=None)))
    for expected in [
        "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số:",
        "/BC-VHTTDL",
        "Hà Nội, ngày 15 tháng 10 năm 2019",
        "BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH",
        "Tổng số đầu việc: 12.",
        "Quá hạn chưa hoàn thành: 2.",
        "Tỷ lệ hoàn thành đúng hạn: 42,9% (3/7",
        "Trung tâm Công nghệ thông tin chủ trì 8 đầu việc, Văn phòng Bộ 4.",
        "Trung tâm Công nghệ thông tin 8 2 1 1 75%",
        "Văn phòng Bộ 4 1 1 0 0%",
        "III. Đầu việc quá hạn",
        "Đầu việc vp_overdue Văn phòng Bộ 30/08/2019 31",
        "Đầu việc overdue Trung tâm Công nghệ thông tin 30/09/2019 11",
    ]:
        assert expected in text, expected


def test_plan_report_pdf_download(scenario, tree, login):
    plan, _t, _units = scenario
    client = login(make_person("bvh.leader", tree["bvh"], "leader"))
    response = client.get(reverse("plans:plan_dashboard_pdf", args=[plan.pk]), {"as_of": "2019-10-15"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Hà Nội, ngày 15 tháng 10 năm 2019" in _pdf_text(response.content)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2019, 2, 5), "Hà Nội, ngày 05 tháng 02 năm 2019"),
        (dt.date(2019, 1, 31), "Hà Nội, ngày 31 tháng 01 năm 2019"),
        (dt.date(2019, 11, 3), "Hà Nội, ngày 03 tháng 11 năm 2019"),
        (dt.date(2019, 3, 29), "Hà Nội, ngày 29 tháng 3 năm 2019"),
    ],
)
def test_document_date_follows_decree_30(day, expected):
    assert document_date("Hà Nội", day) == expected


def test_place_of(tree):
    assert place_of(tree["bvh_cntt"]) == "Hà Nội"
    assert place_of(tree["nd_stttt"]) == "Nam Định"
    assert place_of(tree["qt"]) == "Quảng Trị"
