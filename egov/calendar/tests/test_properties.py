"""Properties of the arithmetic over the whole supported range, on a calendar built without a database."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from egov.calendar.workdays import public_holidays

from .helpers import SEEDED_SWAPS, VN, detached_calendar

CAL = detached_calendar()
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2095, 12, 31))
steps = st.integers(min_value=0, max_value=400)
moments = st.builds(
    lambda day, minute: dt.datetime.combine(day, dt.time(), VN) + dt.timedelta(minutes=minute),
    days,
    st.integers(min_value=0, max_value=24 * 60 - 1),
)
amounts = st.integers(min_value=0, max_value=200 * 60).map(lambda m: dt.timedelta(minutes=m))
props = settings(deadline=None, max_examples=200)


def reference_is_working(day: dt.date) -> bool:
    """The rule, stated plainly and independently of the bisect machinery."""
    kind = SEEDED_SWAPS.get(day)
    if kind is not None:
        return kind == "working_day"
    return day.weekday() < 5 and day not in public_holidays(day.year)


def reference_add(start: dt.date, n: int) -> dt.date:
    day, step = start, 1 if n > 0 else -1
    for _ in range(abs(n)):
        day += dt.timedelta(days=step)
        while not reference_is_working(day):
            day += dt.timedelta(days=step)
    return day


@props
@given(days, steps)
def test_between_inverts_add(day, n):
    assert CAL.working_days_between(day, CAL.add_working_days(day, n)) == n


@props
@given(days, st.integers(min_value=-60, max_value=60))
def test_add_matches_a_day_by_day_walk(day, n):
    assert CAL.add_working_days(day, n) == reference_add(day, n)


@props
@given(days)
def test_is_working_day_matches_the_rule(day):
    assert CAL.is_working_day(day) is reference_is_working(day)


@props
@given(days, steps, steps)
def test_add_is_monotonic_in_n(day, n1, n2):
    low, high = sorted((n1, n2))
    assert CAL.add_working_days(day, low) <= CAL.add_working_days(day, high)
    if low < high:
        assert CAL.add_working_days(day, low) < CAL.add_working_days(day, high)


@props
@given(days, days, steps)
def test_add_is_monotonic_in_start(d1, d2, n):
    early, late = sorted((d1, d2))
    assert CAL.add_working_days(early, n) <= CAL.add_working_days(late, n)


@props
@given(days, st.integers(min_value=1, max_value=400))
def test_result_is_a_working_day(day, n):
    assert CAL.is_working_day(CAL.add_working_days(day, n))
    assert CAL.is_working_day(CAL.add_working_days(day, -n))


@props
@given(days, steps)
def test_add_then_subtract_returns_to_a_working_day(day, n):
    start = CAL.next_working_day(day)
    assert CAL.add_working_days(CAL.add_working_days(start, n), -n) == start


@props
@given(days, days)
def test_between_is_antisymmetric(a, b):
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)


@props
@given(moments, amounts)
def test_hours_between_inverts_add_hours(start, amount):
    end = CAL.add_working_hours(start, amount)
    assert end >= start
    assert CAL.working_hours_between(start, end) == amount


@props
@given(moments, amounts.filter(bool))
def test_add_hours_ends_inside_a_session_of_a_working_day(start, amount):
    end = CAL.add_working_hours(start, amount)
    assert CAL.is_working_day(end.date())
    hours = CAL.office_hours(end.date())
    assert any(begin < end.time() <= finish for begin, finish in hours.sessions())


@props
@given(moments)
def test_receipt_start_is_a_working_day_not_before_the_receipt(received):
    start = CAL.receipt_start(received)
    assert CAL.is_working_day(start)
    assert received.date() <= start <= CAL.next_working_day(received.date())
