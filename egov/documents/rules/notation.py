"""Number and symbol of a document (số, ký hiệu): parse and format, Decree 30/2020 Appendix I, Section II.3.

    Số: 05/QĐ-UBND        number / type abbreviation - issuer abbreviation
    Số: 12/UBND-VP        công văn: issuer abbreviation - drafting unit (or field) abbreviation
    Số: 01/2019/TT-BTTTT  legal normative document: number / year / type - issuer

Which first groups are type abbreviations comes from the type table, so «UBND-VP» reads as a công văn.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed

from .types import CONG_VAN, DocumentTypeRule, type_abbreviations, type_by_abbreviation, type_by_code_any_date

FIELD = "number_symbol"

_PREFIX = re.compile(r"^số\s*:\s*", re.IGNORECASE)
_PREFIX_WITHOUT_COLON = re.compile(r"^số(?=\s|\d)", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")
_YEAR = re.compile(r"[0-9]{4}")
# Characters that look like the right ones but are not: they break search and duplicate detection.
_LOOKALIKES = {
    "\u00d0": ("Ð", "Đ"),  # Latin capital ETH, not Vietnamese D with stroke
    "\u2010": ("‐", "-"),
    "\u2011": ("‑", "-"),
    "\u2012": ("‒", "-"),
    "\u2013": ("–", "-"),
    "\u2014": ("—", "-"),
    "\u2212": ("−", "-"),
    "\uff0f": ("／", "/"),
}


class NotationError(ValidationFailed):
    """A number/symbol that does not follow Decree 30. `reason` is a stable key for tests and the API."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__({FIELD: [message]})
        self.reason = reason


@dataclass(frozen=True)
class NumberSymbol:
    """Số, ký hiệu của văn bản, split into its parts."""

    number: int
    # The number as written («05», or «5» when the writer forgot the leading zero).
    number_text: str
    # Everything after the number (and year): «QĐ-UBND», «UBND-VP».
    symbol: str
    type_abbreviation: str | None
    # For joint documents (thông tư liên tịch) every issuer, joined by «-».
    issuer_abbreviation: str
    unit_abbreviation: str | None
    # Year group of legal normative documents («01/2019/TT-BTTTT»), None otherwise.
    year: int | None = None

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(self.symbol.split("-"))

    def __str__(self) -> str:
        middle = f"/{self.year}" if self.year is not None else ""
        return f"{self.number_text}{middle}/{self.symbol}"


