"""The format check (kiểm tra thể thức), run before signing an outgoing document and on every incoming one.

Each check is a small function of the document's facts and a context built once (the type rule in force,
the parsed number/symbol). Every rule and its legal basis is listed in docs/format-check.md.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from egov.documents.signing.report import PdfReport

from . import signaturecheck
from .authority import check_authority
from .findings import ERROR, INFO, WARNING, Finding, has_errors, sort_findings
from .lengths import length_rules
from .notation import NotationError, NumberSymbol, format_number, parse_number_symbol
from .tables import in_force
from .types import CONG_VAN, DocumentTypeRule, type_by_abbreviation, type_by_code_any_date

__all__ = ["STAGES", "DocumentFacts", "Finding", "check_format", "has_errors"]

BEFORE_SIGNING = "before_signing"
INCOMING = "incoming"
ISSUED = "issued"
STAGES = (BEFORE_SIGNING, INCOMING, ISSUED)


@dataclass(frozen=True)
class DocumentFacts:
    """What the format check looks at: the document's metadata as registered and its validated PDF files."""

    stage: str  # "before_signing" | "incoming" | "issued"
    type_code: str
    number_symbol: str  # as written, may be "" before numbering (before_signing)
    issued_on: dt.date | None
    received_on: dt.date | None  # incoming only
    issuer_code: str  # the issuing organisation's identifier code
    issuer_name: str
    issuer_abbreviation: str  # expected abbreviation of the issuing organisation ("" if unknown)
    issuer_is_collective: bool
    signer_name: str
    signer_position: str
    signer_prefix: str  # "", "TM.", "KT.", "TL.", "TUQ.", "Q."
    legal_normative: bool
    secret: bool
    subject: str
    main_file: PdfReport | None  # None = no electronic file
    appendices: tuple[PdfReport, ...] = ()
    today: dt.date | None = None


@dataclass(frozen=True)
class Context:
    today: dt.date
    # The day the rules are read for: the issue date, or today before the document is issued.
    day: dt.date
    type_rule: DocumentTypeRule | None
    parsed: NumberSymbol | None
    notation_error: NotationError | None


def check_format(facts: DocumentFacts) -> list[Finding]:
    """Every finding about the document, errors first."""
    if facts.stage not in STAGES:
        raise ValueError(f"unknown stage {facts.stage!r}; expected one of {STAGES}")
    context = build_context(facts)
    findings: list[Finding] = []
    for check in CHECKS:
        findings += check(facts, context)
    return sort_findings(findings)


def build_context(facts: DocumentFacts) -> Context:
    today = facts.today or timezone.localdate()
    day = facts.issued_on or today
    type_rule = type_by_code_any_date(facts.type_code, day) if facts.type_code else None
    parsed, error = None, None
    if (facts.number_symbol or "").strip():
        try:
            parsed = parse_number_symbol(facts.number_symbol, type_code=type_rule.code if type_rule else None, on=day)
        except NotationError as exc:
            error = exc
    return Context(today=today, day=day, type_rule=type_rule, parsed=parsed, notation_error=error)


def _blank(text: str) -> bool:
    return not (text or "").strip()


def check_required(facts: DocumentFacts, context: Context) -> list[Finding]:
    """Mandatory metadata (Appendix VI, Part II) and, once issued or received, the electronic file."""
    numbered = facts.stage != BEFORE_SIGNING
    missing = [
        ("type_code", _blank(facts.type_code), _("Chưa chọn loại văn bản.")),
        (
            "subject",
            _blank(facts.subject) and (context.type_rule is None or context.type_rule.subject_required),
            _("Thiếu trích yếu nội dung văn bản."),
        ),
        ("issuer_name", _blank(facts.issuer_name), _("Thiếu tên cơ quan, tổ chức ban hành văn bản.")),
        ("signer_name", _blank(facts.signer_name), _("Thiếu họ và tên người ký văn bản.")),
        ("signer_position", _blank(facts.signer_position), _("Thiếu chức vụ của người ký văn bản.")),
        ("number_symbol", numbered and _blank(facts.number_symbol), _("Thiếu số, ký hiệu văn bản.")),
        ("issued_on", numbered and facts.issued_on is None, _("Thiếu ngày, tháng, năm ban hành văn bản.")),
        ("received_on", facts.stage == INCOMING and facts.received_on is None, _("Thiếu ngày đến của văn bản.")),
        ("main_file", facts.stage != INCOMING and facts.main_file is None, _("Thiếu tệp văn bản (PDF).")),
    ]
    findings = [
        Finding(f"required.{field}", ERROR, message, field) for field, is_missing, message in missing if is_missing
    ]
    if facts.stage == INCOMING and facts.main_file is None:
        findings.append(
            Finding(
                "signature.not_checked",
                INFO,
                _("Văn bản không có tệp điện tử (văn bản giấy): không kiểm tra chữ ký số."),
                "main_file",
            )
        )
    return findings


