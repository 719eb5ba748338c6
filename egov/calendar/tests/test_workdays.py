"""Working-day arithmetic against the real 2025 and 2026 calendars, figures checked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.calendar import workdays
from egov.calendar.models import CalendarDay, DayKind, ReceiptCutoffRule
from egov.calendar.selectors import month_summaries
from egov.calendar.workdays import CalendarRangeError, WorkingCalendar

from .helpers import SEEDED_CUTOFFS, SEEDED_SWAPS

D = dt.date

DAYS_OFF_2026 = [
    D(2026, 1, 1),
    D(2026, 2, 16),
    D(2026, 2, 17),
    D(2026, 2, 18),
    D(2026, 2, 19),
    D(2026, 2, 20),
    D(2026, 4, 27),
    D(2026, 4, 30),
    D(2026, 5, 1),
    D(2026, 8, 31),
    D(2026, 9, 1),
    D(2026, 9, 2),
    D(2026, 11, 24),
]
DAYS_OFF_2025 = [
    D(2025, 1, 1),
    D(2025, 1, 27),
    D(2025, 1, 28),
    D(2025, 1, 29),
    D(2025, 1, 30),
    D(2025, 1, 31),
    D(2025, 4, 7),
    D(2025, 4, 30),
    D(2025, 5, 1),
    D(2025, 5, 2),
    D(2025, 9, 1),
    D(2025, 9, 2),
]

# Weekdays minus weekday holidays plus make-up Saturdays, month by month (see docs/calendar.md).
MONTHS_2026 = [21, 15, 22, 20, 20, 22, 23, 21, 20, 22, 20, 23]
MONTHS_2025 = [17, 20, 21, 21, 20, 21, 23, 21, 20, 23, 20, 23]


def test_migrations_seed_the_make_up_days_and_cutoff_rules(db):
    assert dict(CalendarDay.objects.values_list("date", "kind")) == SEEDED_SWAPS
    assert list(ReceiptCutoffRule.objects.order_by("effective_from").values_list("effective_from", "cutoff")) == (
        SEEDED_CUTOFFS
    )
    assert list(ReceiptCutoffRule.objects.order_by("effective_from").values_list("instrument", flat=True)) == [
        "Nghị định 61/2018/NĐ-CP",
        "Nghị định 118/2025/NĐ-CP",
    ]


@pytest.mark.parametrize("day", DAYS_OFF_2026 + DAYS_OFF_2025)
def test_weekday_holidays_and_swapped_days_are_off(cal, day):
    assert day.weekday() < 5
    assert cal.is_working_day(day) is False


@pytest.mark.parametrize("day", [D(2026, 8, 22), D(2025, 4, 26)])
def test_make_up_saturdays_are_working_days(cal, day):
    assert day.weekday() == 5
    assert cal.is_working_day(day) is True


def test_holiday_on_sunday_and_ordinary_days(cal):
    assert cal.is_working_day(D(2026, 4, 26)) is False  # Hùng Kings' Day, a Sunday
    assert cal.is_working_day(D(2026, 4, 28)) is True
    assert cal.is_working_day(D(2026, 8, 29)) is False  # an ordinary Saturday
    assert cal.is_working_day(D(2025, 2, 1)) is False  # Saturday, 4th day of Tết


def test_year_totals(cal):
    assert cal.working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == 249
    assert cal.working_days_between(D(2025, 1, 1), D(2025, 12, 31)) == 250
    assert cal.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 249
    assert cal.working_days_between(D(2026, 12, 31), D(2025, 12, 31)) == -249


def test_month_counts(cal):
    assert [m.working_days for m in month_summaries(year=2026, calendar=cal)] == MONTHS_2026
    assert [m.working_days for m in month_summaries(year=2025, calendar=cal)] == MONTHS_2025
    assert [m.days_off for m in month_summaries(year=2026, calendar=cal)][:2] == [10, 13]


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 2, 13), 1, D(2026, 2, 23)),  # over Tết
        (D(2026, 2, 13), 0, D(2026, 2, 13)),
        (D(2026, 2, 14), 0, D(2026, 2, 14)),  # n = 0 is the start even on a Saturday
        (D(2026, 2, 23), -1, D(2026, 2, 13)),
        (D(2026, 4, 24), 1, D(2026, 4, 28)),  # 27/4 observed Hùng Kings' Day
        (D(2026, 4, 24), 2, D(2026, 4, 29)),
        (D(2026, 4, 24), 3, D(2026, 5, 4)),  # 30/4 and 1/5 off
        (D(2026, 8, 21), 1, D(2026, 8, 22)),  # make-up Saturday
        (D(2026, 8, 28), 1, D(2026, 9, 3)),  # 31/8 swapped, 1–2/9 National Day
        (D(2026, 11, 23), 1, D(2026, 11, 25)),  # 24/11 Vietnamese Culture Day
        (D(2025, 4, 25), 1, D(2025, 4, 26)),
        (D(2025, 4, 29), 1, D(2025, 5, 5)),
        (D(2025, 1, 24), 1, D(2025, 2, 3)),  # Tết 2025: 27/1–31/1 off
        (D(2025, 12, 31), 1, D(2026, 1, 2)),  # across New Year
        (D(2026, 1, 2), -1, D(2025, 12, 31)),
        (D(2026, 1, 1), 249, D(2026, 12, 31)),
        (D(2026, 1, 1), 250, D(2027, 1, 4)),  # 1/1/2027 is a Friday holiday
    ],
)
def test_add_working_days(cal, start, n, expected):
    assert cal.add_working_days(start, n) == expected
    assert workdays.add_working_days(start, n) == expected


def test_next_and_previous_are_strict(cal):
    assert cal.next_working_day(D(2026, 3, 10)) == D(2026, 3, 11)
    assert cal.previous_working_day(D(2026, 3, 10)) == D(2026, 3, 9)
    assert workdays.next_working_day(D(2026, 2, 15)) == D(2026, 2, 23)
    assert workdays.previous_working_day(D(2026, 2, 23)) == D(2026, 2, 13)


def test_between_counts_the_end_not_the_start(cal):
    assert cal.working_days_between(D(2026, 3, 9), D(2026, 3, 9)) == 0
    assert cal.working_days_between(D(2026, 3, 9), D(2026, 3, 13)) == 4
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert workdays.working_days_between(D(2026, 2, 23), D(2026, 2, 13)) == -1


def test_swap_table_edits_apply_to_new_calendars(db):
    day = D(2027, 1, 9)  # a Saturday
    assert workdays.is_working_day(day) is False
    CalendarDay.objects.create(date=day, kind=DayKind.WORKING_DAY, instrument="Thử nghiệm")
    CalendarDay.objects.create(date=D(2027, 1, 8), kind=DayKind.DAY_OFF, instrument="Thử nghiệm")
    assert workdays.is_working_day(day) is True
    assert workdays.is_working_day(D(2027, 1, 8)) is False
    assert workdays.add_working_days(D(2027, 1, 7), 1) == day


def test_database_and_detached_calendars_agree(cal):
    detached = WorkingCalendar(overrides=SEEDED_SWAPS, cutoffs=SEEDED_CUTOFFS)
    for year in (2019, 2024, 2025, 2026, 2027):
        first = D(year, 1, 1)
        assert [cal.add_working_days(first, n) for n in range(0, 260, 7)] == [
            detached.add_working_days(first, n) for n in range(0, 260, 7)
        ]


def test_large_spans_stay_exact(cal):
    # 10 years forward and back again, across lazily loaded years.
    end = cal.add_working_days(D(2026, 1, 2), 2500)
    assert cal.working_days_between(D(2026, 1, 2), end) == 2500
    assert cal.add_working_days(end, -2500) == D(2026, 1, 2)


def test_bulk_use_of_one_calendar_queries_once(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = WorkingCalendar()
        results = [calendar.add_working_days(D(2026, 1, 1) + dt.timedelta(days=i % 365), i % 61) for i in range(10_000)]
    assert results[0] == D(2026, 1, 1)
    assert results[61] == D(2026, 3, 3)  # n = 0
    assert results[44] == D(2026, 4, 23)  # Saturday 14/2 + 44 working days; Tết skipped, 23/2 is the first


def test_dates_outside_the_supported_years_are_refused(cal):
    with pytest.raises(CalendarRangeError):
        cal.is_working_day(D(1990, 1, 2))
    with pytest.raises(CalendarRangeError):
        cal.add_working_days(D(2099, 12, 1), 60)
    with pytest.raises(CalendarRangeError):
        cal.add_working_days(D(1995, 1, 10), -30)


def test_datetimes_are_read_in_local_time(cal):
    # 17:30 UTC on 27/4 is 00:30 on 28/4 in Hà Nội, a working day.
    moment = dt.datetime(2026, 4, 27, 17, 30, tzinfo=dt.UTC)
    assert cal.is_working_day(moment) is True
    with pytest.raises(ValueError):
        cal.is_working_day(dt.datetime(2026, 4, 28, 9, 0))
