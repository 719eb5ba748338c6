"""Services: every rule refuses bad input naming the field, saves nothing, and audits what it saves."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.accounts.actor import Actor
from egov.audit.models import AuditEvent
from egov.calendar import services
from egov.calendar.models import CalendarDay, DayKind, OfficeHours
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed

D, T = dt.date, dt.time
HOURS = {
    "morning_start": T(7, 0),
    "morning_end": T(11, 0),
    "afternoon_start": T(13, 0),
    "afternoon_end": T(16, 30),
}


@pytest.fixture
def admin(people, actor_for):
    return actor_for(people["sysadmin"])


def snapshot_db():
    return (
        list(CalendarDay.objects.order_by("pk").values_list("date", "kind", "instrument", "note")),
        list(OfficeHours.objects.order_by("pk").values_list()),
        AuditEvent.objects.count(),
    )


def refused(call, field, **kwargs) -> ValidationFailed:
    before = snapshot_db()
    with pytest.raises(ValidationFailed) as info:
        call(**kwargs)
    assert info.value.field == field
    assert field in info.value.errors
    assert snapshot_db() == before
    return info.value


class TestCalendarDay:
    def test_create_saves_and_audits(self, admin, people):
        day = services.calendar_day_create(
            actor=admin,
            date=D(2027, 1, 9),
            kind=DayKind.WORKING_DAY,
            instrument="  Thông báo  số 1/TB-BNV ",
            note="Làm bù cho ngày nghỉ 04/01/2027",
        )
        day.refresh_from_db()
        assert (day.date, day.kind, day.instrument, day.created_by) == (
            D(2027, 1, 9),
            "working_day",
            "Thông báo số 1/TB-BNV",
            people["sysadmin"],
        )
        event = AuditEvent.objects.get(action="calendar.day_create")
        assert event.object_id == str(day.pk)
        assert event.scope_org_id is None
        assert event.before is None
        assert event.after == {
            "date": "2027-01-09",
            "kind": "working_day",
            "instrument": "Thông báo số 1/TB-BNV",
            "note": "Làm bù cho ngày nghỉ 04/01/2027",
        }

    def test_day_off_on_a_weekday(self, admin):
        day = services.calendar_day_create(actor=admin, date=D(2027, 1, 4), kind=DayKind.DAY_OFF, instrument="X")
        assert day.kind == "day_off"

    def test_working_day_must_be_a_weekend_day(self, admin):
        error = refused(
            services.calendar_day_create,
            "date",
            actor=admin,
            date=D(2027, 1, 4),
            kind=DayKind.WORKING_DAY,
            instrument="X",
        )
        assert error.message == "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật; ngày 04/01/2027 là Thứ Hai."

    @pytest.mark.parametrize(
        ("day", "holiday"),
        [
            (D(2026, 4, 26), "Ngày Giỗ Tổ Hùng Vương"),
            (D(2027, 5, 1), "Ngày Quốc tế Lao động"),
            (D(2027, 2, 6), "Tết Nguyên Đán"),
        ],
    )
    def test_swapped_working_day_on_a_holiday_is_refused(self, admin, day, holiday):
        error = refused(
            services.calendar_day_create,
            "date",
            actor=admin,
            date=day,
            kind=DayKind.WORKING_DAY,
            instrument="X",
        )
        assert f"“{holiday}”" in error.message
        assert error.message.startswith(f"Ngày {day:%d/%m/%Y} là ngày nghỉ lễ")

    def test_day_off_must_be_a_weekday(self, admin):
        error = refused(
            services.calendar_day_create,
            "date",
            actor=admin,
            date=D(2027, 1, 10),
            kind=DayKind.DAY_OFF,
            instrument="X",
        )
        assert "Chủ nhật" in error.message

    def test_day_off_on_a_holiday_is_refused(self, admin):
        error = refused(
            services.calendar_day_create,
            "date",
            actor=admin,
            date=D(2026, 9, 1),
            kind=DayKind.DAY_OFF,
            instrument="X",
        )
        assert error.message == "Ngày 01/09/2026 đã là ngày nghỉ lễ “Quốc khánh”."

    def test_duplicate_date(self, admin):
        error = refused(
            services.calendar_day_create,
            "date",
            actor=admin,
            date=D(2025, 4, 26),
            kind=DayKind.WORKING_DAY,
            instrument="X",
        )
        assert error.message == "Ngày 26/04/2025 đã có trong bảng hoán đổi (Ngày làm bù)."

    def test_kind_instrument_and_note(self, admin):
        refused(
            services.calendar_day_create,
            "kind",
            actor=admin,
            date=D(2027, 1, 9),
            kind="holiday",
            instrument="X",
        )
        refused(
            services.calendar_day_create,
            "instrument",
            actor=admin,
            date=D(2027, 1, 9),
            kind=DayKind.WORKING_DAY,
            instrument="   ",
        )
        refused(
            services.calendar_day_create,
            "instrument",
            actor=admin,
            date=D(2027, 1, 9),
            kind=DayKind.WORKING_DAY,
            instrument="x" * 201,
        )
        refused(
            services.calendar_day_create,
            "note",
            actor=admin,
            date=D(2027, 1, 9),
            kind=DayKind.WORKING_DAY,
            instrument="X",
            note="x" * 301,
        )

    def test_date_outside_the_supported_years(self, admin):
        refused(
            services.calendar_day_create,
            "date",
            actor=admin,
            date=D(2100, 1, 2),
            kind=DayKind.WORKING_DAY,
            instrument="X",
        )
        refused(
            services.calendar_day_create,
            "date",
            actor=admin,
            date="2027-01-09",
            kind=DayKind.WORKING_DAY,
            instrument="X",
        )

    @pytest.mark.parametrize("who", ["nd_admin", "nd_leader", "qt_clerk", "applicant"])
    def test_only_system_administrators_may_edit(self, people, actor_for, who):
        before = snapshot_db()
        with pytest.raises(PermissionDenied):
            services.calendar_day_create(
                actor=actor_for(people[who]), date=D(2027, 1, 9), kind=DayKind.WORKING_DAY, instrument="X"
            )
        seeded = CalendarDay.objects.get(date=D(2025, 4, 26))
        with pytest.raises(PermissionDenied):
            services.calendar_day_delete(actor=actor_for(people[who]), calendar_day=seeded)
        with pytest.raises(PermissionDenied):
            services.calendar_day_update(actor=actor_for(people[who]), calendar_day=seeded, note="x")
        assert snapshot_db() == before

    def test_anonymous_is_refused(self, db):
        with pytest.raises(PermissionDenied):
            services.calendar_day_create(actor=Actor(), date=D(2027, 1, 9), kind="working_day", instrument="X")

    def test_update_audits_before_and_after(self, admin):
        day = CalendarDay.objects.get(date=D(2026, 8, 22))
        services.calendar_day_update(actor=admin, calendar_day=day, instrument="Thông báo 1/TB-BNV")
        day.refresh_from_db()
        assert day.instrument == "Thông báo 1/TB-BNV"
        event = AuditEvent.objects.get(action="calendar.day_update")
        assert event.before["instrument"] == "Lịch nghỉ lễ Quốc khánh năm 2026"
        assert event.after["instrument"] == "Thông báo 1/TB-BNV"

    def test_update_checks_the_rules_against_other_entries(self, admin):
        day = CalendarDay.objects.get(date=D(2026, 8, 22))
        services.calendar_day_update(actor=admin, calendar_day=day, note="giữ nguyên ngày")  # its own date is fine
        refused(services.calendar_day_update, "date", actor=admin, calendar_day=day, date=D(2025, 4, 26))
        refused(services.calendar_day_update, "date", actor=admin, calendar_day=day, kind=DayKind.DAY_OFF)

    def test_update_of_a_deleted_entry(self, admin):
        day = CalendarDay.objects.get(date=D(2026, 8, 22))
        CalendarDay.objects.filter(pk=day.pk).delete()
        with pytest.raises(NotFound):
            services.calendar_day_update(actor=admin, calendar_day=day, note="x")

    def test_delete_audits(self, admin):
        day = CalendarDay.objects.get(date=D(2026, 8, 22))
        services.calendar_day_delete(actor=admin, calendar_day=day)
        assert not CalendarDay.objects.filter(date=D(2026, 8, 22)).exists()
        event = AuditEvent.objects.get(action="calendar.day_delete")
        assert (event.before["date"], event.after) == ("2026-08-22", None)


class TestOfficeHours:
    def test_org_admin_sets_hours_in_their_subtree(self, tree, people, actor_for):
        actor = actor_for(people["nd_admin"])
        row = services.office_hours_set(
            actor=actor, organisation=tree["nd_stttt"], effective_from=D(2026, 1, 1), **HOURS
        )
        assert (row.organisation, row.morning_start, row.afternoon_end) == (
            tree["nd_stttt"],
            T(7, 0),
            T(16, 30),
        )
        event = AuditEvent.objects.get(action="calendar.office_hours_set")
        assert event.scope_org_id == tree["nd_stttt"].pk
        assert event.before is None
        assert event.after["afternoon_end"] == "16:30:00"

    def test_same_date_replaces_the_row(self, tree, people, actor_for):
        actor = actor_for(people["nd_admin"])
        first = services.office_hours_set(actor=actor, organisation=tree["nd"], effective_from=D(2026, 1, 1), **HOURS)
        second = services.office_hours_set(
            actor=actor,
            organisation=tree["nd"],
            effective_from=D(2026, 1, 1),
            **{**HOURS, "afternoon_end": T(17, 0)},
        )
        assert first.pk == second.pk
        assert OfficeHours.objects.get().afternoon_end == T(17, 0)
        event = AuditEvent.objects.filter(action="calendar.office_hours_set").order_by("-seq").first()
        assert (event.before["afternoon_end"], event.after["afternoon_end"]) == ("16:30:00", "17:00:00")

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"morning_end": T(7, 0)}, "morning_end"),
            ({"morning_end": T(6, 0)}, "morning_end"),
            ({"afternoon_start": T(10, 59)}, "afternoon_start"),
            ({"afternoon_end": T(13, 0)}, "afternoon_end"),
            ({"afternoon_end": "17:00"}, "afternoon_end"),
            ({"effective_from": None}, "effective_from"),
            ({"effective_from": D(1990, 1, 1)}, "effective_from"),
        ],
    )
    def test_bad_hours(self, tree, people, actor_for, change, field):
        values = {"effective_from": D(2026, 1, 1), **HOURS, **change}
        refused(
            services.office_hours_set,
            field,
            actor=actor_for(people["nd_admin"]),
            organisation=tree["nd"],
            **values,
        )

    def test_lunch_may_be_skipped(self, tree, people, actor_for):
        row = services.office_hours_set(
            actor=actor_for(people["nd_admin"]),
            organisation=tree["nd"],
            effective_from=D(2026, 1, 1),
            **{**HOURS, "afternoon_start": T(11, 0)},
        )
        assert row.afternoon_start == T(11, 0)

    @pytest.mark.parametrize("who", ["qt_admin", "nd_clerk", "nd_leader", "applicant"])
    def test_others_may_not_set_or_delete(self, tree, people, actor_for, who):
        row = OfficeHours.objects.create(organisation=tree["nd"], effective_from=D(2026, 1, 1), **HOURS)
        before = snapshot_db()
        with pytest.raises(PermissionDenied):
            services.office_hours_set(
                actor=actor_for(people[who]), organisation=tree["nd"], effective_from=D(2026, 2, 1), **HOURS
            )
        with pytest.raises(PermissionDenied):
            services.office_hours_delete(actor=actor_for(people[who]), office_hours=row)
        assert snapshot_db() == before

    def test_platform_default_needs_a_system_administrator(self, people, actor_for, admin):
        with pytest.raises(PermissionDenied):
            services.office_hours_set(
                actor=actor_for(people["nd_admin"]), organisation=None, effective_from=D(2026, 1, 1), **HOURS
            )
        row = services.office_hours_set(actor=admin, organisation=None, effective_from=D(2026, 1, 1), **HOURS)
        assert row.organisation is None
        services.office_hours_set(actor=admin, organisation=None, effective_from=D(2026, 1, 1), **HOURS)
        assert OfficeHours.objects.filter(organisation__isnull=True).count() == 1

    def test_delete_audits(self, tree, people, actor_for):
        row = OfficeHours.objects.create(organisation=tree["nd_stttt"], effective_from=D(2026, 1, 1), **HOURS)
        services.office_hours_delete(actor=actor_for(people["nd_admin"]), office_hours=row)
        assert not OfficeHours.objects.exists()
        event = AuditEvent.objects.get(action="calendar.office_hours_delete")
        assert (event.scope_org_id, event.after) == (tree["nd_stttt"].pk, None)
