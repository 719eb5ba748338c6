"""The catalogue record: one procedure version as a plain dict, checked field by field.

Every input path (JSON, CSV, a caller's dicts) goes through `clean_record`, which returns the canonical
form — NFC text, `date`, `Decimal`, lists of plain dicts in order — or names each field at fault.
`version_to_record` gives the same form from the database, so export → import compares like with like.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from egov.accounts.roles import Role
from egov.core.text import clean, fold
from egov.services.models import Fee, GovernmentLevel, OnlineClass, StepKind, TimeUnit, VersionState

RECORD_FIELDS = (
    "code",
    "field_code",
    "field_name",
    "level",
    "version",
    "state",
    "name",
    "receiving_agency",
    "agency_codes",
    "legal_basis",
    "decision",
    "effective_from",
    "effective_to",
    "processing_time",
    "time_unit",
    "result_type",
    "online_class",
    "partial_reason",
    "published_at",
    "required_documents",
    "fees",
    "route",
    "form_schema",
    "form_ui",
)
# What a version says (its procedure's code, field and level, its number and state are not its content).
CONTENT_FIELDS = tuple(
    f
    for f in RECORD_FIELDS
    if f not in ("code", "field_code", "field_name", "level", "version", "state", "published_at")
)
DOCUMENT_FIELDS = (
    "key",
    "name",
    "originals",
    "copies",
    "mandatory",
    "template_name",
    "template_url",
    "accepted_types",
    "max_bytes",
)
FEE_FIELDS = ("kind", "amount", "description", "legal_basis")
STEP_FIELDS = ("kind", "name", "budget", "role", "agency_code")
REQUIRED_TEXT = ("code", "field_code", "field_name", "name", "receiving_agency", "legal_basis", "result_type")

CODE_RE = re.compile(r"^\w[\w.-]*$")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
MEDIA_TYPE_RE = re.compile(r"^[a-z0-9.+-]+/[a-z0-9.+*-]+$")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
SMALL_INT_MAX = 32767
INT_MAX = 2147483647
BIGINT_MAX = 9223372036854775807
TIME_MAX = Decimal("99999.9")

AddError = Callable[[str, str], None]


def multiline(value: Any) -> str:
    """NFC text with its line breaks kept, each line trimmed, no blank lines at either end."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip("\n")


def folded_text(*, code: str, name: str, field_name: str, receiving_agency: str, result_type: str) -> str:
    """What the public search matches: the version's words without diacritics, lower case."""
    return fold(clean(" ".join((code, name, field_name, receiving_agency, result_type))))


def _enum_message(value: Any, choices) -> str:
    return _("giá trị “%(value)s” không hợp lệ; chỉ nhận: %(allowed)s.") % {
        "value": value,
        "allowed": ", ".join(choices.values),
    }


