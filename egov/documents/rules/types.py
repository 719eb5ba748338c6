"""The dated table of document types and their abbreviations (Decree 30/2020 Appendix III, Section I).

Rows come from `data/document-types.csv`. A type may have several rows over time (a new decree renames or
re-abbreviates it): the row in force on a day is the one whose `valid_from`–`valid_to` covers it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .tables import CachedTable, RuleTableError, check_dates, in_force, read_rows, resolve_day

TABLE = "document-types.csv"
COLUMNS = (
    "code",
    "name",
    "abbreviation",
    "group",
    "may_be_legal_normative",
    "joint",
    "subject_required",
    "valid_from",
    "valid_to",
    "basis",
)

GROUP_ADMINISTRATIVE = "administrative"
GROUP_COPY = "copy"
GROUP_LEGAL_NORMATIVE = "legal_normative"
GROUPS = (GROUP_ADMINISTRATIVE, GROUP_COPY, GROUP_LEGAL_NORMATIVE)

CONG_VAN = "cong_van"

_CODE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class DocumentTypeRule:
    """Loại văn bản: one row of the type table, in force from `valid_from` to `valid_to`."""

    code: str
    name: str
    abbreviation: str
    group: str
    may_be_legal_normative: bool
    # Issued jointly by several bodies (thông tư liên tịch): the symbol names every issuer.
    joint: bool
    # Decree 30 forms without a summary line (Giấy giới thiệu, Giấy nghỉ phép) do not need a subject.
    subject_required: bool
    valid_from: dt.date
    valid_to: dt.date | None
    basis: str

    @property
    def has_abbreviation(self) -> bool:
        return bool(self.abbreviation)

    @property
    def legal_normative_only(self) -> bool:
        return self.group == GROUP_LEGAL_NORMATIVE

    @property
    def is_copy(self) -> bool:
        return self.group == GROUP_COPY


def load_document_types(path: Path) -> list[DocumentTypeRule]:
    """Read and check a type table; raises RuleTableError on any inconsistency."""
    rules = []
    for raw in read_rows(path, COLUMNS):
        code = raw.text("code")
        if not _CODE.fullmatch(code):
            raise RuleTableError(f"{raw.source}:{raw.line}: code {code!r} must be lower-case ASCII with underscores")
        abbreviation = raw.text("abbreviation")
        # Type abbreviations start with a capital (QĐ, QyĐ, CTr, TrS); lower-case letters only after it.
        if abbreviation and not (abbreviation[0].isupper() and abbreviation.isalpha()):
            raise RuleTableError(f"{raw.source}:{raw.line}: abbreviation {abbreviation!r} is not a capitalised word")
        name = raw.text("name")
        if not name:
            raise RuleTableError(f"{raw.source}:{raw.line}: name is empty")
        rules.append(
            DocumentTypeRule(
                code=code,
                name=name,
                abbreviation=abbreviation,
                group=raw.choice("group", GROUPS),
                may_be_legal_normative=raw.flag("may_be_legal_normative"),
                joint=raw.flag("joint"),
                subject_required=raw.flag("subject_required"),
                valid_from=raw.date("valid_from", required=True),
                valid_to=raw.date("valid_to", required=False),
                basis=raw.text("basis"),
            )
        )
    check_dates(rules, lambda r: r.code, path.name)
    # Two types sharing an abbreviation on the same day would make a symbol ambiguous.
    check_dates([r for r in rules if r.abbreviation], lambda r: "abbreviation " + r.abbreviation, path.name)
    for rule in rules:
        if rule.legal_normative_only and not rule.may_be_legal_normative:
            raise RuleTableError(
                f"{path.name}: {rule.code!r} is in group legal_normative but may_be_legal_normative=no"
            )
    return rules


_table = CachedTable(TABLE, load_document_types)


def all_type_rules() -> list[DocumentTypeRule]:
    """Every row of the table, past and present."""
    return list(_table.rows())


def document_types(on: dt.date | None = None) -> list[DocumentTypeRule]:
    """The types in force on `on` (today when None), in table order."""
    day = resolve_day(on)
    return [rule for rule in _table.rows() if in_force(rule, day)]


def type_by_code(code: str, on: dt.date | None = None) -> DocumentTypeRule | None:
    day = resolve_day(on)
    return next((r for r in _table.rows() if r.code == code and in_force(r, day)), None)


def type_by_abbreviation(abbreviation: str, on: dt.date | None = None) -> DocumentTypeRule | None:
    """The type whose abbreviation is exactly `abbreviation` (case-sensitive: «CTr» is not «CTR»)."""
    if not abbreviation:
        return None
    day = resolve_day(on)
    return next((r for r in _table.rows() if r.abbreviation == abbreviation and in_force(r, day)), None)


def type_abbreviations(on: dt.date | None = None) -> frozenset[str]:
    return frozenset(r.abbreviation for r in document_types(on) if r.abbreviation)


def type_by_code_any_date(code: str, on: dt.date | None = None) -> DocumentTypeRule | None:
    """The row in force on `on`, else the row in force today, else the latest row for `code`."""
    found = type_by_code(code, on) or type_by_code(code)
    if found is None:
        rows = [r for r in _table.rows() if r.code == code]
        found = max(rows, key=lambda r: r.valid_from) if rows else None
    return found
