"""Nhập đầu việc từ bảng tính: a plan's tasks from an .xlsx in the usual layout, all or nothing — and back out.

The layout is the one plans are written in: a header row (found within the first 10 rows, matched without
diacritics or case) with STT, Nhiệm vụ, Sản phẩm, Đơn vị chủ trì, Đơn vị phối hợp, Thời gian hoàn thành, in any
order. Rows numbered I, II or A, B — and rows with neither a lead unit nor a deadline — are sections; "1", "1.2",
"2.a" build the tree. Every row is checked first; the tasks are saved only if no row has an error, in one
transaction, through the same `build_task`/`save_new_task` as the task form, with one audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.calendar.workdays import WorkingCalendar
from egov.core.errors import InvalidTransition
from egov.core.text import clean, fold
from egov.organisations.models import Organisation
from egov.organisations.selectors import organisations_visible
from egov.plans.models import Plan, PlanStatus, Task, TaskKind
from egov.plans.permissions import require_manage
from egov.plans.services._common import Errors
from egov.plans.services.tasks import build_task, save_new_task

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
HEADER_SEARCH_ROWS = 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header as the file writes it (the file format is Vietnamese whatever the UI language)
    aliases: tuple[str, ...]


COLUMNS = (
    Column("number", "STT", ("stt", "so tt", "so thu tu", "tt")),
    Column(
        "title",
        "Nhiệm vụ",
        ("nhiem vu", "ten nhiem vu", "noi dung", "noi dung nhiem vu", "nhiem vu giai phap", "noi dung cong viec"),
    ),
    Column("product", "Sản phẩm", ("san pham", "san pham dau ra", "ket qua san pham", "san pham du kien")),
    Column("lead", "Đơn vị chủ trì", ("don vi chu tri", "co quan chu tri", "co quan don vi chu tri", "chu tri")),
    Column(
        "cooperating", "Đơn vị phối hợp", ("don vi phoi hop", "co quan phoi hop", "co quan don vi phoi hop", "phoi hop")
    ),
    Column(
        "deadline",
        "Thời gian hoàn thành",
        ("thoi gian hoan thanh", "thoi han hoan thanh", "thoi han", "tien do", "tien do hoan thanh", "thoi gian"),
    ),
)
LABELS = {c.key: c.label for c in COLUMNS}
REQUIRED = ("number", "title", "lead", "deadline")
# build_task names fields; the report names the sheet's columns.
FIELD_COLUMNS = {
    "kind": "number",
    "number": "number",
    "parent": "number",
    "title": "title",
    "product": "product",
    "lead_unit": "lead",
    "cooperating_units": "cooperating",
    "deadline": "deadline",
    "priority": None,
    "responsible_leader": None,
}

_ROMAN = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_UPPER_LETTER = re.compile(r"^[A-ZĐ]$")
_LOWER_LETTER = re.compile(r"^[a-zđ]$")
_CODE_SUFFIX = re.compile(r"^(.*?)\s*\(([0-9A-Za-z.]+)\)$")


@dataclass
class LineError:
    """One problem: the sheet row (None for the whole file), the column's header and what is wrong."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Dòng %(row)d, cột %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Dòng %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return self.message

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}


@dataclass
class PreviewRow:
    """What one sheet row becomes, for the report of a check."""

    row: int
    number: str
    kind: str
    depth: int
    title: str
    lead: str
    cooperating: str
    deadline: str
    due_date: dt.date | None


@dataclass
class ImportReport:
    filename: str = ""
    sha256: str = ""
    sections: int = 0
    tasks: int = 0
    saved: bool = False
    errors: list[LineError] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int | None, key: str | None, message: str) -> None:
        self.errors.append(LineError(row, LABELS.get(key) if key else None, str(message)))

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "saved": self.saved,
            "sections": self.sections,
            "tasks": self.tasks,
            "sha256": self.sha256,
            "errors": [e.as_dict() for e in self.errors],
        }


# --- reading the sheet ---------------------------------------------------------------------------


def _header_key(value: Any) -> str:
    text = re.sub(r"\(.*?\)", " ", clean(str(value or "")))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


_ALIASES = {alias: c.key for c in COLUMNS for alias in c.aliases}


def _header_map(row: tuple) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        key = _ALIASES.get(_header_key(value))
        if key and key not in found:
            found[key] = index
    return found


