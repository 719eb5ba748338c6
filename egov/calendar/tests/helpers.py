"""Calendar test helpers: the seeded swap table as data, and a calendar built from it without a database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from egov.calendar.workdays import WorkingCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# What migration 0002 seeds: the make-up Saturdays the holidays package does not list.
SEEDED_SWAPS = {
    dt.date(2019, 1, 5): "working_day",
    dt.date(2019, 5, 4): "working_day",
    dt.date(2024, 5, 4): "working_day",
    dt.date(2025, 4, 26): "working_day",
    dt.date(2026, 8, 22): "working_day",
}
SEEDED_CUTOFFS = [(dt.date(2018, 6, 21), dt.time(15, 0)), (dt.date(2025, 7, 1), dt.time(15, 0))]


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    """An aware datetime on Vietnamese wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VN)


def detached_calendar() -> WorkingCalendar:
    """The seeded national calendar, computed without touching the database."""
    return WorkingCalendar(overrides=SEEDED_SWAPS, cutoffs=SEEDED_CUTOFFS)
