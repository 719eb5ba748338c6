"""Office-hour values and the time conversions shared by the working-time arithmetic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.utils import timezone

ZERO = dt.timedelta(0)


@dataclass(frozen=True)
class Hours:
    """Office hours in force on a day, and where they came from."""

    morning_start: dt.time
    morning_end: dt.time
    afternoon_start: dt.time
    afternoon_end: dt.time
    effective_from: dt.date | None = None
    organisation_id: int | None = None
    row_id: int | None = None  # None: from settings.EGOV_DEFAULT_OFFICE_HOURS

    def sessions(self) -> tuple[tuple[dt.time, dt.time], tuple[dt.time, dt.time]]:
        return (self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end)


@lru_cache(maxsize=8)
def parse_office_hours(text: str) -> Hours:
    """Parse "07:30-11:30,13:30-17:00" (the EGOV_OFFICE_HOURS format); ValueError if malformed."""
    try:
        morning, afternoon = (part.strip() for part in text.split(","))
        times = [dt.time.fromisoformat(t.strip()) for session in (morning, afternoon) for t in session.split("-")]
    except ValueError as exc:
        raise ValueError(f"office hours must look like 07:30-11:30,13:30-17:00, not {text!r}") from exc
    if len(times) != 4 or not (times[0] < times[1] <= times[2] < times[3]):
        raise ValueError(f"office hour sessions must be ordered and non-empty: {text!r}")
    return Hours(*times)


def localise(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("working-time arithmetic needs timezone-aware datetimes")
    return timezone.localtime(moment, timezone.get_default_timezone())


def as_timedelta(amount: Decimal | float | int | dt.timedelta) -> dt.timedelta:
    if isinstance(amount, dt.timedelta):
        return amount
    micro = (Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)) * 3_600_000_000
    return dt.timedelta(microseconds=int(micro.to_integral_value()))
