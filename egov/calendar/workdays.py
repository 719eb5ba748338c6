"""Business-day and business-hour arithmetic (ngày làm việc, giờ hành chính) behind every deadline.

A working day is Monday–Friday that is neither a public holiday (the `holidays` package, which follows
the Labour Code) nor a `day_off` entry of the swap table, or any day with a `working_day` entry (the
make-up Saturdays the package does not know). A `WorkingCalendar` keeps, for a contiguous range of
years, the sorted ordinals of the working days, so counting and stepping are bisections, not loops.
Build one calendar for a batch of deadlines; the module-level functions build a fresh one per call.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

import holidays
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.calendar.hours import ZERO, Hours, as_timedelta, localise, parse_office_hours
from egov.calendar.models import CalendarDay, DayKind, OfficeHours, ReceiptCutoffRule
from egov.core.errors import DomainError

if TYPE_CHECKING:
    from decimal import Decimal

    from egov.organisations.models import Organisation

# The package's rules start with the 1994 Labour Code and its lunar tables end in 2100.
MIN_YEAR, MAX_YEAR = 1995, 2099
# A year has about 250 working days; fewer is assumed so one extension is usually enough.
_MIN_WORKING_DAYS_PER_YEAR = 240


class CalendarRangeError(DomainError, ValueError):
    """A date outside the years the calendar can compute."""

    status = 422
    code = "out_of_calendar_range"


def range_error() -> CalendarRangeError:
    return CalendarRangeError(
        _("Lịch làm việc chỉ tính được từ năm %(lo)d đến năm %(hi)d.") % {"lo": MIN_YEAR, "hi": MAX_YEAR}
    )


@lru_cache(maxsize=256)
def public_holidays(year: int) -> Mapping[dt.date, str]:
    """Public holidays of one year with their Vietnamese names; immutable, so cached per process."""
    return MappingProxyType(dict(holidays.country_holidays("VN", years=year, language="vi")))


@lru_cache(maxsize=512)
def _working_ordinals(year: int, overrides: tuple[tuple[dt.date, str], ...]) -> tuple[int, ...]:
    """The working days of a year as ordinals, for one set of that year's swap entries (cached per process:
    every request builds a calendar, and the answer only changes when the swap table does)."""
    closed = public_holidays(year)
    kinds = dict(overrides)
    first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    weekday = dt.date(year, 1, 1).weekday()
    days = []
    for ordinal in range(first, last + 1):
        day = dt.date.fromordinal(ordinal)
        kind = kinds.get(day)
        if kind == DayKind.WORKING_DAY or (kind != DayKind.DAY_OFF and weekday < 5 and day not in closed):
            days.append(ordinal)
        weekday = (weekday + 1) % 7
    return tuple(days)


def _as_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return localise(value).date()
    return value


class WorkingCalendar:
    """The national working calendar plus office hours, loaded lazily and cached for the object's life.

    `overrides` (date → DayKind value) makes a calendar that never touches the database: its office
    hours come from settings and its receipt cut-offs from `cutoffs`.
    """

    def __init__(
        self,
        *,
        overrides: Mapping[dt.date, str] | None = None,
        cutoffs: Sequence[tuple[dt.date, dt.time]] = (),
        years: Iterable[int] | None = None,
    ) -> None:
        self._detached = overrides is not None
        self._overrides: dict[dt.date, str] = dict(overrides or {})
        self._lo: int | None = None
        self._hi: int | None = None
        self._year_days: dict[int, list[int]] = {}
        self._days: list[int] = []
        self._hours: dict[int | None, list[list[Hours]]] = {}
        self._cutoffs: list[tuple[dt.date, dt.time]] | None = sorted(cutoffs) if self._detached else None
        if years:
            years = list(years)
            self._ensure(min(years), max(years))

    # --- loading ----------------------------------------------------------------------------------
    def _ensure(self, lo: int, hi: int) -> None:
        """Make the years lo..hi available, querying the swap table once for those not yet loaded."""
        if lo < MIN_YEAR or hi > MAX_YEAR:
            raise range_error()
        if self._lo is not None and self._lo <= lo and hi <= self._hi:
            return
        if self._lo is None:
            # Deadlines cross New Year often enough that loading the neighbours up front saves a query.
            lo, hi = max(MIN_YEAR, lo - 1), min(MAX_YEAR, hi + 1)
            missing = [(lo, hi)]
        else:
            lo, hi = min(lo, self._lo), max(hi, self._hi)
            missing = [seg for seg in ((lo, self._lo - 1), (self._hi + 1, hi)) if seg[0] <= seg[1]]
        if not self._detached:
            query = Q()
            for first, last in missing:
                query |= Q(date__range=(dt.date(first, 1, 1), dt.date(last, 12, 31)))
            self._overrides.update(CalendarDay.objects.filter(query).values_list("date", "kind"))
        for first, last in missing:
            for year in range(first, last + 1):
                self._year_days[year] = self._compute_year(year)
        self._lo, self._hi = lo, hi
        self._days = [o for year in range(lo, hi + 1) for o in self._year_days[year]]

    def _compute_year(self, year: int) -> list[int]:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        in_year = tuple(sorted((d, k) for d, k in self._overrides.items() if first <= d <= last))
        return list(_working_ordinals(year, in_year))

    def _span(self, *values: dt.date) -> list[int]:
        years = [v.year for v in values]
        self._ensure(min(years), max(years))
        return self._days

    # --- days -------------------------------------------------------------------------------------
    def is_working_day(self, day: dt.date) -> bool:
        day = _as_date(day)
        days = self._span(day)
        i = bisect_left(days, day.toordinal())
        return i < len(days) and days[i] == day.toordinal()

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date n working days after start (start not counted); n < 0 goes back, n = 0 is start."""
        start = _as_date(start)
        days = self._span(start)
        if n == 0:
            return start
        ordinal = start.toordinal()
        while True:
            # Index of the answer among the loaded working days.
            target = bisect_right(days, ordinal) + n - 1 if n > 0 else bisect_left(days, ordinal) + n
            if 0 <= target < len(days):
                return dt.date.fromordinal(days[target])
            years = (abs(n) // _MIN_WORKING_DAYS_PER_YEAR) + 1
            if target >= len(days):
                if self._hi >= MAX_YEAR:
                    raise range_error()
                self._ensure(self._lo, min(MAX_YEAR, self._hi + years))
            else:
                if self._lo <= MIN_YEAR:
                    raise range_error()
                self._ensure(max(MIN_YEAR, self._lo - years), self._hi)
            days = self._days

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]; negative when b is before a."""
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        days = self._span(a, b)
        return bisect_right(days, b.toordinal()) - bisect_right(days, a.toordinal())

    def count_working_days(self, first: dt.date, last: dt.date) -> int:
        """Working days in [first, last] (0 when last is before first)."""
        if last < first:
            return 0
        days = self._span(first, last)
        return bisect_right(days, last.toordinal()) - bisect_left(days, first.toordinal())

    def next_working_day(self, day: dt.date) -> dt.date:
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: dt.date) -> dt.date:
        return self.add_working_days(day, -1)

    def holiday_name(self, day: dt.date) -> str | None:
        return public_holidays(day.year).get(day)

    def override(self, day: dt.date) -> str | None:
        self._span(day)
        return self._overrides.get(day)

    # --- office hours and receipt -----------------------------------------------------------------
    def office_hours(self, day: dt.date, organisation: Organisation | None = None) -> Hours:
        """Hours in force on `day`: the organisation's, else its nearest ancestor's, else the platform's."""
        for level in self._hours_levels(organisation):
            i = bisect_right([h.effective_from for h in level], day)
            if i:
                return level[i - 1]
        return parse_office_hours(settings.EGOV_DEFAULT_OFFICE_HOURS)

    def _hours_levels(self, organisation: Organisation | None) -> list[list[Hours]]:
        key = organisation.pk if organisation is not None else None
        if key in self._hours:
            return self._hours[key]
        levels: list[list[Hours]] = []
        if not self._detached:
            paths = [*organisation.ancestor_paths(), organisation.path] if organisation is not None else []
            rows = (
                OfficeHours.objects.filter(Q(organisation__isnull=True) | Q(organisation__path__in=paths))
                .order_by("effective_from")
                .values_list(
                    "organisation__path",
                    "pk",
                    "organisation_id",
                    "effective_from",
                    "morning_start",
                    "morning_end",
                    "afternoon_start",
                    "afternoon_end",
                )
            )
            by_path: dict[str | None, list[Hours]] = {}
            for path, pk, org_id, since, *times in rows:
                by_path.setdefault(path, []).append(
                    Hours(*times, effective_from=since, organisation_id=org_id, row_id=pk)
                )
            # Nearest first: the organisation itself, its ancestors upwards, then the platform default.
            levels = [by_path[p] for p in [*reversed(paths), None] if p in by_path]
        self._hours[key] = levels
        return levels

    def receipt_cutoff(self, day: dt.date) -> dt.time | None:
        """The receipt cut-off time in force on `day` (latest rule effective on or before it)."""
        if self._cutoffs is None:
            self._cutoffs = list(
                ReceiptCutoffRule.objects.order_by("effective_from").values_list("effective_from", "cutoff")
            )
        i = bisect_right([since for since, _cut in self._cutoffs], day)
        return self._cutoffs[i - 1][1] if i else None

    def receipt_start(self, received_at: dt.datetime, organisation: Organisation | None = None) -> dt.date:
        """The day a processing clock starts from for something received at `received_at`.

        Received on a working day before the cut-off → that day. Otherwise (at or after the cut-off, on
        a non-working day) → the next working day. The cut-off is the rule in force (15:00 under Decree
        61/2018 and Decree 118/2025), or the end of the office day when that is earlier or no rule applies.
        A receipt before the office opens (online, at night) still counts from that working day.
        """
        local = localise(received_at)
        day = local.date()
        if not self.is_working_day(day):
            return self.next_working_day(day)
        limit = self.office_hours(day, organisation).afternoon_end
        cutoff = self.receipt_cutoff(day)
        if cutoff is not None:
            limit = min(limit, cutoff)
        return day if local.time() < limit else self.next_working_day(day)

    def _sessions(self, day: dt.date, organisation: Organisation | None) -> list[tuple[dt.datetime, dt.datetime]]:
        tz = timezone.get_default_timezone()
        return [
            (dt.datetime.combine(day, start, tz), dt.datetime.combine(day, end, tz))
            for start, end in self.office_hours(day, organisation).sessions()
        ]

    def add_working_hours(
        self,
        start: dt.datetime,
        hours: Decimal | float | int | dt.timedelta,
        organisation: Organisation | None = None,
    ) -> dt.datetime:
        """The earliest moment at which `hours` of office time have passed since `start`.

        Only the sessions of working days count; a start outside them snaps to the next session, and an
        amount that ends exactly at the end of a session returns that end (11:30, not 13:30).
        """
        amount = as_timedelta(hours)
        if amount < ZERO:
            raise ValueError("add_working_hours counts forwards only")
        moment = localise(start)
        if amount == ZERO:
            return moment
        day = moment.date()
        floor: dt.datetime | None = moment
        if not self.is_working_day(day):
            day, floor = self.next_working_day(day), None
        while True:
            for begin, end in self._sessions(day, organisation):
                if floor is not None and floor >= end:
                    continue
                if floor is not None and floor > begin:
                    begin = floor
                if amount <= end - begin:
                    return begin + amount
                amount -= end - begin
            day, floor = self.next_working_day(day), None

    def working_hours_between(
        self, a: dt.datetime, b: dt.datetime, organisation: Organisation | None = None
    ) -> dt.timedelta:
        """Office time of working days within [a, b]; negative when b is before a."""
        a, b = localise(a), localise(b)
        if b < a:
            return -self.working_hours_between(b, a, organisation)
        days = self._span(a.date(), b.date())
        total = ZERO
        for ordinal in days[bisect_left(days, a.date().toordinal()) : bisect_right(days, b.date().toordinal())]:
            for begin, end in self._sessions(dt.date.fromordinal(ordinal), organisation):
                low, high = max(begin, a), min(end, b)
                if high > low:
                    total += high - low
        return total


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    return calendar if calendar is not None else WorkingCalendar()


