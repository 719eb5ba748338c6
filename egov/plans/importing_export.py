"""Đầu việc ra Excel: a plan's tasks, and the empty template, in the layout `egov.plans.importing` reads back."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.plans.importing import COLUMNS, UnitIndex
from egov.plans.models import Plan, TaskKind


def _workbook(title_lines: list[str], rows: list[list[Any]]):
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Đầu việc"
    for line in title_lines:
        sheet.append([line])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    if title_lines:
        sheet.append([])
    sheet.append([c.label for c in COLUMNS])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for values in rows:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            # Text that starts with "=" stays text: a task title is never a formula.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEF", (8, 60, 35, 30, 35, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    return workbook


def _bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plan_export_tasks(*, actor: Actor, plan: Plan) -> bytes:
    """The plan's tasks in the import layout (export → import gives the same tasks)."""
    index = UnitIndex(plan=plan, actor=actor)
    tasks = plan.tasks.select_related("lead_unit").prefetch_related("cooperating_units").order_by("sort_key")
    rows = []
    for task in tasks:
        if task.kind == TaskKind.SECTION:
            rows.append([task.number, task.title, task.product, "", "", ""])
            continue
        cooperating = sorted(task.cooperating_units.all(), key=lambda o: o.path)
        rows.append(
            [
                task.number,
                task.title,
                task.product,
                index.label(task.lead_unit),
                "; ".join(index.label(u) for u in cooperating),
                task.deadline_text,
            ]
        )
    heading = [plan.title]
    if plan.number or plan.issued_on:
        heading.append(
            " ".join(
                part
                for part in (
                    _("Số %(n)s") % {"n": plan.number} if plan.number else "",
                    _("ngày %(d)s") % {"d": plan.issued_on.strftime("%d/%m/%Y")} if plan.issued_on else "",
                )
                if part
            )
        )
    return _bytes(_workbook(heading, rows))


def import_template() -> bytes:
    """An empty layout with an example section and task, and a sheet of instructions."""
    workbook = _workbook(
        [],
        [
            ["I", _("Hoàn thiện hạ tầng kỹ thuật, nền tảng Chính phủ điện tử"), "", "", "", ""],
            [
                "1",
                _(
                    "Xây dựng Cổng dịch vụ công tập trung để tiếp nhận, giải quyết thủ tục hành chính, cung cấp "
                    "dịch vụ công trực tuyến"
                ),
                _("Cổng dịch vụ công được đưa vào vận hành"),
                "Trung tâm Công nghệ thông tin",
                "Văn phòng Bộ; Vụ Kế hoạch, Tài chính",
                "Tháng 9/2019",
            ],
        ],
    )
    guide = workbook.create_sheet(_("Hướng dẫn"))
    for line in (
        _("Hướng dẫn nhập đầu việc"),
        _("Nhập ở trang tính đầu tiên; dòng tiêu đề nằm trong 10 dòng đầu; thứ tự các cột tùy ý, cột khác bỏ qua."),
        _("Bắt buộc: STT, Nhiệm vụ, Đơn vị chủ trì, Thời gian hoàn thành. Xóa các dòng ví dụ trước khi nhập."),
        _("STT: I, II hoặc A, B là mục (tiêu đề); 1, 2 là đầu việc của mục; 1.1, 1.2 hoặc 2.a là đầu việc con."),
        _("Dòng không có đơn vị chủ trì và thời gian hoàn thành là mục."),
        _("Đơn vị: ghi tên, tên viết tắt hoặc mã định danh; nhiều đơn vị phối hợp cách nhau bằng dấu chấm phẩy."),
        _("Thời gian hoàn thành: 30/6/2019, Tháng 9/2019, Quý II/2019, Năm 2019, 2019–2020, Thường xuyên."),
        _("Tệp được kiểm tra toàn bộ; chỉ khi không còn lỗi nào các đầu việc mới được lưu."),
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    return _bytes(workbook)
