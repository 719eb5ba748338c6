"""Dated rule tables read from CSV: each row is in force from `valid_from` to `valid_to` (empty = still in force).

The packaged tables live in `egov/documents/data/`. An operator can replace one without a release by putting
a file of the same name in `<DATA_DIR>/rules/`; it is used instead of the packaged file (see
docs/format-check.md, "When the law changes").
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from django.conf import settings
from django.utils import timezone

PACKAGED_DIR = Path(__file__).resolve().parent.parent / "data"


class RuleTableError(ValueError):
    """A rule table that cannot be used: a missing column, a bad value, overlapping rows."""


class Dated(Protocol):
    valid_from: dt.date
    valid_to: dt.date | None


R = TypeVar("R", bound=Dated)


@dataclass(frozen=True)
class RawRow:
    """One CSV row with the file and line it came from, for error messages."""

    source: str
    line: int
    values: dict[str, str]

    def text(self, column: str) -> str:
        return unicodedata.normalize("NFC", (self.values.get(column) or "").strip())

    def date(self, column: str, *, required: bool) -> dt.date | None:
        value = self.text(column)
        if not value:
            if required:
                raise RuleTableError(f"{self.source}:{self.line}: column {column!r} is empty")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise RuleTableError(f"{self.source}:{self.line}: {column}={value!r} is not a YYYY-MM-DD date") from exc

    def flag(self, column: str) -> bool:
        value = self.text(column).lower()
        if value in ("yes", "true", "1"):
            return True
        if value in ("no", "false", "0", ""):
            return False
        raise RuleTableError(f"{self.source}:{self.line}: {column}={value!r} is not yes/no")

    def choice(self, column: str, allowed: Iterable[str]) -> str:
        value = self.text(column)
        allowed = tuple(allowed)
        if value not in allowed:
            raise RuleTableError(f"{self.source}:{self.line}: {column}={value!r} is not one of {allowed}")
        return value


def table_path(name: str) -> Path:
    """The file in force for table `name`: the operator's copy in DATA_DIR/rules if present, else the packaged one."""
    data_dir = getattr(settings, "DATA_DIR", None)
    if data_dir:
        override = Path(data_dir) / "rules" / name
        if override.is_file():
            return override
    return PACKAGED_DIR / name


def read_rows(path: Path, columns: Iterable[str]) -> list[RawRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise RuleTableError(f"{path.name}: missing columns {missing}")
        # Line 1 is the header, so data rows start at line 2.
        return [RawRow(path.name, number, row) for number, row in enumerate(reader, start=2)]


def check_dates(rows: Iterable[R], key: Callable[[R], str], source: str) -> None:
    """Refuse rows that end before they start, or two rows for the same key in force on the same day."""
    by_key: dict[str, list[R]] = {}
    for row in rows:
        if row.valid_to is not None and row.valid_to < row.valid_from:
            raise RuleTableError(f"{source}: {key(row)!r} ends ({row.valid_to}) before it starts ({row.valid_from})")
        by_key.setdefault(key(row), []).append(row)
    for name, group in by_key.items():
        group.sort(key=lambda r: r.valid_from)
        for earlier, later in itertools.pairwise(group):
            if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
                raise RuleTableError(
                    f"{source}: two rows for {name!r} are in force on {later.valid_from}; "
                    "close the older row (valid_to) the day before the new one starts"
                )


def in_force(row: Dated, on: dt.date) -> bool:
    return row.valid_from <= on and (row.valid_to is None or on <= row.valid_to)


def resolve_day(on: dt.date | None) -> dt.date:
    return on if on is not None else timezone.localdate()


class CachedTable:
    """Loads a table once per file version: editing the operator's copy takes effect without a restart."""

    def __init__(self, name: str, loader: Callable[[Path], list]) -> None:
        self.name = name
        self._loader = loader
        self._key: tuple[str, int] | None = None
        self._rows: list = []

    def rows(self) -> list:
        path = table_path(self.name)
        key = (str(path), path.stat().st_mtime_ns)
        if key != self._key:
            self._rows = self._loader(path)
            self._key = key
        return self._rows