def read_rows(data: bytes, report: ImportReport) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's data rows as (sheet row number, {column key: cell value}); file errors go to the report."""
    import openpyxl

    if not data:
        report.error(None, None, _("Tệp rỗng."))
        return []
    if len(data) > MAX_BYTES:
        report.error(None, None, _("Tệp lớn hơn 5 MB."))
        return []
    not_xlsx = _("Tệp không phải bảng tính Excel (.xlsx). Hãy lưu tệp theo định dạng “Excel Workbook (.xlsx)”.")
    if not data.startswith(b"PK\x03\x04"):
        report.error(None, None, not_xlsx)
        return []
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged or foreign file can fail anywhere in the parser; all mean "not an xlsx"
        report.error(None, None, not_xlsx)
        return []
    try:
        return _read_sheet(workbook, report, not_xlsx)
    finally:
        workbook.close()


def _read_sheet(workbook, report: ImportReport, not_xlsx: str) -> list[tuple[int, dict[str, Any]]]:
    if not workbook.worksheets:
        report.error(None, None, _("Bảng tính không có trang tính nào."))
        return []
    sheet = workbook.worksheets[0]
    # Files from other programs often declare wrong dimensions; read every row that is really there.
    sheet.reset_dimensions()
    header: dict[str, int] | None = None
    best: dict[str, int] = {}
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if header is None:
                if number > HEADER_SEARCH_ROWS:
                    break
                found = _header_map(values)
                if len(found) > len(best):
                    best = found
                if "title" in found and len(found) >= 2:
                    header = found
                continue
            cells = {key: values[index] if index < len(values) else None for key, index in header.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                report.error(
                    None, None, _("Tệp có hơn %(n)d dòng đầu việc; hãy chia thành nhiều tệp.") % {"n": MAX_ROWS}
                )
                return []
    except Exception:  # a damaged sheet part fails while rows are read
        report.error(None, None, not_xlsx)
        return []
    if header is None:
        if not best and not rows:
            report.error(
                None,
                None,
                _("Không tìm thấy dòng tiêu đề trong %(n)d dòng đầu của trang tính “%(sheet)s” (trang tính trống?).")
                % {"n": HEADER_SEARCH_ROWS, "sheet": sheet.title},
            )
            return []
        header = best
    missing = [LABELS[key] for key in REQUIRED if key not in header]
    if missing:
        report.error(
            None,
            None,
            _("Thiếu cột bắt buộc: %(columns)s. Các cột cần có: %(all)s.")
            % {"columns": ", ".join(missing), "all": ", ".join(c.label for c in COLUMNS)},
        )
        return []
    if not rows:
        report.error(None, None, _("Trang tính “%(sheet)s” không có dòng đầu việc nào.") % {"sheet": sheet.title})
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return clean(str(value))


def _deadline_value(value: Any) -> str | dt.date | None:
    """Dates stay dates (Excel date cells); everything else is read as text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _text(value) or None


def _stt(value: Any) -> str:
    return _text(value).rstrip(".)").lstrip("(").strip()


# --- units ---------------------------------------------------------------------------------------


class UnitIndex:
    """Organisations by folded name, short name, abbreviation and code: the plan's subtree first, then the rest."""

    def __init__(self, *, plan: Plan, actor: Actor) -> None:
        today = timezone.localdate()
        active = Organisation.objects.exclude(active_to__lt=today).exclude(active_from__gt=today)
        own = active.filter(path__startswith=plan.organisation.path)
        visible = active.filter(pk__in=organisations_visible(actor=actor).values("pk"))
        self.tiers = [self._index(own), self._index(visible)]
        self.by_code = {fold(org.code): org for tier in self.tiers for org in tier[2]}

    @staticmethod
    def _index(qs) -> tuple[dict[str, list], dict[str, list], list]:
        strong: dict[str, list] = {}
        weak: dict[str, list] = {}
        orgs = list(qs.only("pk", "code", "name", "short_name", "abbreviation", "path"))
        for org in orgs:
            for value in {org.code, org.name, org.short_name}:
                if value:
                    strong.setdefault(fold(clean(value)), []).append(org)
            if org.abbreviation:
                weak.setdefault(fold(clean(org.abbreviation)), []).append(org)
        return strong, weak, orgs

    def find(self, text: str) -> tuple[Organisation | None, str | None]:
        """The one organisation a cell names, or a message saying why there is none."""
        text = clean(text)
        if m := _CODE_SUFFIX.match(text):
            org = self.by_code.get(fold(m.group(2)))
            if org is not None:
                return org, None
        key = fold(text)
        for strong, weak, _orgs in self.tiers:
            for index in (strong, weak):
                found = {org.pk: org for org in index.get(key, [])}
                if len(found) == 1:
                    return next(iter(found.values())), None
                if len(found) > 1:
                    names = ", ".join(f"{o.name} ({o.code})" for o in list(found.values())[:5])
                    return None, _("“%(text)s” ứng với nhiều đơn vị (%(names)s); ghi tên đầy đủ hoặc mã định danh.") % {
                        "text": text,
                        "names": names,
                    }
        return None, _("không tìm thấy đơn vị “%(text)s”") % {"text": text}

    def label(self, org: Organisation) -> str:
        """The shortest text that `find` resolves back to this organisation."""
        for text in (org.name, org.short_name):
            found = self.find(text)[0] if text else None
            if found is not None and found.pk == org.pk:
                return text
        return f"{org.name} ({org.code})"


def _generic(text: str) -> bool:
    """“Các đơn vị liên quan”, “Các Sở, ban, ngành”: a group, not a unit — nothing to link."""
    folded = fold(text)
    return folded.startswith("cac ") or " cac " in folded or "lien quan" in folded


def _units(raw: Any, index: UnitIndex) -> tuple[list[Organisation], list[str]]:
    """Units separated by semicolons, line breaks or commas — commas also occur inside names
    (“Vụ Kế hoạch, Tài chính”), so the longest run of comma-separated parts that names a unit wins."""
    units: list[Organisation] = []
    errors: list[str] = []
    for chunk in re.split(r"[;\n\r]+", str(raw or "")):
        parts = [clean(p) for p in chunk.split(",")]
        parts = [p for p in parts if p]
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                candidate = ", ".join(parts[i:j])
                if _generic(candidate):
                    i = j
                    break
                org, _message = index.find(candidate)
                if org is not None:
                    units.append(org)
                    i = j
                    break
            else:
                errors.append(index.find(parts[i])[1])
                i += 1
    return units, errors


# --- checking the rows ---------------------------------------------------------------------------


@dataclass
class _Row:
    row: int
    number: str
    kind: str
    depth: int = 0
    task: Task | None = None
    cooperating: list[Organisation] = field(default_factory=list)


class _Tree:
    """Finds each row's parent from its STT, as a reader of the plan would."""

    def __init__(self) -> None:
        self.outer_kind: str | None = None
        self.outer: _Row | None = None
        self.section: _Row | None = None
        self.last_numbered: _Row | None = None
        self.last_letter = ""
        self.by_number: dict[str, _Row] = {}
        self.seen: dict[tuple[int, str], int] = {}

    def upper_kind(self, number: str) -> str:
        follows_letter = self.last_letter and len(number) == 1 and ord(number) == ord(self.last_letter) + 1
        return "roman" if _ROMAN.match(number) and not follows_letter else "letter"

    def place(self, row: _Row, marker: str, report: ImportReport) -> _Row | None:
        number = row.number
        parent: _Row | None
        if marker == "upper":
            kind = self.upper_kind(number)
            if kind == "letter":
                self.last_letter = number
            self.outer_kind = self.outer_kind or kind
            parent = None if kind == self.outer_kind else self.outer
            if parent is None:
                self.outer = row
            self.section = row
        elif marker == "none" and row.kind == TaskKind.SECTION:
            parent, self.outer, self.section = None, row, row
        elif marker == "multi":
            prefix = number.rsplit(".", 1)[0]
            parent = self.by_number.get(prefix)
            if parent is None:
                report.error(
                    row.row,
                    "number",
                    _("không có dòng STT “%(prefix)s” đứng trước để làm mục cha của “%(number)s”.")
                    % {"prefix": prefix, "number": number},
                )
            self.last_numbered = row
        elif marker == "lower":
            parent = self.last_numbered or self.section
        else:  # "1", another single token, or no STT
            parent = self.section
            if number:
                self.last_numbered = row
        if number:
            key = (id(parent), number)
            if key in self.seen:
                report.error(
                    row.row,
                    "number",
                    _("STT “%(number)s” trùng với dòng %(other)d trong cùng mục.")
                    % {"number": number, "other": self.seen[key]},
                )
            self.seen[key] = row.row
            self.by_number[number] = row
        row.depth = parent.depth + 1 if parent else 0
        return parent


def _marker(number: str) -> str:
    if not number:
        return "none"
    if "." in number:
        return "multi"
    if _ROMAN.match(number) or _UPPER_LETTER.match(number):
        return "upper"
    if _LOWER_LETTER.match(number):
        return "lower"
    return "single"


def check_rows(
    *, plan: Plan, actor: Actor, rows: list[tuple[int, dict[str, Any]]], report: ImportReport, calendar=None
) -> list[_Row]:
    """Validate every row (nothing is saved) and build the unsaved tasks, parents before children."""
    calendar = calendar or WorkingCalendar()
    index = UnitIndex(plan=plan, actor=actor)
    tree = _Tree()
    built: list[_Row] = []
    for number_in_sheet, cells in rows:
        number = _stt(cells.get("number"))
        lead_text = _text(cells.get("lead"))
        coop_raw = cells.get("cooperating")
        coop_text = _text(coop_raw)
        deadline = _deadline_value(cells.get("deadline"))
        marker = _marker(number)
        is_section = marker == "upper" or not (lead_text or deadline or coop_text)
        row = _Row(number_in_sheet, number, TaskKind.SECTION if is_section else TaskKind.TASK)
        if marker == "upper" and (lead_text or deadline or coop_text):
            report.error(
                row.row,
                "number",
                _(
                    "“%(number)s” là số thứ tự của một mục (tiêu đề), mục không có đơn vị chủ trì, phối hợp hay "
                    "thời hạn; đánh số 1, 2… cho đầu việc."
                )
                % {"number": number},
            )
        parent = tree.place(row, marker, report)
        own_errors: set[str] = set()
        lead = None
        cooperating: list[Organisation] = []
        if not is_section:
            if not lead_text:
                report.error(row.row, "lead", _("chưa ghi đơn vị chủ trì."))
                own_errors.add("lead_unit")
            elif _generic(lead_text):
                report.error(row.row, "lead", _("ghi đúng một đơn vị chủ trì (đang ghi “%(t)s”).") % {"t": lead_text})
                own_errors.add("lead_unit")
            else:
                lead, message = index.find(lead_text)
                if lead is None:
                    if re.search(r"[;\n]", str(cells.get("lead"))):
                        message = _("chỉ ghi một đơn vị chủ trì; các đơn vị khác ghi ở cột Đơn vị phối hợp.")
                    report.error(row.row, "lead", message)
                    own_errors.add("lead_unit")
            cooperating, messages = _units(coop_raw, index)
            for message in messages:
                report.error(row.row, "cooperating", message)
            if messages:
                own_errors.add("cooperating_units")
        values = {
            "kind": row.kind,
            "number": number,
            "title": _text(cells.get("title")),
            "product": _text(cells.get("product")),
            "parent": parent.task if parent else None,
            "lead_unit": lead,
            "cooperating_units": cooperating,
            "deadline": deadline,
        }
        errors = Errors()
        result = build_task(plan=plan, values=values, calendar=calendar, errors=errors)
        for name, messages in errors.errors.items():
            if name in own_errors:
                continue
            for message in messages:
                report.error(row.row, FIELD_COLUMNS.get(name), message)
        if result is not None:
            row.task, row.cooperating = result
        built.append(row)
        report.preview.append(
            PreviewRow(
                row=row.row,
                number=number,
                kind=row.kind,
                depth=row.depth,
                title=values["title"],
                lead=lead.name if lead else "",
                cooperating="; ".join(u.name for u in cooperating),
                deadline=row.task.deadline_text if row.task else _text(cells.get("deadline")),
                due_date=row.task.due_date if row.task else None,
            )
        )
    report.sections = sum(1 for r in built if r.kind == TaskKind.SECTION)
    report.tasks = len(built) - report.sections
    return built


@transaction.atomic
def plan_import_tasks(
    *, actor: Actor, plan: Plan, data: bytes, filename: str = "", dry_run: bool = False
) -> ImportReport:
    """Import a plan's tasks from an .xlsx: all rows valid → all saved (one audit event); else nothing."""
    plan = Plan.objects.select_for_update().select_related("organisation").get(pk=plan.pk)
    require_manage(actor, plan.organisation)
    if plan.status != PlanStatus.DRAFT:
        raise InvalidTransition(
            _("Chỉ nhập đầu việc vào kế hoạch đang dự thảo; kế hoạch này đang ở trạng thái “%(status)s”.")
            % {"status": PlanStatus(plan.status).label}
        )
    report = ImportReport(filename=clean(filename)[:255], sha256=hashlib.sha256(data).hexdigest())
    rows = read_rows(data, report)
    if report.errors:
        return report
    built = check_rows(plan=plan, actor=actor, rows=rows, report=report)
    order = {c.label: i for i, c in enumerate(COLUMNS)}
    report.errors.sort(key=lambda e: (e.row or 0, order.get(e.column, -1)))
    if report.errors or dry_run:
        return report
    for row in built:
        save_new_task(row.task, row.cooperating, actor)
    report.saved = True
    audit_record(
        actor=actor,
        action="plans.plan.import_tasks",
        obj=plan,
        scope_org=plan.organisation,
        after={
            "filename": report.filename,
            "sha256": report.sha256,
            "rows": len(built),
            "sections": report.sections,
            "tasks": report.tasks,
        },
    )
    return report
