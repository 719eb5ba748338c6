"""Signing authority (quyền hạn của người ký), Decree 30/2020 Appendix I, Section II.7.b.

    TM.   ký thay mặt tập thể: before the name of the collective leadership or the organisation
    KT.   ký thay người đứng đầu: a deputy (also a deputy put in charge) signing for the head
    Q.    được giao quyền cấp trưởng: before the head's title
    TL.   ký thừa lệnh: before the head's title
    TUQ.  ký thừa ủy quyền: before the head's title
    —     no prefix: the head signs in their own name

The appendix does not say which document types a TL./TUQ. signer may sign, nor anything specific to legal
normative documents, so no such rule is built in; the table's `legal_normative_allowed` column lets an
operator add one from another instrument without a code change.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .findings import ERROR, SEVERITIES, Finding
from .tables import CachedTable, RuleTableError, check_dates, in_force, read_rows, resolve_day
from .types import DocumentTypeRule

POSITION_HEAD = "head"
POSITION_DEPUTY = "deputy"
POSITION_ANY = "any"

AUTHORITY_PREFIXES = {
    "": gettext_lazy("Người đứng đầu ký (không ghi quyền hạn)"),
    "TM.": gettext_lazy("TM. — thay mặt tập thể"),
    "KT.": gettext_lazy("KT. — ký thay người đứng đầu"),
    "Q.": gettext_lazy("Q. — quyền người đứng đầu"),
    "TL.": gettext_lazy("TL. — thừa lệnh"),
    "TUQ.": gettext_lazy("TUQ. — thừa ủy quyền"),
}


@dataclass(frozen=True)
class AuthorityRule:
    """Quyền hạn ký: one signing-authority prefix and what it requires."""

    code: str
    prefix: str
    label: str
    requires_collective: bool
    # "head": the signer must not hold a deputy title; "deputy": must hold one; "any": not checked.
    position: str
    position_severity: str
    legal_normative_allowed: bool
    valid_from: dt.date
    valid_to: dt.date | None
    basis: str


@dataclass(frozen=True)
class PositionTitle:
    """A title (or the first word of one) that marks a deputy: «Phó …», «Thứ trưởng»."""

    title: str
    kind: str
    valid_from: dt.date
    valid_to: dt.date | None
    basis: str


def load_authority_rules(path: Path) -> list[AuthorityRule]:
    columns = ("code", "prefix", "label", "requires_collective", "position", "position_severity")
    columns += ("legal_normative_allowed", "valid_from", "valid_to", "basis")
    rules = [
        AuthorityRule(
            code=raw.text("code"),
            prefix=raw.text("prefix"),
            label=raw.text("label"),
            requires_collective=raw.flag("requires_collective"),
            position=raw.choice("position", (POSITION_HEAD, POSITION_DEPUTY, POSITION_ANY)),
            position_severity=raw.choice("position_severity", SEVERITIES),
            legal_normative_allowed=raw.flag("legal_normative_allowed"),
            valid_from=raw.date("valid_from", required=True),
            valid_to=raw.date("valid_to", required=False),
            basis=raw.text("basis"),
        )
        for raw in read_rows(path, columns)
    ]
    check_dates(rules, lambda r: "prefix " + repr(r.prefix), path.name)
    return rules


def load_position_titles(path: Path) -> list[PositionTitle]:
    titles = []
    for raw in read_rows(path, ("title", "kind", "valid_from", "valid_to", "basis")):
        title = raw.text("title")
        if not title:
            raise RuleTableError(f"{raw.source}:{raw.line}: title is empty")
        titles.append(
            PositionTitle(
                title=title,
                kind=raw.choice("kind", (POSITION_DEPUTY,)),
                valid_from=raw.date("valid_from", required=True),
                valid_to=raw.date("valid_to", required=False),
                basis=raw.text("basis"),
            )
        )
    check_dates(titles, lambda t: t.title.casefold(), path.name)
    return titles


_rules = CachedTable("signing-authority.csv", load_authority_rules)
_titles = CachedTable("position-titles.csv", load_position_titles)


def authority_rules(on: dt.date | None = None) -> list[AuthorityRule]:
    day = resolve_day(on)
    return [r for r in _rules.rows() if in_force(r, day)]


def authority_rule(prefix: str, on: dt.date | None = None) -> AuthorityRule | None:
    """The rule for `prefix` in force on `on`, else the one in force today (for documents older than the table)."""
    prefix = _clean(prefix)
    for day in (on, None):
        found = next((r for r in authority_rules(day) if r.prefix == prefix), None)
        if found is not None:
            return found
    return None


def is_deputy_position(position: str, on: dt.date | None = None) -> bool:
    """True for «Phó Chủ tịch», «PHÓ GIÁM ĐỐC», «Thứ trưởng»: compared case-insensitively, word by word."""
    text = " ".join(_clean(position).casefold().split())
    day = resolve_day(on)
    titles = [t for t in _titles.rows() if in_force(t, day)] or [
        t for t in _titles.rows() if in_force(t, resolve_day(None))
    ]
    for title in titles:
        key = " ".join(title.title.casefold().split())
        if text == key or text.startswith(key + " "):
            return True
    return False


def check_authority(
    *,
    prefix: str,
    position: str,
    organisation_is_collective: bool,
    type_rule: DocumentTypeRule | None,
    legal_normative: bool,
    on: dt.date | None = None,
) -> list[Finding]:
    """Whether the prefix fits the organisation's regime and the signer's position (Appendix I, II.7.b)."""
    prefix = _clean(prefix)
    rule = authority_rule(prefix, on)
    if rule is None:
        known = ", ".join(f"«{r.prefix}»" for r in authority_rules(on) or authority_rules() if r.prefix)
        return [
            Finding(
                "authority.unknown_prefix",
                ERROR,
                _(
                    "Quyền hạn ký «%(prefix)s» không hợp lệ; dùng một trong %(known)s "
                    "hoặc để trống khi người đứng đầu ký."
                )
                % {"prefix": prefix, "known": known},
                "signer_prefix",
            )
        ]
    findings = []
    if rule.requires_collective and not organisation_is_collective:
        findings.append(
            Finding(
                "authority.requires_collective",
                ERROR,
                _(
                    "Quyền hạn «%(prefix)s» (thay mặt tập thể) chỉ dùng cho cơ quan, tổ chức làm việc theo chế độ "
                    "tập thể; cơ quan ban hành làm việc theo chế độ thủ trưởng."
                )
                % {"prefix": rule.prefix},
                "signer_prefix",
            )
        )
    position = _clean(position)
    if position and rule.position != POSITION_ANY:
        deputy = is_deputy_position(position, on)
        if rule.position == POSITION_DEPUTY and not deputy:
            findings.append(
                Finding(
                    "authority.requires_deputy",
                    rule.position_severity,
                    _(
                        "Ký thay («%(prefix)s») là cấp phó ký thay người đứng đầu; chức vụ «%(position)s» "
                        "không phải chức vụ cấp phó."
                    )
                    % {"prefix": rule.prefix, "position": position},
                    "signer_position",
                )
            )
        elif rule.position == POSITION_HEAD and deputy:
            findings.append(_deputy_finding(rule, position))
    if legal_normative and not rule.legal_normative_allowed:
        findings.append(
            Finding(
                "authority.not_for_legal_normative",
                ERROR,
                _("Văn bản quy phạm pháp luật%(type)s không được ký với quyền hạn «%(prefix)s».")
                % {"type": f" ({type_rule.name})" if type_rule else "", "prefix": rule.prefix or _("không ghi")},
                "signer_prefix",
            )
        )
    return findings


def _deputy_finding(rule: AuthorityRule, position: str) -> Finding:
    if rule.prefix == "Q.":
        message = _(
            "«Q.» được ghi trước chức vụ của người đứng đầu (ví dụ «Q. Giám đốc»); chức vụ «%(position)s» "
            "là chức vụ cấp phó."
        )
        code = "authority.acting_deputy_position"
    elif rule.prefix:
        message = _(
            "Chức vụ «%(position)s» là chức vụ cấp phó: khi cấp phó ký, dưới «%(prefix)s …» ghi thêm «KT.» "
            "trước chức vụ của người đứng đầu, và quyền hạn của người ký là «KT.»."
        )
        code = "authority.deputy_requires_kt"
    else:
        message = _(
            "Chức vụ «%(position)s» là chức vụ cấp phó: cấp phó ký thay người đứng đầu phải ghi «KT.» trước "
            "chức vụ của người đứng đầu."
        )
        code = "authority.deputy_requires_kt"
    return Finding(
        code, rule.position_severity, message % {"position": position, "prefix": rule.prefix}, "signer_prefix"
    )


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()