def check_type(facts: DocumentFacts, context: Context) -> list[Finding]:
    """The type exists, is in force on the issue date, and fits the legal normative flag."""
    rule = context.type_rule
    if _blank(facts.type_code):
        return []
    if rule is None:
        return [
            Finding(
                "type.unknown",
                ERROR,
                _("Loại văn bản «%(code)s» không có trong bảng loại văn bản.") % {"code": facts.type_code},
                "type_code",
            )
        ]
    findings = []
    if not in_force(rule, context.day):
        # An incoming document may follow rules older than the table holds: worth a look, not a refusal.
        severity = WARNING if facts.stage == INCOMING else ERROR
        if context.day < rule.valid_from:
            code = "date.before_type_valid_from"
            message = _("Ngày %(day)s trước ngày loại văn bản «%(type)s» có hiệu lực (%(start)s, theo %(basis)s).")
        else:
            code = "date.after_type_valid_to"
            message = _("Ngày %(day)s sau ngày loại văn bản «%(type)s» hết hiệu lực (%(end)s, theo %(basis)s).")
        values = {
            "day": _d(context.day),
            "type": rule.name,
            "start": _d(rule.valid_from),
            "end": _d(rule.valid_to) if rule.valid_to else "",
            "basis": rule.basis,
        }
        findings.append(Finding(code, severity, message % values, "issued_on"))
    if facts.legal_normative and not rule.may_be_legal_normative:
        findings.append(
            Finding(
                "type.not_legal_normative",
                ERROR,
                _("«%(type)s» không phải là hình thức văn bản quy phạm pháp luật.") % {"type": rule.name},
                "legal_normative",
            )
        )
    if not facts.legal_normative and rule.legal_normative_only:
        findings.append(
            Finding(
                "type.legal_normative_only",
                ERROR,
                _(
                    "«%(type)s» chỉ là hình thức văn bản quy phạm pháp luật; "
                    "văn bản phải được đánh dấu là văn bản quy phạm pháp luật."
                )
                % {"type": rule.name},
                "legal_normative",
            )
        )
    return findings


def check_number(facts: DocumentFacts, context: Context) -> list[Finding]:
    """The number/symbol parses, the number is written «05», and the year group fits the document."""
    if context.notation_error is not None:
        return [Finding("number_symbol.invalid", ERROR, context.notation_error.message, "number_symbol")]
    parsed = context.parsed
    if parsed is None:
        return []
    findings = []
    expected = format_number(parsed.number)
    if parsed.number_text != expected:
        findings.append(
            Finding(
                "number_symbol.padding",
                ERROR,
                _(
                    "Số «%(found)s» phải ghi là «%(expected)s»: số nhỏ hơn 10 có thêm số 0 phía trước, "
                    "không thêm số 0 khác."
                )
                % {"found": parsed.number_text, "expected": expected},
                "number_symbol",
            )
        )
    if facts.legal_normative and parsed.year is None:
        findings.append(
            Finding(
                "number_symbol.year_missing",
                ERROR,
                _(
                    "Số, ký hiệu văn bản quy phạm pháp luật ghi cả năm ban hành, ví dụ «%(example)s»; "
                    "«%(found)s» thiếu năm."
                )
                % {"example": f"{expected}/{context.day.year}/{parsed.symbol}", "found": str(parsed)},
                "number_symbol",
            )
        )
    elif not facts.legal_normative and parsed.year is not None:
        findings.append(
            Finding(
                "number_symbol.unexpected_year",
                ERROR,
                _("Số, ký hiệu văn bản hành chính không ghi năm: «%(found)s».") % {"found": str(parsed)},
                "number_symbol",
            )
        )
    elif parsed.year is not None and facts.issued_on is not None and parsed.year != facts.issued_on.year:
        findings.append(
            Finding(
                "number_symbol.year_mismatch",
                ERROR,
                _("Năm %(year)d trong số, ký hiệu «%(found)s» khác năm ban hành %(issued)d.")
                % {"year": parsed.year, "found": str(parsed), "issued": facts.issued_on.year},
                "number_symbol",
            )
        )
    return findings