class _Checker:
    """Reads one field after another from a raw dict, reporting problems under the field's path."""

    def __init__(self, raw: dict, add_error: AddError, prefix: str = "") -> None:
        self.raw = raw
        self.add_error = add_error
        self.prefix = prefix
        self.ok = True

    def error(self, name: str, message: str) -> None:
        self.ok = False
        self.add_error(f"{self.prefix}{name}", str(message))

    def text(self, name: str, *, max_length: int, required: bool = False, lines: bool = False) -> str:
        value = self.raw.get(name)
        if value is not None and not isinstance(value, str):
            self.error(name, _("phải là chuỗi ký tự."))
            return ""
        value = multiline(value) if lines else clean(value)
        if required and not value:
            self.error(name, _("bắt buộc phải có."))
        elif len(value) > max_length:
            self.error(name, _("tối đa %(n)d ký tự (đang có %(m)d).") % {"n": max_length, "m": len(value)})
        return value

    def choice(self, name: str, choices, *, default: str | None = None) -> str:
        value = self.raw.get(name)
        if value in (None, "") and default is not None:
            return default
        value = clean(value) if isinstance(value, str) else value
        if value not in choices.values:
            self.error(name, _enum_message(value, choices) if value not in (None, "") else _("bắt buộc phải có."))
            return ""
        return value

    def integer(self, name: str, *, low: int, high: int, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value in (None, "") and default is not None:
            return default
        if isinstance(value, bool):
            value = None
        elif (isinstance(value, float) and value.is_integer()) or (
            isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value)
        ):
            value = int(value)
        if not isinstance(value, int):
            self.error(name, _("phải là số nguyên (đang ghi “%(v)s”).") % {"v": self.raw.get(name, "")})
            return None
        if not low <= value <= high:
            self.error(name, _("phải từ %(lo)d đến %(hi)d (đang ghi %(v)d).") % {"lo": low, "hi": high, "v": value})
            return None
        return value

    def decimal(self, name: str) -> Decimal | None:
        """A time in days or hours: not negative, at most one decimal place (a comma may mark it)."""
        value = self.raw.get(name)
        if isinstance(value, bool) or value in (None, ""):
            self.error(name, _("bắt buộc phải có.") if value in (None, "") else _("phải là một số."))
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.error(name, _("phải là một số (đang ghi “%(v)s”).") % {"v": value})
            return None
        if number < 0:
            self.error(name, _("không được âm (đang ghi %(v)s).") % {"v": value})
            return None
        if number > TIME_MAX or number != number.quantize(Decimal("0.1")):
            self.error(name, _("tối đa 99999,9 và một chữ số thập phân (đang ghi %(v)s).") % {"v": value})
            return None
        return number.quantize(Decimal("0.1"))

    def date(self, name: str, *, required: bool) -> dt.date | None:
        value = self.raw.get(name)
        if value in (None, ""):
            if required:
                self.error(name, _("bắt buộc phải có."))
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        self.error(name, _("ngày không hợp lệ “%(v)s”; ghi theo dạng 2025-07-01 hoặc 01/07/2025.") % {"v": value})
        return None

    def moment(self, name: str) -> dt.datetime | None:
        value = self.raw.get(name)
        if value in (None, ""):
            return None
        if not isinstance(value, dt.datetime):
            try:
                value = parse_datetime(str(value).strip())
            except ValueError:
                value = None
        if value is None:
            self.error(name, _("thời điểm không hợp lệ; ghi theo dạng 2025-07-01T08:00:00+07:00."))
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self.raw.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(name, _("phải là true hoặc false."))
            return default
        return value

    def strings(self, name: str, *, max_length: int, pattern: re.Pattern | None = None) -> list[str]:
        value = self.raw.get(name)
        if value in (None, ""):
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(name, _("phải là danh sách chuỗi ký tự."))
            return []
        items = [clean(item) for item in value]
        for item in items:
            if not item or len(item) > max_length or (pattern is not None and not pattern.match(item)):
                self.error(name, _("giá trị “%(v)s” không hợp lệ.") % {"v": item})
                return []
        return items

    def mapping(self, name: str) -> dict:
        value = self.raw.get(name)
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            self.error(name, _("phải là một đối tượng JSON."))
            return {}
        return value

    def items(self, name: str) -> list[dict]:
        value = self.raw.get(name)
        if value in (None, ""):
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.error(name, _("phải là danh sách các đối tượng."))
            return []
        return value

    def unknown(self, allowed: tuple[str, ...]) -> None:
        for key in self.raw:
            if key not in allowed:
                self.error(
                    str(key), _("trường không có trong định dạng (các trường: %(all)s).") % {"all": ", ".join(allowed)}
                )


def _document(raw: dict, add_error: AddError, prefix: str) -> dict:
    c = _Checker(raw, add_error, prefix)
    c.unknown(DOCUMENT_FIELDS)
    name = c.text("name", max_length=500, required=True)
    key = c.text("key", max_length=60) or slugify(fold(name))[:60]
    if key and not SLUG_RE.match(key):
        c.error("key", _("chỉ gồm chữ không dấu, số, gạch ngang (đang ghi “%(v)s”).") % {"v": key})
    url = c.text("template_url", max_length=500)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            c.error("template_url", _("địa chỉ “%(v)s” không hợp lệ (phải bắt đầu bằng https://).") % {"v": url})
    return {
        "key": key,
        "name": name,
        "originals": c.integer("originals", low=0, high=SMALL_INT_MAX, default=0),
        "copies": c.integer("copies", low=0, high=SMALL_INT_MAX, default=0),
        "mandatory": c.boolean("mandatory", default=True),
        "template_name": c.text("template_name", max_length=300),
        "template_url": url,
        "accepted_types": c.strings("accepted_types", max_length=100, pattern=MEDIA_TYPE_RE),
        "max_bytes": c.integer("max_bytes", low=1, high=INT_MAX, default=DEFAULT_MAX_BYTES),
    }


