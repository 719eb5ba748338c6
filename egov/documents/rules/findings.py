"""What a format check found: one finding per problem, with a stable code, a severity and a Vietnamese message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    """Kết quả kiểm tra thể thức: one problem found in a document's format, metadata or signatures."""

    code: str  # stable machine key, e.g. "symbol.type_mismatch"
    severity: str  # "error" | "warning" | "info"
    message: str  # Vietnamese, human-readable, names the values involved
    field: str | None  # the metadata field at fault, e.g. "number_symbol", "signer_position", "main_file"

    def __post_init__(self) -> None:
        if self.severity not in _RANK:
            raise ValueError(f"unknown severity {self.severity!r}")

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message, "field": self.field}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then information; checks keep their order within a severity."""
    return sorted(findings, key=lambda f: _RANK[f.severity])


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)