def check_symbol_type(facts: DocumentFacts, context: Context) -> list[Finding]:
    """The symbol starts with the type's abbreviation; a công văn's symbol has none (Appendix I, II.3.b)."""
    parsed, rule = context.parsed, context.type_rule
    if parsed is None or rule is None:
        return []
    if rule.abbreviation:
        if parsed.type_abbreviation is None:
            message = _("Ký hiệu «%(symbol)s» thiếu chữ viết tắt tên loại «%(abbr)s» của %(type)s.")
            return [Finding("symbol.type_missing", ERROR, message % _type_values(parsed, rule), "number_symbol")]
        if parsed.type_abbreviation != rule.abbreviation:
            message = _("Ký hiệu «%(found)s» không khớp loại văn bản %(type)s (viết tắt %(abbr)s).")
            values = {**_type_values(parsed, rule), "found": parsed.type_abbreviation}
            return [Finding("symbol.type_mismatch", ERROR, message % values, "number_symbol")]
        return []
    findings = []
    looks_typed = _type_named(parsed.issuer_abbreviation, context.day)
    if looks_typed is not None and parsed.issuer_abbreviation != facts.issuer_abbreviation:
        message = _(
            "%(type)s không có chữ viết tắt tên loại, nhưng ký hiệu «%(symbol)s» bắt đầu bằng «%(found)s» (%(other)s)."
        )
        values = {
            "type": rule.name,
            "symbol": parsed.symbol,
            "found": parsed.issuer_abbreviation,
            "other": looks_typed.name,
        }
        findings.append(Finding("symbol.type_on_cong_van", ERROR, message % values, "number_symbol"))
    elif rule.code == CONG_VAN and parsed.unit_abbreviation is None:
        message = _(
            "Ký hiệu công văn «%(symbol)s» thiếu chữ viết tắt tên đơn vị soạn thảo hoặc lĩnh vực "
            "(ví dụ «%(symbol)s-VP»)."
        )
        findings.append(Finding("symbol.unit_missing", ERROR, message % {"symbol": parsed.symbol}, "number_symbol"))
    return findings


def check_symbol_issuer(facts: DocumentFacts, context: Context) -> list[Finding]:
    """The issuer abbreviation in the symbol is the issuing organisation's."""
    parsed, rule = context.parsed, context.type_rule
    if parsed is None or rule is None:
        return []
    expected = unicodedata.normalize("NFC", (facts.issuer_abbreviation or "").strip())
    if not expected:
        message = _("Chưa có chữ viết tắt của «%(issuer)s» nên chưa kiểm tra được ký hiệu «%(symbol)s».")
        return [
            Finding(
                "symbol.issuer_not_checked",
                INFO,
                message % {"issuer": facts.issuer_name, "symbol": parsed.symbol},
                "number_symbol",
            )
        ]
    found = parsed.issuer_abbreviation
    if not rule.abbreviation and found != expected and _type_named(found, context.day) is not None:
        return []  # already reported by check_symbol_type as a type abbreviation on a công văn
    joint = parsed.type_abbreviation is not None and rule.joint
    if found == expected or (joint and expected in found.split("-")):
        if parsed.type_abbreviation and not joint and parsed.unit_abbreviation:
            message = _(
                "Ký hiệu «%(symbol)s» có thêm nhóm «%(extra)s»: ký hiệu văn bản có tên loại gồm chữ viết tắt tên loại "
                "và chữ viết tắt tên cơ quan, tổ chức ban hành."
            )
            values = {"symbol": parsed.symbol, "extra": parsed.unit_abbreviation}
            return [Finding("symbol.extra_groups", WARNING, message % values, "number_symbol")]
        return []
    message = _(
        "Chữ viết tắt «%(found)s» trong ký hiệu «%(symbol)s» không khớp chữ viết tắt «%(expected)s» của %(issuer)s."
    )
    values = {"found": found, "symbol": parsed.symbol, "expected": expected, "issuer": facts.issuer_name}
    return [Finding("symbol.issuer_mismatch", ERROR, message % values, "number_symbol")]


