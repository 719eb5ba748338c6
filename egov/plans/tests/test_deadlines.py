"""Deadlines as plans write them, and the due dates they resolve to on the working calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov.calendar.workdays import WorkingCalendar
from egov.core.errors import ValidationFailed
from egov.plans.deadlines import Deadline, DeadlineError, check_within_plan, parse_deadline, resolve

# A calendar detached from the database: holidays from the package only, no swap table.
CAL = WorkingCalendar(overrides={})


@pytest.mark.parametrize(
    ("text", "kind", "year", "part", "date", "start"),
    [
        ("30/6/2019", "date", 2019, None, dt.date(2019, 6, 30), None),
        ("ngày 05/03/2019", "date", 2019, None, dt.date(2019, 3, 5), None),
        ("2019-09-30", "date", 2019, None, dt.date(2019, 9, 30), None),
        ("15 tháng 8 năm 2019", "date", 2019, None, dt.date(2019, 8, 15), None),
        ("Tháng 9/2019", "month", 2019, 9, None, None),
        ("tháng 3 năm 2019", "month", 2019, 3, None, None),
        ("T12/2020", "month", 2020, 12, None, None),
        ("9/2019", "month", 2019, 9, None, None),
        ("Quý II/2019", "quarter", 2019, 2, None, None),
        ("quý 4 năm 2020", "quarter", 2020, 4, None, None),
        ("Q1/2020", "quarter", 2020, 1, None, None),
        ("Năm 2019", "year", 2019, None, None, None),
        ("2020", "year", 2020, None, None, None),
        ("2019-2020", "year_range", 2020, None, None, 2019),
        ("Giai đoạn 2019 – 2020", "year_range", 2020, None, None, 2019),
        ("2021-2021", "year", 2021, None, None, None),
        ("Thường xuyên", "recurring", 2025, None, None, None),
        ("Thường xuyên đến năm 2025", "recurring", 2025, None, None, None),
        ("Hằng năm", "recurring", 2025, None, None, None),
        ("THUONG XUYEN, 2019-2025", "recurring", 2025, None, None, 2019),
    ],
)
def test_parse_forms(text, kind, year, part, date, start):
    deadline = parse_deadline(text, default_end_year=2025)
    assert (deadline.kind, deadline.last_year, deadline.part, deadline.date, deadline.start_year) == (
        kind,
        year,
        part,
        date,
        start,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Chưa nhập thời gian hoàn thành."),
        ("sớm nhất có thể", "Không đọc được thời gian hoàn thành “sớm nhất có thể”."),
        ("31/2/2019", "Ngày 31/2/2019 không có trên lịch."),
        ("Tháng 13/2019", "Tháng 13 không có: tháng phải từ 1 đến 12."),
        ("2020-2019", "Giai đoạn 2020–2019 kết thúc trước khi bắt đầu."),
    ],
)
def test_parse_errors(text, message):
    with pytest.raises(DeadlineError) as exc:
        parse_deadline(text, default_end_year=2025)
    assert str(exc.value).startswith(message)


def test_recurring_without_end_year_needs_one():
    with pytest.raises(DeadlineError):
        parse_deadline("Thường xuyên", default_end_year=None)


def test_excel_dates_are_dates():
    assert parse_deadline(dt.datetime(2019, 6, 30, 0, 0)) == Deadline("date", date=dt.date(2019, 6, 30))


@pytest.mark.parametrize(
    ("text", "window", "due", "soon"),
    [
        # Sunday 30/6/2019 → Monday 1/7/2019; due soon 5 working days before.
        ("30/6/2019", dt.date(2019, 6, 30), dt.date(2019, 7, 1), dt.date(2019, 6, 24)),
        # September 2019 ends on Monday 30/9.
        ("Tháng 9/2019", dt.date(2019, 9, 1), dt.date(2019, 9, 30), dt.date(2019, 9, 23)),
        # Quarter II/2019 ends Sunday 30/6 → last working day Friday 28/6.
        ("Quý II/2019", dt.date(2019, 4, 1), dt.date(2019, 6, 28), dt.date(2019, 6, 21)),
        # 31/12/2019 is a Tuesday.
        ("Năm 2019", dt.date(2019, 1, 1), dt.date(2019, 12, 31), dt.date(2019, 12, 24)),
        # 31/12/2020 is a Thursday.
        ("2019-2020", dt.date(2019, 1, 1), dt.date(2020, 12, 31), dt.date(2020, 12, 24)),
        # 31/12/2025 is a Wednesday.
        ("Thường xuyên đến năm 2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2025, 12, 24)),
        # 2/9/2019 is National Day (Monday): a date on a holiday moves to Tuesday 3/9.
        ("2/9/2019", dt.date(2019, 9, 2), dt.date(2019, 9, 3), dt.date(2019, 8, 26)),
    ],
)
def test_resolution(text, window, due, soon):
    resolved = resolve(parse_deadline(text, default_end_year=2025), calendar=CAL, due_soon_days=5)
    assert (resolved.window_start, resolved.due_date, resolved.due_soon_from) == (window, due, soon)


def test_april_2026_ends_before_the_holidays():
    # 30/4 and 1/5/2026 are public holidays (Thursday, Friday): April's last working day is Wednesday 29/4.
    resolved = resolve(parse_deadline("Tháng 4/2026"), calendar=CAL, due_soon_days=0)
    assert resolved.due_date == dt.date(2026, 4, 29)
    assert resolved.due_soon_from == dt.date(2026, 4, 29)


def test_check_within_plan():
    check_within_plan(parse_deadline("Thường xuyên", default_end_year=2025), period_start=2019, last_year=2025)
    with pytest.raises(ValidationFailed) as exc:
        check_within_plan(parse_deadline("Tháng 12/2018"), period_start=2019, last_year=2025)
    assert exc.value.field == "deadline"
    assert exc.value.message == "Thời gian hoàn thành “Tháng 12/2018” nằm ngoài giai đoạn của kế hoạch (2019–2025)."
    with pytest.raises(ValidationFailed):
        check_within_plan(parse_deadline("2024-2026"), period_start=2019, last_year=2025)


deadlines = st.one_of(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)).map(lambda d: Deadline("date", date=d)),
    st.builds(lambda y, m: Deadline("month", year=y, part=m), st.integers(2000, 2090), st.integers(1, 12)),
    st.builds(lambda y, q: Deadline("quarter", year=y, part=q), st.integers(2000, 2090), st.integers(1, 4)),
    st.integers(2000, 2090).map(lambda y: Deadline("year", year=y)),
    st.builds(
        lambda a, n: Deadline("year_range", year=a + n, start_year=a), st.integers(2000, 2085), st.integers(1, 5)
    ),
    st.builds(lambda a, n: Deadline("recurring", year=a + n, start_year=a), st.integers(2000, 2085), st.integers(1, 5)),
)


@given(deadlines)
def test_canonical_text_parses_back(deadline):
    assert parse_deadline(deadline.text(), default_end_year=2099) == deadline


@given(deadlines, st.integers(0, 20))
def test_resolved_dates_are_ordered_working_days(deadline, soon_days):
    resolved = resolve(deadline, calendar=CAL, due_soon_days=soon_days)
    first, last = deadline.period()
    assert CAL.is_working_day(resolved.due_date)
    assert resolved.due_soon_from <= resolved.due_date
    assert CAL.working_days_between(resolved.due_soon_from, resolved.due_date) == soon_days
    if deadline.kind == "date":
        # The date itself, or the first working day after it.
        assert resolved.due_date >= last
        assert CAL.count_working_days(last, resolved.due_date) == 1
    else:
        # The last working day of the period.
        assert first <= resolved.due_date <= last
        assert CAL.count_working_days(resolved.due_date, last) == 1
