"""The outgoing and incoming registers as a printable PDF (title page + table, Appendix IV) and as Excel."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from egov.accounts.actor import Actor
from egov.core.pdf import render_pdf
from egov.documents.models import Urgency
from egov.documents.rules.notation import format_number
from egov.documents.selectors.registers import (
    INCOMING,
    OUTGOING,
    TITLES,
    RegisterFilter,
    columns,
    register_rows,
    register_summary,
)
from egov.organisations.models import Organisation

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
# Column widths: percentages of the landscape page for the PDF, characters for Excel.
PDF_WIDTHS = {
    OUTGOING: (10, 8, 20, 11, 13, 10, 5, 8, 4, 11),
    INCOMING: (8, 5, 12, 11, 8, 20, 14, 8, 4, 10),
}
XLSX_WIDTHS = {
    OUTGOING: (16, 12, 60, 28, 40, 32, 10, 12, 12, 30),
    INCOMING: (12, 9, 36, 18, 12, 60, 40, 12, 12, 30),
}
DATE_COLUMNS = {OUTGOING: (2, 8), INCOMING: (1, 5, 8)}
SHEET_TITLES = {OUTGOING: "Sổ văn bản đi", INCOMING: "Sổ văn bản đến"}
FILE_STEMS = {OUTGOING: "so-dang-ky-van-ban-di", INCOMING: "so-dang-ky-van-ban-den"}


def _upper(value: str) -> str:
    return unicodedata.normalize("NFC", value).upper()


def _year_label(flt: RegisterFilter) -> str:
    if flt.date_from.year == flt.date_to.year:
        return str(flt.date_from.year)
    return f"{flt.date_from.year}–{flt.date_to.year}"


def _filters_label(flt: RegisterFilter, kind: str) -> str:
    from egov.documents.rules.types import type_by_code_any_date

    parts = []
    if flt.unit is not None:
        label = _("Đơn vị soạn thảo") if kind == OUTGOING else _("Đơn vị được giao")
        parts.append(f"{label}: {flt.unit.name}")
    if flt.type_code:
        rule = type_by_code_any_date(flt.type_code)
        parts.append(_("Loại văn bản: %(t)s") % {"t": rule.name if rule else flt.type_code})
    if flt.urgency:
        parts.append(_("Độ khẩn: %(u)s") % {"u": Urgency(flt.urgency).label})
    if flt.series:
        from egov.documents.rules.series import series_label

        try:
            parts.append(_("Dãy số: %(s)s") % {"s": series_label(flt.series)})
        except ValueError:
            parts.append(_("Dãy số: %(s)s") % {"s": flt.series})
    return "; ".join(parts)


def register_context(
    *, actor: Actor, organisation: Organisation, kind: str, flt: RegisterFilter, volume: int = 1
) -> dict:
    """What the PDF template needs: the title page per Appendix IV and every row of the period."""
    parent = organisation.parent_node()
    summary = register_summary(actor, organisation, kind, flt)
    blank = "……"
    return {
        "kind": kind,
        "title": str(TITLES[kind]),
        "parent_name": _upper(parent.name) if parent else "",
        "organisation_name": _upper(organisation.name),
        "year_label": _year_label(flt),
        "date_from": flt.date_from,
        "date_to": flt.date_to,
        "first_number": format_number(summary.first_number) if summary.first_number is not None else blank,
        "last_number": format_number(summary.last_number) if summary.last_number is not None else blank,
        "count": summary.count,
        "filters": _filters_label(flt, kind),
        "volume": volume,
        "columns": columns(kind),
        "widths": PDF_WIDTHS[kind],
        "rows": list(register_rows(actor, organisation, kind, flt)),
    }


def register_pdf(*, actor: Actor, organisation: Organisation, kind: str, flt: RegisterFilter, volume: int = 1) -> bytes:
    """The register to print: A4 landscape, title page, then the ten columns with their numbers (1)…(10)."""
    context = register_context(actor=actor, organisation=organisation, kind=kind, flt=flt, volume=volume)
    return render_pdf("documents/exports/register_pdf.html", context)


def register_xlsx(*, actor: Actor, organisation: Organisation, kind: str, flt: RegisterFilter) -> bytes:
    """The register as a workbook: the same ten columns, header frozen and filterable, dates as dates."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLES[kind]
    bold = Font(bold=True)
    for col, title in enumerate(columns(kind), start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    dates = DATE_COLUMNS[kind]
    row_index = 1
    for row_index, row in enumerate(register_rows(actor, organisation, kind, flt), start=2):
        for col, value in enumerate(row.cells(), start=1):
            cell = ws.cell(row=row_index, column=col, value=value if value != "" else None)
            cell.alignment = wrap
            if col in dates and isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    for col, width in enumerate(XLSX_WIDTHS[kind], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(XLSX_WIDTHS[kind]))}{row_index}"
    ws.print_options.gridLines = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "1:1"
    wb.properties.title = f"{TITLES[kind]} — {organisation.name} — {_year_label(flt)}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_filename(kind: str, flt: RegisterFilter, extension: str) -> str:
    """`so-dang-ky-van-ban-di-2024.pdf`, or with both days when the period is not one calendar year."""
    if (flt.date_from, flt.date_to) == (dt.date(flt.date_from.year, 1, 1), dt.date(flt.date_from.year, 12, 31)):
        period = str(flt.date_from.year)
    else:
        period = f"{flt.date_from:%Y%m%d}-{flt.date_to:%Y%m%d}"
    return f"{FILE_STEMS[kind]}-{period}.{extension}"
