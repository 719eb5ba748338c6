"""CSV import and export of the organisation tree.

Import is all-or-nothing: every line is checked and written inside one transaction; if any line is
wrong, nothing is saved and the report lists each bad line with the field at fault. Rows are matched
by identifier code, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.core.errors import DomainError
from egov.organisations.identifiers import normalise_code
from egov.organisations.models import Organisation

COLUMNS = (
    "code",
    "name",
    "short_name",
    "abbreviation",
    "level",
    "parent_code",
    "address",
    "phone",
    "fax",
    "email",
    "website",
    "active_from",
    "active_to",
)
REQUIRED_COLUMNS = ("code", "name", "level")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000


@dataclass
class LineError:
    line: int
    field: str | None
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
        }


class ImportRejected(Exception):
    """Raised inside the import transaction to roll it back; carries the report."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("import rejected")
        self.report = report


def _parse_date(raw: str) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def _read(data: bytes, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    if len(data) > MAX_BYTES:
        report.errors.append(LineError(0, None, _("Tệp lớn hơn 10 MB.")))
        return []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.errors.append(LineError(0, None, _("Tệp phải mã hóa UTF-8 (lỗi ở byte %(pos)d).") % {"pos": exc.start}))
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        report.errors.append(LineError(1, None, _("Tệp trống.")))
        return []
    except csv.Error as exc:
        report.errors.append(LineError(1, None, str(exc)))
        return []
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if unknown:
        report.errors.append(
            LineError(1, unknown[0], _("Cột không được hỗ trợ: %(cols)s.") % {"cols": ", ".join(unknown)})
        )
    if missing:
        report.errors.append(
            LineError(1, missing[0], _("Thiếu cột bắt buộc: %(cols)s.") % {"cols": ", ".join(missing)})
        )
    if len(set(header)) != len(header):
        report.errors.append(LineError(1, None, _("Tiêu đề có cột trùng tên.")))
    if report.errors:
        return []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                report.errors.append(
                    LineError(
                        line,
                        None,
                        _("Dòng có %(got)d cột, tiêu đề có %(want)d cột.") % {"got": len(values), "want": len(header)},
                    )
                )
                continue
            rows.append((line, dict(zip(header, values, strict=True))))
            if len(rows) > MAX_ROWS:
                report.errors.append(LineError(line, None, _("Tệp có quá %(max)d dòng.") % {"max": MAX_ROWS}))
                return []
    except csv.Error as exc:
        report.errors.append(LineError(reader.line_num, None, str(exc)))
    return rows


def _order(rows, existing_codes: set[str], report: ImportReport):
    """Parents before children; reports unknown parents, repeated codes and cycles by line."""
    by_code: dict[str, tuple[int, dict]] = {}
    for line, row in rows:
        code = normalise_code(row.get("code", ""))
        if code and code in by_code:
            report.errors.append(
                LineError(
                    line,
                    "code",
                    _("Mã %(code)s đã xuất hiện ở dòng %(other)d.") % {"code": code, "other": by_code[code][0]},
                )
            )
            continue
        by_code[code] = (line, row)
    ordered: list[tuple[int, dict]] = []
    state: dict[str, str] = {}

    def visit(code: str, trail: list[str]) -> bool:
        if state.get(code) == "done":
            return True
        line, row = by_code[code]
        if state.get(code) == "active":
            cycle = " → ".join([*trail[trail.index(code) :], code])
            report.errors.append(LineError(line, "parent_code", _("Vòng lặp cấp trên: %(cycle)s.") % {"cycle": cycle}))
            return False
        state[code] = "active"
        parent = normalise_code(row.get("parent_code", ""))
        good = True
        if parent:
            if parent == code:
                report.errors.append(LineError(line, "parent_code", _("Một đơn vị không thể trực thuộc chính nó.")))
                good = False
            elif parent in by_code:
                good = visit(parent, [*trail, code])
            elif parent not in existing_codes:
                report.errors.append(
                    LineError(
                        line, "parent_code", _("Không tìm thấy đơn vị cấp trên có mã %(code)s.") % {"code": parent}
                    )
                )
                good = False
        state[code] = "done"
        if good:
            ordered.append((line, row))
        return good

    for code in by_code:
        visit(code, [])
    return ordered


def import_organisations(*, actor: Actor, data: bytes, dry_run: bool = False) -> ImportReport:
    """Import a CSV file; all-or-nothing. With dry_run, check and count without saving."""
    from egov.organisations.services import organisation_create, organisation_state, organisation_update

    report = ImportReport()
    rows = _read(data, report)
    if report.errors:
        return report
    existing = dict(Organisation.objects.values_list("code", "pk"))
    ordered = _order(rows, set(existing), report)
    try:
        with transaction.atomic():
            for line, row in ordered:
                values: dict = {k: row.get(k, "") for k in COLUMNS if k in row and k != "parent_code"}
                try:
                    for name in ("active_from", "active_to"):
                        if name in values:
                            try:
                                values[name] = _parse_date(values[name])
                            except ValueError:
                                raise DomainError(
                                    _("Ngày “%(value)s” không hợp lệ; dùng dạng 2026-01-31 hoặc 31/01/2026.")
                                    % {"value": values[name]},
                                    field=name,
                                ) from None
                    parent_code = normalise_code(row.get("parent_code", ""))
                    parent = Organisation.objects.get(code=parent_code) if parent_code else None
                    # A file without the parent_code column leaves every unit where it is.
                    new_parent = parent if "parent_code" in row else ...
                    code = normalise_code(values.get("code", ""))
                    current = Organisation.objects.filter(code=code).first() if code else None
                    if current is None:
                        organisation_create(actor=actor, parent=parent, values=values)
                        report.created += 1
                    else:
                        before = organisation_state(current)
                        updated = organisation_update(
                            actor=actor,
                            organisation=current,
                            values=values,
                            parent=new_parent,
                        )
                        if organisation_state(updated) == before:
                            report.unchanged += 1
                        else:
                            report.updated += 1
                except DomainError as exc:
                    errors = getattr(exc, "errors", None) or {exc.field or "__all__": [exc.message]}
                    for name, messages in errors.items():
                        for message in messages:
                            column = {"__all__": None, "parent": "parent_code"}.get(name, name)
                            report.errors.append(LineError(line, column, str(message)))
            report.errors.sort(key=lambda e: e.line)
            if report.errors or dry_run:
                raise ImportRejected(report)
    except ImportRejected:
        pass
    return report


def export_organisations(*, actor: Actor) -> str:
    """CSV of the organisations the actor may see, parents before children (re-importable)."""
    from egov.organisations.selectors import organisations_visible

    orgs = list(organisations_visible(actor=actor).order_by("path"))
    code_by_path = {o.path: o.code for o in orgs}
    missing = {o.path[: -Organisation.steplen] for o in orgs if o.depth > 1} - set(code_by_path)
    if missing:
        code_by_path.update(dict(Organisation.objects.filter(path__in=missing).values_list("path", "code")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for org in orgs:
        parent_code = code_by_path.get(org.path[: -Organisation.steplen], "") if org.depth > 1 else ""
        writer.writerow(
            [
                org.code,
                org.name,
                org.short_name,
                org.abbreviation,
                org.level,
                parent_code,
                org.address,
                org.phone,
                org.fax,
                org.email,
                org.website,
                org.active_from.isoformat() if org.active_from else "",
                org.active_to.isoformat() if org.active_to else "",
            ]
        )
    return out.getvalue()
