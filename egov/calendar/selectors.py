"""Reads of the working calendar. The calendar is public information: no per-organisation scoping."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov.calendar.hours import Hours
from egov.calendar.models import WEEKDAY_NAMES, CalendarDay, DayKind, OfficeHours
from egov.calendar.workdays import MAX_YEAR, MIN_YEAR, WorkingCalendar, public_holidays, range_error
from egov.core.errors import NotFound
from egov.organisations.models import Organisation


class EntryKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày nghỉ lễ, Tết")
    WORKING_DAY = DayKind.WORKING_DAY.value, DayKind.WORKING_DAY.label
    DAY_OFF = DayKind.DAY_OFF.value, DayKind.DAY_OFF.label


class Source(models.TextChoices):
    HOLIDAYS_PACKAGE = "holidays_package", _("Bộ luật Lao động (gói holidays)")
    SWAP_TABLE = "swap_table", _("Bảng hoán đổi")


@dataclass(frozen=True)
class DayEntry:
    """One line of the year listing: a public holiday or a swap-table entry."""

    date: dt.date
    name: str
    kind: str
    source: str
    is_working_day: bool
    instrument: str = ""
    note: str = ""
    calendar_day_id: int | None = None

    @property
    def weekday(self) -> int:
        """ISO weekday: 1 = Monday … 7 = Sunday."""
        return self.date.isoweekday()

    @property
    def weekday_name(self) -> str:
        return str(WEEKDAY_NAMES[self.date.weekday()])

    @property
    def kind_label(self) -> str:
        return str(EntryKind(self.kind).label)

    @property
    def source_label(self) -> str:
        return str(Source(self.source).label)


@dataclass(frozen=True)
class MonthSummary:
    month: int
    days: int
    working_days: int

    @property
    def days_off(self) -> int:
        return self.days - self.working_days


@dataclass(frozen=True)
class ResolvedHours:
    """Office hours in force for an organisation on a day, with the organisation that set them."""

    hours: Hours
    source: Organisation | None  # None: platform default row or settings
    from_settings: bool


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise range_error()


def calendar_days_for_year(*, year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(date__year=year).order_by("date")


def calendar_day_get(*, pk: int) -> CalendarDay:
    day = CalendarDay.objects.filter(pk=pk).first()
    if day is None:
        raise NotFound(gettext("Không tìm thấy ngày hoán đổi."))
    return day


def _swap_name(day: CalendarDay) -> str:
    return day.note or str(day.get_kind_display())


def year_entries(*, year: int, calendar: WorkingCalendar | None = None) -> list[DayEntry]:
    """Public holidays and swap-table entries of a year, merged and in date order."""
    _check_year(year)
    calendar = calendar or WorkingCalendar(years=[year])
    entries = [
        DayEntry(
            date=day,
            name=name,
            kind=EntryKind.HOLIDAY,
            source=Source.HOLIDAYS_PACKAGE,
            is_working_day=calendar.is_working_day(day),
        )
        for day, name in public_holidays(year).items()
    ]
    entries += [
        DayEntry(
            date=row.date,
            name=_swap_name(row),
            kind=row.kind,
            source=Source.SWAP_TABLE,
            is_working_day=calendar.is_working_day(row.date),
            instrument=row.instrument,
            note=row.note,
            calendar_day_id=row.pk,
        )
        for row in calendar_days_for_year(year=year)
    ]
    # A holiday sorts before a swap entry of the same day (which should not exist, but may be seeded).
    return sorted(entries, key=lambda e: (e.date, e.source != Source.HOLIDAYS_PACKAGE))


def month_summaries(*, year: int, calendar: WorkingCalendar | None = None) -> list[MonthSummary]:
    _check_year(year)
    calendar = calendar or WorkingCalendar(years=[year])
    summaries = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = (dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)) - dt.timedelta(days=1)
        summaries.append(
            MonthSummary(month=month, days=last.day, working_days=calendar.count_working_days(first, last))
        )
    return summaries


# The package names a swapped day off "Ngày nghỉ (thay cho ngày 26/04/2025)": the date is the make-up day.
_SWAPPED_FROM = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")


def missing_make_up_days(*, year: int) -> list[tuple[dt.date, dt.date]]:
    """(day off, make-up day) pairs the package announces whose make-up day is not in the swap table."""
    _check_year(year)
    pairs = []
    for day, name in public_holidays(year).items():
        match = _SWAPPED_FROM.search(name)
        if match:
            d, m, y = (int(g) for g in match.groups())
            pairs.append((day, dt.date(y, m, d)))
    if not pairs:
        return []
    known = set(
        CalendarDay.objects.filter(date__in=[make_up for _off, make_up in pairs], kind=DayKind.WORKING_DAY).values_list(
            "date", flat=True
        )
    )
    return sorted((off, make_up) for off, make_up in pairs if make_up not in known)


def upcoming_days_off(today: dt.date, limit: int = 3, *, calendar: WorkingCalendar | None = None) -> list[DayEntry]:
    """The next holidays and extra days off after `today` (weekends aside), at most `limit`, within a year."""
    calendar = calendar or WorkingCalendar(years=[today.year, min(MAX_YEAR, today.year + 1)])
    horizon = today + dt.timedelta(days=366)
    found: list[DayEntry] = []
    for year in range(today.year, min(MAX_YEAR, horizon.year) + 1):
        for entry in year_entries(year=year, calendar=calendar):
            if (
                today < entry.date <= horizon
                and not entry.is_working_day
                and (entry.kind != EntryKind.WORKING_DAY)
                and all(e.date != entry.date for e in found)
            ):
                found.append(entry)
                if len(found) == limit:
                    return found
    return found


def office_hours_for(
    *, organisation: Organisation | None, on: dt.date, calendar: WorkingCalendar | None = None
) -> ResolvedHours:
    """The office hours in force on `on`, resolved through the organisation's ancestors."""
    hours = (calendar or WorkingCalendar()).office_hours(on, organisation)
    source = None
    if hours.organisation_id is not None:
        source = (
            organisation
            if organisation is not None and organisation.pk == hours.organisation_id
            else (Organisation.objects.filter(pk=hours.organisation_id).first())
        )
    return ResolvedHours(hours=hours, source=source, from_settings=hours.row_id is None)


def office_hours_rows(*, organisation: Organisation | None) -> QuerySet[OfficeHours]:
    """The organisation's own rows (None: the platform default rows), latest first."""
    qs = (
        OfficeHours.objects.filter(organisation=organisation)
        if organisation is not None
        else (OfficeHours.objects.filter(organisation__isnull=True))
    )
    return qs.order_by("-effective_from")


def office_hours_get(*, pk: int) -> OfficeHours:
    row = OfficeHours.objects.select_related("organisation").filter(pk=pk).first()
    if row is None:
        raise NotFound(gettext("Không tìm thấy giờ làm việc."))
    return row