def _fee(raw: dict, add_error: AddError, prefix: str) -> dict:
    c = _Checker(raw, add_error, prefix)
    c.unknown(FEE_FIELDS)
    return {
        "kind": c.choice("kind", Fee.Kind),
        "amount": c.integer("amount", low=0, high=BIGINT_MAX),
        "description": c.text("description", max_length=300, required=True),
        "legal_basis": c.text("legal_basis", max_length=300),
    }


def _step(raw: dict, add_error: AddError, prefix: str) -> dict:
    c = _Checker(raw, add_error, prefix)
    c.unknown(STEP_FIELDS)
    role = c.text("role", max_length=30)
    if role and role not in Role.values:
        c.error("role", _enum_message(role, Role))
    return {
        "kind": c.choice("kind", StepKind),
        "name": c.text("name", max_length=200, required=True),
        "budget": c.decimal("budget"),
        "role": role,
        "agency_code": c.text("agency_code", max_length=35),
    }


def _form_schema(c: _Checker) -> dict:
    schema = c.mapping("form_schema")
    if schema:
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            c.error("form_schema", _("không phải JSON Schema hợp lệ: %(m)s") % {"m": exc.message})
        else:
            if schema.get("type") != "object":
                c.error("form_schema", _('biểu mẫu phải có "type": "object".'))
    return schema


def clean_record(raw: Any, add_error: AddError) -> dict | None:
    """The canonical record, or None after reporting (field path, message) for each problem."""
    if not isinstance(raw, dict):
        add_error("", _("mỗi bản ghi phải là một đối tượng JSON."))
        return None
    c = _Checker(raw, add_error)
    c.unknown(RECORD_FIELDS)
    record: dict[str, Any] = {}
    for name in ("code", "field_code"):
        record[name] = c.text(name, max_length=40, required=True)
        if record[name] and not CODE_RE.match(record[name]):
            c.error(name, _("chỉ gồm chữ, số, dấu chấm, gạch ngang (đang ghi “%(v)s”).") % {"v": record[name]})
    record["field_name"] = c.text("field_name", max_length=200, required=True)
    record["level"] = c.choice("level", GovernmentLevel)
    record["version"] = c.integer("version", low=1, high=INT_MAX)
    record["state"] = c.choice("state", VersionState, default=VersionState.DRAFT)
    record["name"] = c.text("name", max_length=500, required=True)
    record["receiving_agency"] = c.text("receiving_agency", max_length=300, required=True)
    record["agency_codes"] = c.strings("agency_codes", max_length=35, pattern=CODE_RE)
    record["legal_basis"] = c.text("legal_basis", max_length=20000, required=True, lines=True)
    record["decision"] = c.text("decision", max_length=200)
    record["effective_from"] = c.date("effective_from", required=True)
    record["effective_to"] = c.date("effective_to", required=False)
    if record["effective_from"] and record["effective_to"] and record["effective_to"] < record["effective_from"]:
        c.error("effective_to", _("ngày hết hiệu lực phải từ ngày có hiệu lực trở đi."))
    record["processing_time"] = c.decimal("processing_time")
    record["time_unit"] = c.choice("time_unit", TimeUnit)
    record["result_type"] = c.text("result_type", max_length=300, required=True)
    record["online_class"] = c.choice("online_class", OnlineClass)
    record["partial_reason"] = c.text("partial_reason", max_length=5000, lines=True)
    if record["online_class"] == OnlineClass.FULL and record["partial_reason"]:
        c.error("partial_reason", _("chỉ ghi lý do khi dịch vụ công trực tuyến là “Một phần”."))
    record["published_at"] = c.moment("published_at")
    for name, check in (("required_documents", _document), ("fees", _fee), ("route", _step)):
        record[name] = [check(item, c.error, f"{name}[{i}].") for i, item in enumerate(c.items(name), start=1)]
    keys = [d["key"] for d in record["required_documents"] if d["key"]]
    for key in {k for k in keys if keys.count(k) > 1}:
        c.error("required_documents", _("mã thành phần “%(k)s” bị trùng.") % {"k": key})
    record["form_schema"] = _form_schema(c)
    record["form_ui"] = c.mapping("form_ui")
    if c.ok and record["state"] != VersionState.DRAFT:
        for name, message in publish_problems(record):
            c.error(name, message)
    return record if c.ok else None