def is_working_day(day: dt.date, *, calendar: WorkingCalendar | None = None) -> bool:
    return _calendar(calendar).is_working_day(day)


def next_working_day(day: dt.date, *, calendar: WorkingCalendar | None = None) -> dt.date:
    """The first working day strictly after `day`."""
    return _calendar(calendar).next_working_day(day)


def previous_working_day(day: dt.date, *, calendar: WorkingCalendar | None = None) -> dt.date:
    """The last working day strictly before `day`."""
    return _calendar(calendar).previous_working_day(day)


def add_working_days(start: dt.date, n: int, *, calendar: WorkingCalendar | None = None) -> dt.date:
    """Hạn = ngày tiếp nhận + n ngày làm việc: start itself is not counted; n = 0 returns start."""
    return _calendar(calendar).add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date, *, calendar: WorkingCalendar | None = None) -> int:
    """Working days in (a, b]; `working_days_between(d, add_working_days(d, n)) == n` for n ≥ 0."""
    return _calendar(calendar).working_days_between(a, b)


def receipt_start(
    received_at: dt.datetime,
    organisation: Organisation | None = None,
    *,
    calendar: WorkingCalendar | None = None,
) -> dt.date:
    """Before the cut-off on a working day → that day; otherwise the next working day."""
    return _calendar(calendar).receipt_start(received_at, organisation)


def add_working_hours(
    start: dt.datetime,
    hours: Decimal | float | int | dt.timedelta,
    organisation: Organisation | None = None,
    *,
    calendar: WorkingCalendar | None = None,
) -> dt.datetime:
    return _calendar(calendar).add_working_hours(start, hours, organisation)


def working_hours_between(
    a: dt.datetime,
    b: dt.datetime,
    organisation: Organisation | None = None,
    *,
    calendar: WorkingCalendar | None = None,
) -> dt.timedelta:
    return _calendar(calendar).working_hours_between(a, b, organisation)
