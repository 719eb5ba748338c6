"""Hashing and verification of the audit chain.

hash(n) = SHA-256 over the canonical JSON of event n, which includes hash(n-1). Altering an event
breaks its own hash; removing one breaks the sequence and the next event's link; removing the newest
events disagrees with the chain head.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "api_key_id",
    "acting_org_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "scope_org_id",
    "before",
    "after",
    "ip_address",
    "request_id",
    "prev_hash",
)


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(values: dict) -> str:
    payload = {name: values[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = _timestamp(payload["occurred_at"])
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class Problem:
    seq: int
    kind: str  # "altered" | "removed" | "link" | "head"
    detail: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.kind}: {self.detail}"


@dataclass
class VerifyReport:
    checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(rows, head_seq: int, head_hash: str) -> VerifyReport:
    """Check an iterable of event value-dicts ordered by seq against each other and the head."""
    report = VerifyReport()
    expected_seq = 1
    prev_hash = GENESIS
    for values in rows:
        seq = values["seq"]
        if seq > expected_seq:
            missing = f"#{expected_seq}" if seq == expected_seq + 1 else f"#{expected_seq}–#{seq - 1}"
            report.problems.append(Problem(expected_seq, "removed", f"events {missing} are missing"))
        elif seq < expected_seq:
            report.problems.append(Problem(seq, "link", "sequence number repeated or out of order"))
        if values["prev_hash"] != prev_hash:
            report.problems.append(Problem(seq, "link", "does not link to the event before it"))
        recomputed = event_hash(values)
        if recomputed != values["hash"]:
            report.problems.append(Problem(seq, "altered", "content does not match its hash"))
        report.checked += 1
        prev_hash = values["hash"]
        expected_seq = seq + 1
        report.last_seq, report.last_hash = seq, values["hash"]
    if head_seq > report.last_seq:
        first = report.last_seq + 1
        span = f"#{first}" if first == head_seq else f"#{first}–#{head_seq}"
        report.problems.append(Problem(first, "removed", f"newest events {span} are missing"))
    elif head_seq < report.last_seq or (head_seq and head_hash != report.last_hash):
        report.problems.append(Problem(head_seq, "head", "chain head does not match the newest event"))
    return report