def publish_problems(record: dict) -> list[tuple[str, str]]:
    """What a published version must have beyond a draft: the reason for a partial service, a route that fits."""
    problems = []
    if record["online_class"] == OnlineClass.PARTIAL and not record["partial_reason"]:
        problems.append(
            ("partial_reason", _("dịch vụ công trực tuyến một phần phải công bố lý do (Nghị định 224/2026)."))
        )
    if not record["route"]:
        problems.append(("route", _("phiên bản công bố phải có quy trình xử lý (ít nhất một bước).")))
    elif record["processing_time"] is not None:
        total = sum((step["budget"] for step in record["route"]), Decimal(0))
        if total > record["processing_time"]:
            problems.append(
                (
                    "route",
                    _("tổng thời gian các bước (%(total)s) vượt thời hạn giải quyết (%(time)s).")
                    % {"total": total, "time": record["processing_time"]},
                )
            )
    return problems


def version_to_record(version) -> dict:
    """A saved version (with its procedure, field and nested rows loaded) in the canonical form."""
    procedure = version.procedure
    return {
        "code": procedure.code,
        "field_code": procedure.field.code,
        "field_name": procedure.field.name,
        "level": procedure.level,
        "version": version.number,
        "state": version.state,
        "name": version.name,
        "receiving_agency": version.receiving_agency,
        "agency_codes": list(version.agency_codes or []),
        "legal_basis": version.legal_basis,
        "decision": version.decision,
        "effective_from": version.effective_from,
        "effective_to": version.effective_to,
        "processing_time": Decimal(version.processing_time).quantize(Decimal("0.1")),
        "time_unit": version.time_unit,
        "result_type": version.result_type,
        "online_class": version.online_class,
        "partial_reason": version.partial_reason,
        "published_at": version.published_at,
        "required_documents": [
            {
                "key": d.key,
                "name": d.name,
                "originals": d.originals,
                "copies": d.copies,
                "mandatory": d.mandatory,
                "template_name": d.template_name,
                "template_url": d.template_url,
                "accepted_types": list(d.accepted_types or []),
                "max_bytes": d.max_bytes,
            }
            for d in version.required_documents.all()
        ],
        "fees": [
            {"kind": f.kind, "amount": f.amount, "description": f.description, "legal_basis": f.legal_basis}
            for f in version.fees.all()
        ],
        "route": [
            {
                "kind": s.kind,
                "name": s.name,
                "budget": Decimal(s.budget).quantize(Decimal("0.1")),
                "role": s.role,
                "agency_code": s.agency_code,
            }
            for s in version.route.all()
        ],
        "form_schema": version.form_schema or {},
        "form_ui": version.form_ui or {},
    }


def first_difference(old: Any, new: Any, path: str = "") -> str | None:
    """The path of the first place two canonical values differ (`route[2].budget`), or None."""
    if isinstance(old, dict) and isinstance(new, dict) and path.endswith("]"):  # an item of a nested list
        for key in list(old) + [k for k in new if k not in old]:
            found = first_difference(old.get(key), new.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(old, list) and isinstance(new, list) and old and isinstance(old[0], dict):
        for index, (a, b) in enumerate(zip(old, new, strict=False), start=1):
            found = first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        return f"{path}[{min(len(old), len(new)) + 1}]" if len(old) != len(new) else None
    return None if old == new else path
