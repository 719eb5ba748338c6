"""Excel workbooks of a plan's progress and of the roll-up (openpyxl): bold frozen headers, real dates."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from egov.plans.models import Plan, TaskKind
from egov.plans.reports.dashboard import Figures, Rate
from egov.plans.reports.rollup import Rollup
from egov.plans.status import TaskStatus

DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.0%"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(ws, row: int, titles: list[str]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=col, value=title)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(ws, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _rate_value(rate: Rate) -> float | str:
    """The rate as a fraction Excel formats as a percentage; a dash when there is nothing to count."""
    return rate.on_time / rate.counted if rate.counted else "—"


def _put(ws, row: int, values: list, *, date_cols=(), percent_cols=(), bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.alignment = WRAP
        if bold:
            cell.font = BOLD
        if col in date_cols and isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        if col in percent_cols and isinstance(value, float):
            cell.number_format = PERCENT_FORMAT


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _summary_sheet(ws, figures: Figures, head: list[tuple[str, object]]) -> None:
    """Key figures, then counts by status, then the table by lead unit."""
    row = 1
    for label, value in [
        *head,
        (_("Số liệu tính đến ngày"), figures.today),
        (_("Tổng số đầu việc"), figures.total),
        (_("Tỷ lệ hoàn thành đúng hạn"), _rate_value(figures.rate)),
    ]:
        _put(ws, row, [label, value], date_cols=(2,), percent_cols=(2,))
        ws.cell(row=row, column=1).font = BOLD
        row += 1
    row += 1
    _header(ws, row, [_("Trạng thái"), _("Số đầu việc")])
    for item in figures.statuses:
        row += 1
        _put(ws, row, [item.label, item.count])
    row += 2
    statuses = list(TaskStatus)
    _header(
        ws,
        row,
        [_("Đơn vị chủ trì"), _("Tổng số"), *[str(s.label) for s in statuses], _("Tỷ lệ hoàn thành đúng hạn")],
    )
    for unit in figures.units:
        row += 1
        _put(
            ws,
            row,
            [unit.name, unit.total, *[unit.count(s) for s in statuses], _rate_value(unit.rate)],
            percent_cols=(len(statuses) + 3,),
        )
    _widths(ws, [40, 16, *([14] * len(statuses)), 16])


def _overdue_sheet(ws, figures: Figures) -> None:
    _header(
        ws,
        1,
        [
            _("STT"),
            _("Nhiệm vụ"),
            _("Chủ trì"),
            _("Thời gian hoàn thành"),
            _("Hạn"),
            _("Số ngày làm việc quá hạn"),
            _("Tiến độ (%)"),
        ],
    )
    for row, line in enumerate(figures.overdue, start=2):
        _put(
            ws,
            row,
            [
                line.number,
                line.title,
                line.lead_unit,
                line.deadline_text,
                line.due_date,
                line.working_days,
                line.percent,
            ],
            date_cols=(5,),
        )
    ws.freeze_panes = "A2"
    _widths(ws, [8, 60, 30, 18, 12, 14, 10])


def plan_dashboard_xlsx(*, plan: Plan, figures: Figures, tasks: list) -> bytes:
    """Sheets “Tổng hợp”, “Đầu việc” (the whole plan, sections in bold) and “Quá hạn”.

    `figures` must be computed without a list limit and `tasks` is selectors.plan_tasks (status annotated).
    """
    wb = Workbook()
    summary = wb.active
    summary.title = _("Tổng hợp")
    _summary_sheet(summary, figures, [(_("Kế hoạch"), plan.title), (_("Số, ký hiệu"), plan.number)])

    ws = wb.create_sheet(_("Đầu việc"))
    _header(
        ws,
        1,
        [
            _("STT"),
            _("Nhiệm vụ"),
            _("Sản phẩm"),
            _("Chủ trì"),
            _("Phối hợp"),
            _("Thời gian hoàn thành"),
            _("Hạn"),
            _("Tiến độ (%)"),
            _("Trạng thái"),
        ],
    )
    labels = dict(TaskStatus.choices)
    for row, task in enumerate(tasks, start=2):
        if task.kind == TaskKind.SECTION:
            _put(ws, row, [task.number, task.title], bold=True)
            continue
        lead = task.lead_unit
        _put(
            ws,
            row,
            [
                task.number,
                task.title,
                task.product,
                (lead.short_name or lead.name) if lead else "",
                "; ".join(u.short_name or u.name for u in task.cooperating_units.all()),
                task.deadline_text,
                task.due_date,
                task.percent,
                str(labels.get(task.status, "")),
            ],
            date_cols=(7,),
        )
    ws.freeze_panes = "A2"
    _widths(ws, [8, 60, 40, 28, 34, 20, 12, 10, 22])

    _overdue_sheet(wb.create_sheet(_("Quá hạn")), figures)
    return _bytes(wb)


def rollup_xlsx(*, rollup: Rollup) -> bytes:
    """Sheets “Tổng hợp” (one line per group and the summary sentence) and “Chi tiết” (one line per body)."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tổng hợp")
    for row, (label, value) in enumerate(
        [
            (_("Số liệu tính đến ngày"), rollup.as_of),
            (_("Phạm vi"), rollup.province.name if rollup.province else _("Toàn quốc")),
            (_("Văn bản được triển khai"), rollup.source or _("Tất cả")),
        ],
        start=1,
    ):
        _put(ws, row, [label, value], date_cols=(2,))
        ws.cell(row=row, column=1).font = BOLD
    ws.cell(row=4, column=1, value=rollup.summary).alignment = WRAP
    _header(
        ws,
        6,
        [
            _("Khối"),
            _("Tổng số"),
            _("Đã thành lập Ban Chỉ đạo"),
            _("Đã ban hành kế hoạch"),
            _("Số đầu việc"),
            _("Tỷ lệ hoàn thành đúng hạn"),
        ],
    )
    for row, group in enumerate(rollup.groups, start=7):
        _put(
            ws,
            row,
            [group.label, group.total, group.with_committee, group.with_plan, group.tasks, _rate_value(group.rate)],
            percent_cols=(6,),
        )
    _widths(ws, [40, 12, 16, 16, 12, 16])

    detail = wb.create_sheet(_("Chi tiết"))
    _header(
        detail,
        1,
        [
            _("Cơ quan"),
            _("Khối"),
            _("Quyết định thành lập Ban Chỉ đạo"),
            _("Ngày quyết định"),
            _("Kế hoạch"),
            _("Ngày ban hành"),
            _("Số kế hoạch"),
            _("Số đầu việc"),
            _("Tỷ lệ hoàn thành đúng hạn"),
        ],
    )
    row = 1
    for group in rollup.groups:
        for org in group.orgs:
            row += 1
            committee = org.committee or ("", None)
            plan = org.plan or ("", None)
            _put(
                detail,
                row,
                [
                    org.name,
                    group.label,
                    committee[0],
                    committee[1],
                    plan[0],
                    plan[1],
                    org.plans,
                    org.tasks,
                    _rate_value(org.rate),
                ],
                date_cols=(4, 6),
                percent_cols=(9,),
            )
    detail.freeze_panes = "A2"
    _widths(detail, [45, 30, 22, 14, 22, 14, 10, 10, 16])
    return _bytes(wb)
