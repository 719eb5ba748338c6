"""Office hours, the 15:00 receipt cut-off and working-hour arithmetic, with exact figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from egov.calendar import workdays
from egov.calendar.hours import parse_office_hours
from egov.calendar.models import OfficeHours, ReceiptCutoffRule
from egov.calendar.selectors import office_hours_for
from egov.calendar.workdays import WorkingCalendar

from .helpers import at

D, T = dt.date, dt.time


def hours_row(org, since, ms, me, as_, ae):
    return OfficeHours.objects.create(
        organisation=org,
        effective_from=since,
        morning_start=T(*ms),
        morning_end=T(*me),
        afternoon_start=T(*as_),
        afternoon_end=T(*ae),
    )


class TestReceiptStart:
    @pytest.mark.parametrize(
        ("received", "expected"),
        [
            (at(2026, 4, 24, 14, 59, 59), D(2026, 4, 24)),  # Friday, before the cut-off
            (at(2026, 4, 24, 15, 0), D(2026, 4, 28)),  # at 15:00: Sat, Sun, observed 27/4 skipped
            (at(2026, 4, 24, 15, 30), D(2026, 4, 28)),
            (at(2026, 4, 24, 6, 0), D(2026, 4, 24)),  # online before opening counts the same day
            (at(2026, 4, 25, 9, 0), D(2026, 4, 28)),  # Saturday
            (at(2026, 2, 17, 10, 0), D(2026, 2, 23)),  # during Tết
            (at(2026, 8, 22, 10, 0), D(2026, 8, 22)),  # make-up Saturday is a working day
            (at(2026, 8, 22, 15, 0), D(2026, 8, 24)),
            (at(2025, 4, 26, 14, 0), D(2025, 4, 26)),
            (at(2025, 4, 29, 16, 0), D(2025, 5, 5)),  # 30/4, 1/5, 2/5 off
        ],
    )
    def test_cutoff(self, cal, received, expected):
        assert cal.receipt_start(received) == expected

    def test_other_time_zones_are_converted(self, db):
        assert workdays.receipt_start(dt.datetime(2026, 4, 24, 7, 59, tzinfo=dt.UTC)) == D(2026, 4, 24)
        assert workdays.receipt_start(dt.datetime(2026, 4, 24, 8, 0, tzinfo=dt.UTC)) == D(2026, 4, 28)

    def test_naive_datetimes_are_refused(self, cal):
        with pytest.raises(ValueError):
            cal.receipt_start(dt.datetime(2026, 4, 24, 9, 0))

    def test_before_any_rule_the_end_of_the_office_day_applies(self, cal):
        assert cal.receipt_start(at(2018, 6, 20, 16, 59)) == D(2018, 6, 20)
        assert cal.receipt_start(at(2018, 6, 20, 17, 0)) == D(2018, 6, 21)
        assert cal.receipt_start(at(2018, 6, 21, 15, 0)) == D(2018, 6, 22)

    def test_a_new_rule_takes_effect_on_its_date(self, db):
        ReceiptCutoffRule.objects.create(effective_from=D(2027, 1, 1), cutoff=T(16, 0), instrument="Thử nghiệm")
        assert workdays.receipt_start(at(2026, 12, 31, 15, 30)) == D(2027, 1, 4)
        assert workdays.receipt_start(at(2027, 1, 4, 15, 30)) == D(2027, 1, 4)
        assert workdays.receipt_start(at(2027, 1, 4, 16, 0)) == D(2027, 1, 5)

    def test_an_earlier_end_of_day_wins_over_the_cutoff(self, tree):
        hours_row(tree["nd"], D(2026, 1, 1), (7, 0), (11, 0), (13, 0), (14, 30))
        assert workdays.receipt_start(at(2026, 4, 24, 14, 29), tree["nd_stttt"]) == D(2026, 4, 24)
        assert workdays.receipt_start(at(2026, 4, 24, 14, 30), tree["nd_stttt"]) == D(2026, 4, 28)
        assert workdays.receipt_start(at(2026, 4, 24, 14, 30), tree["qt"]) == D(2026, 4, 24)


class TestOfficeHoursResolution:
    def test_settings_default_without_rows(self, tree):
        resolved = office_hours_for(organisation=tree["nd_stttt_vp"], on=D(2026, 3, 10))
        assert resolved.from_settings is True
        assert resolved.hours.sessions() == ((T(7, 30), T(11, 30)), (T(13, 30), T(17, 0)))

    def test_nearest_ancestor_then_platform_default(self, tree):
        platform = hours_row(None, D(2020, 1, 1), (8, 0), (12, 0), (13, 0), (17, 0))
        province = hours_row(tree["nd"], D(2026, 1, 1), (7, 0), (11, 30), (13, 30), (17, 0))
        unit = hours_row(tree["nd_stttt"], D(2026, 6, 1), (7, 30), (11, 30), (14, 0), (17, 30))
        calendar = WorkingCalendar()
        leaf = tree["nd_stttt_vp"]
        assert calendar.office_hours(D(2026, 5, 31), leaf).row_id == province.pk
        assert calendar.office_hours(D(2026, 6, 1), leaf).row_id == unit.pk
        assert calendar.office_hours(D(2025, 12, 31), leaf).row_id == platform.pk
        assert calendar.office_hours(D(2026, 6, 1), tree["qt_stttt"]).row_id == platform.pk
        assert calendar.office_hours(D(2019, 12, 31), leaf).row_id is None  # settings
        resolved = office_hours_for(organisation=leaf, on=D(2026, 6, 1))
        assert resolved.source == tree["nd_stttt"]
        assert resolved.hours.afternoon_start == T(14, 0)

    def test_office_hours_of_one_organisation_are_loaded_once(self, tree, django_assert_num_queries):
        calendar = WorkingCalendar(years=[2026])
        with django_assert_num_queries(1):
            for day in range(1, 29):
                calendar.office_hours(D(2026, 2, day), tree["nd_stttt"])

    def test_parse_setting(self):
        assert parse_office_hours("08:00-12:00, 13:00-17:00").afternoon_start == T(13, 0)
        for bad in ("08:00-12:00", "12:00-08:00,13:00-17:00", "8h-12h,13h-17h", "08:00-12:00,11:00-17:00"):
            with pytest.raises(ValueError):
                parse_office_hours(bad)


class TestWorkingHours:
    @pytest.mark.parametrize(
        ("start", "amount", "expected"),
        [
            (at(2026, 3, 10, 7, 30), 4, at(2026, 3, 10, 11, 30)),  # ends exactly at the end of the morning
            (at(2026, 3, 10, 11, 0), 1, at(2026, 3, 10, 14, 0)),  # across lunch
            (at(2026, 3, 10, 12, 0), 1, at(2026, 3, 10, 14, 30)),  # from lunch: snaps to 13:30
            (at(2026, 3, 10, 6, 0), 1, at(2026, 3, 10, 8, 30)),  # before opening
            (at(2026, 3, 10, 18, 0), 1, at(2026, 3, 11, 8, 30)),  # after closing
            (at(2026, 3, 10, 7, 30), Decimal("7.5"), at(2026, 3, 10, 17, 0)),  # one full day
            (at(2026, 3, 10, 7, 30), 8, at(2026, 3, 11, 8, 0)),
            (at(2026, 3, 10, 9, 0), 0.25, at(2026, 3, 10, 9, 15)),
            (at(2026, 3, 10, 9, 0), dt.timedelta(minutes=90), at(2026, 3, 10, 10, 30)),
            (at(2026, 3, 13, 16, 0), 2, at(2026, 3, 16, 8, 30)),  # Friday to Monday
            (at(2026, 2, 13, 16, 0), 2, at(2026, 2, 23, 8, 30)),  # across Tết
            (at(2026, 8, 21, 16, 0), 2, at(2026, 8, 22, 8, 30)),  # into the make-up Saturday
            (at(2026, 3, 14, 10, 0), 0, at(2026, 3, 14, 10, 0)),  # nothing to add
            (at(2026, 3, 9, 7, 30), Decimal("37.5"), at(2026, 3, 13, 17, 0)),  # a whole week
        ],
    )
    def test_add(self, cal, start, amount, expected):
        assert cal.add_working_hours(start, amount) == expected

    def test_between(self, cal):
        assert cal.working_hours_between(at(2026, 3, 9, 7, 30), at(2026, 3, 13, 17, 0)) == dt.timedelta(hours=37.5)
        assert cal.working_hours_between(at(2026, 2, 13, 16, 0), at(2026, 2, 23, 8, 30)) == dt.timedelta(hours=2)
        assert cal.working_hours_between(at(2026, 3, 10, 11, 0), at(2026, 3, 10, 14, 0)) == dt.timedelta(hours=1)
        assert cal.working_hours_between(at(2026, 3, 10, 14, 0), at(2026, 3, 10, 11, 0)) == dt.timedelta(hours=-1)
        assert cal.working_hours_between(at(2026, 3, 14, 8, 0), at(2026, 3, 15, 17, 0)) == dt.timedelta(0)

    def test_organisation_hours_are_used(self, tree):
        hours_row(tree["nd"], D(2026, 1, 1), (7, 0), (11, 0), (13, 0), (16, 30))
        start = at(2026, 3, 10, 15, 0)
        assert workdays.add_working_hours(start, 2, tree["nd_stttt"]) == at(2026, 3, 11, 7, 30)
        assert workdays.add_working_hours(start, 2, tree["qt"]) == at(2026, 3, 10, 17, 0)
        assert workdays.working_hours_between(at(2026, 3, 10, 0, 0), at(2026, 3, 11, 0, 0), tree["nd"]) == (
            dt.timedelta(hours=7.5)
        )

    def test_results_are_in_local_time_and_negative_amounts_refused(self, cal):
        result = cal.add_working_hours(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), 1)  # 09:00 local
        assert result == at(2026, 3, 10, 10, 0)
        assert result.utcoffset() == dt.timedelta(hours=7)
        with pytest.raises(ValueError):
            cal.add_working_hours(at(2026, 3, 10, 9, 0), -1)