def check_dates(facts: DocumentFacts, context: Context) -> list[Finding]:
    """The issue date is not in the future and comes before the arrival date."""
    findings = []
    issued, received, today = facts.issued_on, facts.received_on, context.today
    if issued is not None and issued > today:
        message = _("Ngày ban hành %(issued)s sau ngày hôm nay (%(today)s).")
        findings.append(
            Finding("date.issued_in_future", ERROR, message % {"issued": _d(issued), "today": _d(today)}, "issued_on")
        )
    if received is not None and received > today:
        message = _("Ngày đến %(received)s sau ngày hôm nay (%(today)s).")
        findings.append(
            Finding(
                "date.received_in_future",
                ERROR,
                message % {"received": _d(received), "today": _d(today)},
                "received_on",
            )
        )
    if issued is not None and received is not None and received < issued:
        message = _("Ngày đến %(received)s trước ngày ban hành %(issued)s.")
        findings.append(
            Finding(
                "date.received_before_issued",
                ERROR,
                message % {"received": _d(received), "issued": _d(issued)},
                "received_on",
            )
        )
    return findings


def check_signer_authority(facts: DocumentFacts, context: Context) -> list[Finding]:
    return check_authority(
        prefix=facts.signer_prefix,
        position=facts.signer_position,
        organisation_is_collective=facts.issuer_is_collective,
        type_rule=context.type_rule,
        legal_normative=facts.legal_normative,
        on=context.day,
    )


def check_lengths(facts: DocumentFacts, context: Context) -> list[Finding]:
    """Appendix VI, Part II lengths: Subject 500, TypeName 100, CodeNotation 30, OrganName 200, Position 100…"""
    parsed = context.parsed
    values = {
        "type_name": (context.type_rule.name if context.type_rule else "", "type_code"),
        "number": (parsed.number_text if parsed else "", "number_symbol"),
        "symbol": (parsed.symbol if parsed else "", "number_symbol"),
        "issuer_name": (facts.issuer_name, "issuer_name"),
        "subject": (facts.subject, "subject"),
        "signer_position": (facts.signer_position, "signer_position"),
        "signer_name": (facts.signer_name, "signer_name"),
    }
    findings = []
    # Documents older than the table are held to today's limits.
    for name, rule in (length_rules(context.day) or length_rules()).items():
        text, field = values.get(name, ("", None))
        length = len(unicodedata.normalize("NFC", (text or "").strip()))
        if field and length > rule.max_length:
            message = _("%(label)s dài %(length)d ký tự, vượt giới hạn %(max)d ký tự (%(element)s, %(basis)s).")
            values_ = {
                "label": rule.label,
                "length": length,
                "max": rule.max_length,
                "element": rule.element,
                "basis": rule.basis,
            }
            findings.append(Finding(f"length.{name}", ERROR, message % values_, field))
    return findings


def check_signatures(facts: DocumentFacts, context: Context) -> list[Finding]:
    """Signatures are checked once the document is issued or received; before signing only the file is read."""
    if facts.main_file is None:
        return []
    if facts.stage == BEFORE_SIGNING:
        return signaturecheck.check_file_readable(facts.main_file)
    return signaturecheck.check_main_file(
        facts.main_file, signer_name=facts.signer_name, issuer_code=facts.issuer_code, issuer_name=facts.issuer_name
    )


def check_appendices(facts: DocumentFacts, context: Context) -> list[Finding]:
    findings = []
    for number, report in enumerate(facts.appendices, start=1):
        if facts.stage == BEFORE_SIGNING:
            findings += signaturecheck.check_file_readable(report, number)
        else:
            findings += signaturecheck.check_appendix(
                report, number, issuer_code=facts.issuer_code, issuer_name=facts.issuer_name
            )
    return findings


CHECKS = (
    check_required,
    check_type,
    check_number,
    check_symbol_type,
    check_symbol_issuer,
    check_dates,
    check_signer_authority,
    check_lengths,
    check_signatures,
    check_appendices,
)


def _type_values(parsed: NumberSymbol, rule: DocumentTypeRule) -> dict[str, str]:
    return {"symbol": parsed.symbol, "abbr": rule.abbreviation, "type": rule.name}


def _type_named(abbreviation: str, day: dt.date) -> DocumentTypeRule | None:
    return type_by_abbreviation(abbreviation, day) or type_by_abbreviation(abbreviation)


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")
