"""The catalogue's file formats: JSON and CSV, one procedure version per object or row (docs/services-catalogue.md).

JSON: ``{"format": "egov-catalogue/1", "procedure_versions": [ {...}, ... ]}`` (a bare list is read too); each
object has the fields of `records.RECORD_FIELDS`, with `required_documents`, `fees` and `route` as lists of
objects and `form_schema`, `form_ui` as objects. Dates are ``YYYY-MM-DD``, times and budgets numbers.

CSV: UTF-8 with a byte-order mark (Excel then shows Vietnamese correctly), a header row with the same names,
comma-separated (a file saved by Excel with semicolons or tabs is read too). Nested lists live in one cell:
items are separated by ``;``, the parts of an item by ``|``, in this order —

- ``required_documents``: ``key|name|originals|copies|mandatory|template_name|template_url|accepted_types|max_bytes``
  (`mandatory` 1 or 0; `accepted_types` media types separated by ``,``; trailing parts may be left out and
  take their defaults: 0, 0, 1, empty, empty, none, 10485760);
- ``fees``: ``kind|amount|description|legal_basis``;
- ``route``: ``kind|name|budget|role|agency_code``;
- ``agency_codes``: codes separated by ``;``.

A ``|``, ``;`` or ``\\`` inside a value is written ``\\|``, ``\\;``, ``\\\\``. `form_schema` and `form_ui` are
JSON text (empty means ``{}``). Files larger than 5 MB are refused; every problem names its record or line
and its field or column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from egov.services.catalogue.errors import CatalogueFileError, RecordError
from egov.services.catalogue.records import (
    DEFAULT_MAX_BYTES,
    DOCUMENT_FIELDS,
    FEE_FIELDS,
    RECORD_FIELDS,
    STEP_FIELDS,
    clean_record,
    version_to_record,
)

FORMAT = "egov-catalogue/1"
MAX_BYTES = 5 * 1024 * 1024
MAX_RECORDS = 10_000
BOM = "\ufeff"
NESTED = {"required_documents": DOCUMENT_FIELDS, "fees": FEE_FIELDS, "route": STEP_FIELDS}
REQUIRED_COLUMNS = ("code", "version")
TRUE_WORDS = {"1", "true", "x", "co", "có", "yes"}
FALSE_WORDS = {"0", "false", "khong", "không", "no"}


# --- writing -------------------------------------------------------------------------------------


def _records(queryset) -> list[dict]:
    versions = queryset.select_related("procedure__field").prefetch_related("required_documents", "fees", "route")
    return [version_to_record(v) for v in versions.order_by("procedure__code", "number")]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def records_to_json(records: list[dict]) -> bytes:
    document = {"format": FORMAT, "procedure_versions": [_plain(r) for r in records]}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_json(queryset) -> bytes:
    """The versions of `queryset` (ProcedureVersion) as JSON, ordered by procedure code and version."""
    return records_to_json(_records(queryset))


def _escape(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace(";", "\\;")


def _part(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return str(_number(value))
    if name == "accepted_types":
        return ",".join(value)
    return value


def _cell(name: str, value: Any) -> str:
    if name in NESTED:
        parts = NESTED[name]
        return ";".join("|".join(_escape(_part(p, item[p])) for p in parts) for item in value)
    if name == "agency_codes":
        return ";".join(_escape(code) for code in value)
    if name in ("form_schema", "form_ui"):
        return json.dumps(value, ensure_ascii=False) if value else ""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(_number(value))
    return str(value)


def records_to_csv(records: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RECORD_FIELDS)
    for record in records:
        writer.writerow([_cell(name, record[name]) for name in RECORD_FIELDS])
    return (BOM + out.getvalue()).encode("utf-8")


def export_csv(queryset) -> bytes:
    """The versions of `queryset` as CSV (UTF-8 with BOM), one row per version."""
    return records_to_csv(_records(queryset))


# --- reading -------------------------------------------------------------------------------------


def _text(data: bytes) -> str:
    if not data:
        raise CatalogueFileError([RecordError(None, None, _("Tệp rỗng."))])
    if len(data) > MAX_BYTES:
        raise CatalogueFileError([RecordError(None, None, _("Tệp lớn hơn 5 MB; hãy chia thành nhiều tệp."))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueFileError(
            [
                RecordError(
                    None,
                    None,
                    _("Tệp không phải UTF-8 (byte thứ %(n)d); hãy lưu lại với mã UTF-8.") % {"n": exc.start + 1},
                )
            ]
        ) from None


def _too_many() -> CatalogueFileError:
    return CatalogueFileError(
        [RecordError(None, None, _("Tệp có hơn %(n)d bản ghi; hãy chia thành nhiều tệp.") % {"n": MAX_RECORDS})]
    )


def parse_json(data: bytes) -> list[dict]:
    """Canonical records from the JSON format; raises CatalogueFileError naming each record and field at fault."""
    text = _text(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogueFileError(
            [
                RecordError(
                    None,
                    None,
                    _("JSON không hợp lệ ở dòng %(line)d, cột %(col)d: %(msg)s")
                    % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg},
                )
            ]
        ) from None
    if isinstance(document, dict) and "procedure_versions" in document:
        if document.get("format", FORMAT) != FORMAT:
            raise CatalogueFileError(
                [RecordError(None, "format", _("định dạng “%(f)s” không được hỗ trợ.") % {"f": document.get("format")})]
            )
        document = document["procedure_versions"]
    if not isinstance(document, list):
        raise CatalogueFileError(
            [
                RecordError(
                    None, None, _("Tệp JSON phải là danh sách phiên bản thủ tục (hoặc có khóa “procedure_versions”).")
                )
            ]
        )
    if not document:
        raise CatalogueFileError([RecordError(None, None, _("Tệp không có phiên bản thủ tục nào."))])
    if len(document) > MAX_RECORDS:
        raise _too_many()
    problems: list[RecordError] = []
    records = []
    for index, raw in enumerate(document, start=1):
        record = clean_record(
            raw, lambda name, message, i=index: problems.append(RecordError(i, name or None, message))
        )
        records.append(record)
    if problems:
        raise CatalogueFileError(problems)
    return records


def split_cell(cell: str) -> list[list[str]]:
    """Items separated by ``;``, parts by ``|``, ``\\`` escaping the next character; empty items dropped."""
    items: list[list[str]] = []
    parts: list[str] = []
    current: list[str] = []
    chars = iter(cell)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == "|":
            parts.append("".join(current))
            current = []
        elif char == ";":
            parts.append("".join(current))
            items.append(parts)
            parts, current = [], []
        else:
            current.append(char)
    parts.append("".join(current))
    items.append(parts)
    return [item for item in items if any(part.strip() for part in item)]


def _bool_word(value: str) -> bool | str:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return value


def _nested(name: str, cell: str, fail) -> list[dict] | None:
    parts_of = NESTED[name]
    result = []
    for number, parts in enumerate(split_cell(cell), start=1):
        if len(parts) > len(parts_of):
            fail(
                name,
                _("mục %(n)d có %(m)d phần, tối đa %(max)d (%(parts)s).")
                % {"n": number, "m": len(parts), "max": len(parts_of), "parts": "|".join(parts_of)},
            )
            return None
        item: dict[str, Any] = {}
        for key, value in zip(parts_of, parts, strict=False):
            value = value.strip()
            if value == "":
                continue
            if key == "mandatory":
                item[key] = _bool_word(value)
            elif key == "accepted_types":
                item[key] = [t.strip() for t in value.split(",") if t.strip()]
            else:
                item[key] = value
        if name == "required_documents":
            item.setdefault("max_bytes", DEFAULT_MAX_BYTES)
        result.append(item)
    return result


def _csv_record(cells: dict[str, str], fail) -> dict:
    raw: dict[str, Any] = {}
    for name, cell in cells.items():
        if name in NESTED:
            raw[name] = _nested(name, cell, fail)
        elif name == "agency_codes":
            raw[name] = [parts[0] for parts in split_cell(cell)]
        elif name in ("form_schema", "form_ui"):
            if cell.strip():
                try:
                    raw[name] = json.loads(cell)
                except json.JSONDecodeError as exc:
                    fail(name, _("JSON không hợp lệ (ký tự %(n)d): %(msg)s") % {"n": exc.pos + 1, "msg": exc.msg})
        elif cell != "":
            raw[name] = cell
    return raw


def _dialect(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def parse_csv(data: bytes) -> list[dict]:
    """Canonical records from the CSV format; raises CatalogueFileError naming each line and column at fault."""
    text = _text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise CatalogueFileError(
            [RecordError(None, None, _("Dòng 1: CSV không hợp lệ (%(m)s).") % {"m": exc})]
        ) from None
    problems: list[RecordError] = []
    unknown = [h for h in header if h not in RECORD_FIELDS]
    missing = [h for h in REQUIRED_COLUMNS if h not in header]
    if unknown or missing or len(set(header)) != len(header):
        message = _("Dòng tiêu đề phải gồm các cột: %(all)s.") % {"all": ", ".join(RECORD_FIELDS)}
        if unknown:
            message += " " + _("Cột lạ: %(cols)s.") % {"cols": ", ".join(unknown)}
        if missing:
            message += " " + _("Thiếu cột: %(cols)s.") % {"cols": ", ".join(missing)}
        raise CatalogueFileError([RecordError(None, None, message, row=1)])
    records = []
    index = 0
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RecordError(None, None, _("CSV không hợp lệ (%(m)s).") % {"m": exc}, row=start))
            break
        row, start = start, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        index += 1
        if index > MAX_RECORDS:
            raise _too_many()

        def fail(name: str, message: str, index: int = index, row: int = row) -> None:
            column = name.split("[", 1)[0].split(".", 1)[0] if name else None
            if column and column != name:
                message = f"{name}: {message}"
            problems.append(RecordError(index, column, message, row=row))

        if len(values) != len(header):
            fail("", _("có %(m)d cột, dòng tiêu đề có %(n)d.") % {"m": len(values), "n": len(header)})
            continue
        raw = _csv_record(dict(zip(header, values, strict=True)), fail)
        records.append(clean_record(raw, fail))
    if problems:
        raise CatalogueFileError(problems)
    if not records:
        raise CatalogueFileError([RecordError(None, None, _("Tệp không có dòng dữ liệu nào."))])
    return records


def parse(data: bytes, filename: str) -> list[dict]:
    """Read a file by its extension (.json or .csv)."""
    if filename.lower().endswith(".csv"):
        return parse_csv(data)
    if filename.lower().endswith(".json"):
        return parse_json(data)
    raise CatalogueFileError([RecordError(None, None, _("Chỉ nhận tệp .json hoặc .csv."))])
