"""Selectors: the merged year listing, the upcoming days off and the missing make-up days."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.calendar import selectors
from egov.calendar.models import CalendarDay, DayKind
from egov.calendar.workdays import CalendarRangeError

D = dt.date


def test_year_entries_merge_holidays_and_swaps(db):
    entries = selectors.year_entries(year=2025)
    assert [(e.date, e.kind, e.source, e.is_working_day) for e in entries if e.date.month in (4, 5)] == [
        (D(2025, 4, 7), "holiday", "holidays_package", False),
        (D(2025, 4, 26), "working_day", "swap_table", True),
        (D(2025, 4, 30), "holiday", "holidays_package", False),
        (D(2025, 5, 1), "holiday", "holidays_package", False),
        (D(2025, 5, 2), "holiday", "holidays_package", False),
    ]
    swap = next(e for e in entries if e.source == "swap_table")
    assert (swap.weekday, swap.weekday_name, swap.kind_label, swap.source_label) == (
        6,
        "Thứ Bảy",
        "Ngày làm bù",
        "Bảng hoán đổi",
    )
    assert swap.instrument == "Thông báo 6150/TB-BLĐTBXH năm 2024 của Bộ Lao động – Thương binh và Xã hội"
    assert next(e for e in entries if e.date == D(2025, 5, 2)).name == "Ngày nghỉ (thay cho ngày 26/04/2025)"
    assert len(entries) == 14


def test_calendar_days_for_year(db):
    assert [d.date for d in selectors.calendar_days_for_year(year=2019)] == [D(2019, 1, 5), D(2019, 5, 4)]


def test_upcoming_days_off(db):
    upcoming = selectors.upcoming_days_off(D(2026, 4, 24), limit=4)
    assert [(e.date, e.name) for e in upcoming] == [
        (D(2026, 4, 26), "Ngày Giỗ Tổ Hùng Vương"),
        (D(2026, 4, 27), "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),
        (D(2026, 4, 30), "Ngày Chiến thắng"),
        (D(2026, 5, 1), "Ngày Quốc tế Lao động"),
    ]
    CalendarDay.objects.create(date=D(2026, 12, 31), kind=DayKind.DAY_OFF, instrument="Thử nghiệm", note="Nghỉ thêm")
    assert [(e.date, e.name) for e in selectors.upcoming_days_off(D(2026, 11, 25), limit=3)] == [
        (D(2026, 12, 31), "Nghỉ thêm"),
        (D(2027, 1, 1), "Tết Dương lịch"),
        (D(2027, 2, 4), "29 Tết"),
    ]


def test_missing_make_up_days(db):
    assert selectors.missing_make_up_days(year=2025) == []
    assert selectors.missing_make_up_days(year=2027) == []
    CalendarDay.objects.filter(date=D(2025, 4, 26)).delete()
    assert selectors.missing_make_up_days(year=2025) == [(D(2025, 5, 2), D(2025, 4, 26))]


def test_years_out_of_range(db):
    with pytest.raises(CalendarRangeError):
        selectors.year_entries(year=1990)
    with pytest.raises(CalendarRangeError):
        selectors.month_summaries(year=2100)
