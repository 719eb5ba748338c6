"""Deadlines from the working calendar: the 15:00 cut-off, holidays, working hours, the dated rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from egov.services.dossiers import clock
from egov.services.dossiers.codes import next_code, parse_code
from egov.services.models import TimeUnit
from egov.services.tests.factories import make_procedure

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(
    ("received", "counted_from", "due"),
    [
        # Monday morning; 24/11 is Ngày Văn hóa Việt Nam (a holiday from 2026): 25, 26, 27 → Friday 17:00.
        (local(2026, 11, 23, 10, 0), dt.date(2026, 11, 23), local(2026, 11, 27, 17, 0)),
        # At 15:00 or later: counted from the next working day (Wednesday, past the holiday).
        (local(2026, 11, 23, 15, 0), dt.date(2026, 11, 25), local(2026, 11, 30, 17, 0)),
        # Online on a Saturday night: from Monday.
        (local(2026, 11, 28, 22, 0), dt.date(2026, 11, 30), local(2026, 12, 3, 17, 0)),
    ],
)
def test_due_in_working_days(agency, received, counted_from, due):
    version = make_procedure(processing_time=3)
    assert clock.due_at(version, received, agency.org) == (counted_from, due)


def test_due_in_working_hours_runs_through_office_sessions(agency):
    version = make_procedure(processing_time=8, time_unit=TimeUnit.WORKING_HOURS)
    # Wednesday 9:00: 2.5 h to 11:30, 3.5 h from 13:30 to 17:00, then 2 h on Thursday from 7:30.
    assert clock.due_at(version, local(2026, 11, 25, 9, 0), agency.org) == (
        dt.date(2026, 11, 25),
        local(2026, 11, 26, 9, 30),
    )
    # After the cut-off the hours start at Thursday's opening: 7.5 h on Thursday, 30 min on Friday.
    assert clock.due_at(version, local(2026, 11, 25, 16, 0), agency.org)[1] == local(2026, 11, 27, 8, 0)


def test_step_budget_in_days_is_office_hours(agency):
    # Half a day of a 7.5-hour office day, 3 h 45 min: 3 h 30 min to 11:30, then 15 min from 13:30.
    assert clock.step_due(Decimal("0.5"), local(2026, 11, 25, 8, 0), agency.org) == local(2026, 11, 25, 13, 45)


def test_a_pause_pushes_the_due_date_by_the_office_time_it_lasted(agency):
    due = local(2026, 11, 27, 17, 0)
    # Paused Wednesday 16:00, resumed Thursday 8:30: 1 h on Wednesday + 1 h on Thursday.
    assert clock.extend_by_pause(due, local(2026, 11, 25, 16, 0), local(2026, 11, 26, 8, 30), agency.org) == local(
        2026, 11, 30, 9, 30
    )


def test_supplement_window_is_three_working_days(agency):
    received = local(2026, 11, 23, 10, 0)
    assert clock.within_supplement_window(received, local(2026, 11, 27, 16, 59), agency.org) is True
    assert clock.within_supplement_window(received, local(2026, 11, 30, 8, 0), agency.org) is False


def test_rules_are_dated_rows():
    assert clock.rule_in_force(dt.date(2025, 6, 30)).instrument == "Nghị định 61/2018/NĐ-CP"
    assert clock.rule_in_force(dt.date(2026, 11, 23)).instrument == "Nghị định 118/2025/NĐ-CP"
    with pytest.raises(Exception, match="Chưa có quy định"):
        clock.rule_in_force(dt.date(2018, 1, 1))


def test_classify(agency):
    from types import SimpleNamespace

    due = local(2026, 11, 27, 17, 0)
    d = SimpleNamespace(due_at=due, resolved_at=local(2026, 11, 26, 9, 0))
    assert clock.classify(d) == "early"
    d.resolved_at = local(2026, 11, 27, 16, 0)
    assert clock.classify(d) == "on_time"
    d.resolved_at = local(2026, 11, 27, 17, 1)
    assert clock.classify(d) == "late"
    d.resolved_at = None
    assert clock.classify(d, local(2026, 11, 27, 17, 0)) == "within"
    assert clock.classify(d, local(2026, 11, 30, 7, 0)) == "overdue"


def test_codes_run_per_agency_and_day(agency):
    from django.db import transaction

    with transaction.atomic():
        first = next_code(agency.org, dt.date(2026, 11, 23))
        second = next_code(agency.org, dt.date(2026, 11, 23))
        other_day = next_code(agency.org, dt.date(2026, 11, 25))
        other_agency = next_code(agency.other_org, dt.date(2026, 11, 23))
    assert (first, second, other_day, other_agency) == (
        "000.00.15.H40-261123-0001",
        "000.00.15.H40-261123-0002",
        "000.00.15.H40-261125-0001",
        "000.00.16.H40-261123-0001",
    )
    assert parse_code(first) == ("000.00.15.H40", dt.date(2026, 11, 23), 1)
    assert parse_code("000.00.15.H40-261332-0001") is None
    assert parse_code("khong-phai-ma") is None


def test_a_failed_transaction_gives_its_number_back_and_the_day_has_a_limit(agency):
    from django.db import transaction

    from egov.core.errors import Conflict
    from egov.services.models import DossierSequence

    day = dt.date(2026, 11, 23)
    with pytest.raises(RuntimeError), transaction.atomic():
        next_code(agency.org, day)
        raise RuntimeError("the dossier could not be saved")
    with transaction.atomic():
        assert next_code(agency.org, day) == "000.00.15.H40-261123-0001"
    DossierSequence.objects.filter(agency=agency.org, day=day).update(last_number=9998)
    with transaction.atomic():
        assert next_code(agency.org, day) == "000.00.15.H40-261123-9999"
    with pytest.raises(Conflict) as refused, transaction.atomic():
        next_code(agency.org, day)
    assert str(refused.value.message) == "Đã hết số hồ sơ trong ngày của cơ quan (tối đa 9999)."
    assert DossierSequence.objects.get(agency=agency.org, day=day).last_number == 9999