def format_number(number: int) -> str:
    """«05» for 5: numbers below 10 take a leading zero (Appendix I, II.3.c)."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"a document number is a positive integer, not {number!r}")
    return f"{number:02d}"


def format_symbol(
    *, type_abbreviation: str | None = None, issuer_abbreviation: str, unit_abbreviation: str | None = None
) -> str:
    """«QĐ-UBND» for a typed document, «UBND-VP» for a công văn."""
    parts = [p for p in (type_abbreviation, issuer_abbreviation, unit_abbreviation) if p]
    if not issuer_abbreviation:
        raise NotationError(_("Thiếu chữ viết tắt tên cơ quan, tổ chức ban hành văn bản."), reason="missing_issuer")
    symbol = "-".join(unicodedata.normalize("NFC", p) for p in parts)
    _check_groups(symbol)
    return symbol


def format_number_symbol(
    number: int,
    *,
    type_abbreviation: str | None = None,
    issuer_abbreviation: str,
    unit_abbreviation: str | None = None,
    year: int | None = None,
    prefix: bool = False,
) -> str:
    """«05/QĐ-UBND», «01/2019/TT-BTTTT»; with prefix=True «Số: 05/QĐ-UBND» as printed on the document."""
    symbol = format_symbol(
        type_abbreviation=type_abbreviation,
        issuer_abbreviation=issuer_abbreviation,
        unit_abbreviation=unit_abbreviation,
    )
    middle = ""
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
            raise ValueError(f"the year of a number/symbol has four digits, not {year!r}")
        middle = f"/{year}"
    text = f"{format_number(number)}{middle}/{symbol}"
    return f"Số: {text}" if prefix else text


def parse_number_symbol(text: str, *, type_code: str | None = None, on: dt.date | None = None) -> NumberSymbol:
    """Split a written number/symbol into its parts; raise NotationError saying what is wrong.

    `type_code` (the document's type, when known) settles symbols that read both ways: «CT-TTHT» is a
    Chỉ thị of TTHT, or a công văn of Cục Thuế (CT) from its TTHT unit. `on` picks the type table in force.
    """
    original = text
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text:
        raise NotationError(_("Số, ký hiệu văn bản còn trống."), reason="empty")
    match = _PREFIX.match(text)
    if match:
        text = text[match.end() :]
    elif _PREFIX_WITHOUT_COLON.match(text):
        raise NotationError(
            _("Sau chữ «Số» phải có dấu hai chấm: «%(text)s».") % {"text": original.strip()}, reason="prefix"
        )
    if any(ch.isspace() for ch in text):
        raise NotationError(
            _("Số, ký hiệu «%(text)s» có dấu cách; các thành phần được viết liền, không cách chữ.")
            % {"text": original.strip()},
            reason="spaces",
        )
    for char, (shown, right) in _LOOKALIKES.items():
        if char in text:
            raise NotationError(
                _("Số, ký hiệu «%(text)s» dùng ký tự «%(wrong)s» thay cho «%(right)s».")
                % {"text": text, "wrong": shown, "right": right},
                reason="lookalike",
            )
    parts = text.split("/")
    if len(parts) == 1:
        raise NotationError(
            _("Số, ký hiệu «%(text)s» thiếu dấu gạch chéo (/) giữa số và ký hiệu.") % {"text": text},
            reason="missing_slash",
        )
    if len(parts) > 3:
        raise NotationError(
            _("Số, ký hiệu «%(text)s» có quá nhiều dấu gạch chéo (/).") % {"text": text}, reason="too_many_slashes"
        )
    number_text, symbol = parts[0], parts[-1]
    number = _parse_number(number_text, text)
    year = _parse_year(parts[1], text) if len(parts) == 3 else None
    if not symbol:
        raise NotationError(_("Số, ký hiệu «%(text)s» thiếu ký hiệu sau số.") % {"text": text}, reason="missing_symbol")
    groups = _check_groups(symbol)
    type_abbreviation, issuer, unit = _split_symbol(groups, type_code=type_code, on=on)
    return NumberSymbol(
        number=number,
        number_text=number_text,
        symbol=symbol,
        type_abbreviation=type_abbreviation,
        issuer_abbreviation=issuer,
        unit_abbreviation=unit,
        year=year,
    )


def _parse_number(number_text: str, text: str) -> int:
    if not number_text:
        raise NotationError(_("Số, ký hiệu «%(text)s» thiếu số văn bản.") % {"text": text}, reason="missing_number")
    if not _DIGITS.fullmatch(number_text):
        raise NotationError(
            _("Số văn bản «%(number)s» phải được ghi bằng chữ số Ả Rập.") % {"number": number_text}, reason="bad_number"
        )
    number = int(number_text)
    if number < 1:
        raise NotationError(
            _("Số văn bản «%(number)s» không hợp lệ: số được đánh từ 01.") % {"number": number_text},
            reason="zero_number",
        )
    return number


def _parse_year(year_text: str, text: str) -> int:
    if not _YEAR.fullmatch(year_text):
        raise NotationError(
            _("Năm ban hành «%(year)s» trong số, ký hiệu «%(text)s» phải gồm 4 chữ số.")
            % {"year": year_text, "text": text},
            reason="bad_year",
        )
    return int(year_text)


def _check_groups(symbol: str) -> tuple[str, ...]:
    groups = tuple(symbol.split("-"))
    if any(not g for g in groups):
        raise NotationError(
            _("Ký hiệu «%(symbol)s» có nhóm chữ viết tắt rỗng (hai dấu gạch nối liền nhau hoặc ở đầu, cuối).")
            % {"symbol": symbol},
            reason="empty_group",
        )
    for group in groups:
        bad = next((ch for ch in group if not ch.isalnum()), None)
        if bad is not None:
            raise NotationError(
                _("Ký hiệu «%(symbol)s» có ký tự không hợp lệ «%(char)s»; chỉ dùng chữ cái, chữ số và dấu gạch nối.")
                % {"symbol": symbol, "char": bad},
                reason="bad_character",
            )
        lower = sum(1 for ch in group if ch.islower())
        upper = sum(1 for ch in group if ch.isupper())
        # Some official abbreviations mix in one small letter (QyĐ, CTr, TTg); mostly-small groups are typos.
        if not group[0].isupper() or lower > upper:
            if group[0].isdigit():
                message = _("Nhóm «%(group)s» trong ký hiệu «%(symbol)s» phải bắt đầu bằng chữ cái in hoa.")
                reason = "digit_first"
            else:
                message = _("Ký hiệu «%(symbol)s» phải viết bằng chữ in hoa (nhóm «%(group)s»).")
                reason = "lowercase"
            raise NotationError(message % {"group": group, "symbol": symbol}, reason=reason)
    return groups


def _split_symbol(
    groups: tuple[str, ...], *, type_code: str | None, on: dt.date | None
) -> tuple[str | None, str, str | None]:
    first, rest = groups[0], groups[1:]
    expected: DocumentTypeRule | None = type_by_code_any_date(type_code, on) if type_code else None
    if expected is not None and expected.code == CONG_VAN:
        # A công văn has no type abbreviation: the first group is the issuer even if it spells one.
        typed = False
    elif expected is not None and expected.abbreviation and first == expected.abbreviation:
        typed = True
    else:
        typed = first in type_abbreviations(on) | type_abbreviations()
    if not typed:
        return None, first, "-".join(rest) or None
    if not rest:
        raise NotationError(
            _("Ký hiệu «%(symbol)s» thiếu chữ viết tắt tên cơ quan, tổ chức ban hành sau «%(type)s».")
            % {"symbol": "-".join(groups), "type": first},
            reason="missing_issuer",
        )
    rule = type_by_abbreviation(first, on) or type_by_abbreviation(first)
    if rule is not None and rule.joint:
        return first, "-".join(rest), None
    return first, rest[0], "-".join(rest[1:]) or None
