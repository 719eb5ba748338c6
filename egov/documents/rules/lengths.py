"""Maximum lengths of document metadata (Decree 30/2020 Appendix VI, Part II), as a dated table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .tables import CachedTable, RuleTableError, check_dates, in_force, read_rows, resolve_day


@dataclass(frozen=True)
class LengthRule:
    """Độ dài tối đa của một trường dữ liệu đặc tả."""

    field: str  # our name: subject, signer_name, symbol…
    element: str  # the Appendix VI element name: Subject, FullName, CodeNotation…
    label: str
    max_length: int
    valid_from: dt.date
    valid_to: dt.date | None
    basis: str


def load_length_rules(path: Path) -> list[LengthRule]:
    rules = []
    for raw in read_rows(path, ("field", "element", "label", "max_length", "valid_from", "valid_to", "basis")):
        text = raw.text("max_length")
        if not text.isdigit() or int(text) < 1:
            raise RuleTableError(f"{raw.source}:{raw.line}: max_length {text!r} is not a positive integer")
        rules.append(
            LengthRule(
                field=raw.text("field"),
                element=raw.text("element"),
                label=raw.text("label"),
                max_length=int(text),
                valid_from=raw.date("valid_from", required=True),
                valid_to=raw.date("valid_to", required=False),
                basis=raw.text("basis"),
            )
        )
    check_dates(rules, lambda r: r.field, path.name)
    return rules


_table = CachedTable("metadata-lengths.csv", load_length_rules)


def length_rules(on: dt.date | None = None) -> dict[str, LengthRule]:
    """The limits in force on `on`, by field."""
    day = resolve_day(on)
    return {r.field: r for r in _table.rows() if in_force(r, day)}
