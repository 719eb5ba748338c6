"""Biểu 06 for people: an on-time chart (inline SVG, readable without colour) and the Excel workbook."""

from __future__ import annotations

import io

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.core.charts import n, svg
from egov.services.statistics import Row

WIDTH, LABEL_WIDTH, ROW_HEIGHT = 640, 260, 30
COLUMNS = (
    ("carried_over", gettext_lazy("Kỳ trước chuyển qua")),
    ("new_online", gettext_lazy("Mới tiếp nhận trực tuyến")),
    ("new_direct", gettext_lazy("Mới tiếp nhận trực tiếp, bưu chính")),
    ("resolved_early", gettext_lazy("Giải quyết trước hạn")),
    ("resolved_on_time", gettext_lazy("Giải quyết đúng hạn")),
    ("resolved_late", gettext_lazy("Giải quyết quá hạn")),
    ("pending_within", gettext_lazy("Đang giải quyết trong hạn")),
    ("pending_overdue", gettext_lazy("Đang giải quyết quá hạn")),
)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}".replace(".", ",") + " %"


def on_time_chart(rows: list[Row], *, chart_id: str = "chart-on-time") -> SafeString:
    """One bar per row: the share of its resolved dossiers resolved early or on time, the figure at the end."""
    rated = [row for row in rows if row.on_time_rate is not None]
    if not rated:
        return SafeString("")
    scale = (WIDTH - LABEL_WIDTH - 70) / 100
    parts = []
    for i, row in enumerate(rated):
        top = i * ROW_HEIGHT
        value = row.on_time_rate * 100
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" text-anchor="end" fill="#0b0c0c">{label}</text>'
                '<rect x="{bx}" y="{by}" width="{w}" height="20" fill="#00703c"></rect>'
                '<text x="{tx}" y="{y}" fill="#0b0c0c" font-weight="bold">{text}</text>',
                x=LABEL_WIDTH - 8,
                y=top + 15,
                label=row.label[:40],
                bx=LABEL_WIDTH,
                by=top,
                w=n(value * scale),
                tx=n(LABEL_WIDTH + value * scale + 6),
                text=percent(row.on_time_rate),
            )
        )
    desc = "; ".join(f"{row.label}: {percent(row.on_time_rate)}" for row in rated)
    return svg(
        chart_id, _("Tỉ lệ hồ sơ giải quyết đúng hạn và trước hạn"), desc, len(rated) * ROW_HEIGHT, "".join(parts)
    )


def workbook(rows: list[Row], total: Row, *, title: str, period: str) -> bytes:
    """Biểu 06 as an .xlsx sheet: the same columns as the page, a total row, the period in the heading."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Bieu 06"
    sheet.append([title])
    sheet.append([period])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [_("Đơn vị, thủ tục"), _("Tổng số tiếp nhận")] + [str(label) for _name, label in COLUMNS]
    header += [_("Tổng đã giải quyết"), _("Tổng đang giải quyết"), _("Tỉ lệ đúng hạn")]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in [*rows, total]:
        sheet.append(
            [row.label or _("Tổng cộng"), row.received]
            + [getattr(row, name) for name, _label in COLUMNS]
            + [row.resolved, row.pending, row.on_time_rate if row.on_time_rate is not None else None]
        )
        sheet.cell(row=sheet.max_row, column=len(header)).number_format = "0.0%"
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
