"""Every change to the swap table and to office hours: one transaction, validated, with its audit event."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import require, require_global
from egov.accounts.roles import Perm
from egov.audit.services import audit_record, snapshot
from egov.calendar.models import WEEKDAY_NAMES, CalendarDay, DayKind, OfficeHours
from egov.calendar.workdays import MAX_YEAR, MIN_YEAR, public_holidays
from egov.core.errors import NotFound, ValidationFailed
from egov.core.text import clean
from egov.organisations.models import Organisation

DAY_FIELDS = ("date", "kind", "instrument", "note")
HOURS_FIELDS = (
    "organisation",
    "effective_from",
    "morning_start",
    "morning_end",
    "afternoon_start",
    "afternoon_end",
)
INSTRUMENT_MAX, NOTE_MAX = 200, 300


def _user(actor: Actor):
    return actor.user if actor.user is not None and actor.user.is_authenticated else None


def _validate_day(
    *, date: dt.date, kind: str, instrument: str, note: str, instance: CalendarDay | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors["date"] = [_("Ngày không hợp lệ.")]
    elif not MIN_YEAR <= date.year <= MAX_YEAR:
        errors["date"] = [_("Chỉ nhập được ngày từ năm %(lo)d đến năm %(hi)d.") % {"lo": MIN_YEAR, "hi": MAX_YEAR}]
    if kind not in DayKind.values:
        errors["kind"] = [_("Loại ngày phải là “ngày làm bù” hoặc “ngày nghỉ hoán đổi”.")]
    if not instrument:
        errors["instrument"] = [_("Nhập văn bản quy định việc hoán đổi (số, ký hiệu, ngày ban hành).")]
    elif len(instrument) > INSTRUMENT_MAX:
        errors["instrument"] = [_("Văn bản quy định dài tối đa %(n)d ký tự.") % {"n": INSTRUMENT_MAX}]
    if len(note) > NOTE_MAX:
        errors["note"] = [_("Ghi chú dài tối đa %(n)d ký tự.") % {"n": NOTE_MAX}]
    if "date" in errors or "kind" in errors:
        return errors

    shown = {"date": date.strftime("%d/%m/%Y"), "weekday": WEEKDAY_NAMES[date.weekday()]}
    holiday = public_holidays(date.year).get(date)
    if kind == DayKind.WORKING_DAY:
        if date.weekday() < 5:
            errors["date"] = [_("Ngày làm bù phải là thứ Bảy hoặc Chủ nhật; ngày %(date)s là %(weekday)s.") % shown]
        elif holiday:
            errors["date"] = [
                _("Ngày %(date)s là ngày nghỉ lễ “%(holiday)s”, không thể đặt làm ngày làm bù.")
                % {**shown, "holiday": holiday}
            ]
    else:
        if date.weekday() >= 5:
            errors["date"] = [
                _("Ngày nghỉ hoán đổi phải là ngày từ thứ Hai đến thứ Sáu; ngày %(date)s là %(weekday)s.") % shown
            ]
        elif holiday:
            errors["date"] = [_("Ngày %(date)s đã là ngày nghỉ lễ “%(holiday)s”.") % {**shown, "holiday": holiday}]
    if "date" not in errors:
        clash = CalendarDay.objects.filter(date=date)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        existing = clash.first()
        if existing is not None:
            errors["date"] = [
                _("Ngày %(date)s đã có trong bảng hoán đổi (%(kind)s).")
                % {**shown, "kind": existing.get_kind_display()}
            ]
    return errors


def _save_day(day: CalendarDay) -> None:
    try:
        with transaction.atomic():
            day.save()
    except IntegrityError:
        # Another request saved the same date between the check and the insert.
        raise ValidationFailed(
            {"date": [_("Ngày %(date)s đã có trong bảng hoán đổi.") % {"date": day.date.strftime("%d/%m/%Y")}]}
        ) from None


@transaction.atomic
def calendar_day_create(*, actor: Actor, date: dt.date, kind: str, instrument: str, note: str = "") -> CalendarDay:
    require_global(actor, Perm.CALENDAR_MANAGE)
    instrument, note = clean(instrument), clean(note)
    errors = _validate_day(date=date, kind=kind, instrument=instrument, note=note)
    if errors:
        raise ValidationFailed(errors)
    day = CalendarDay(date=date, kind=kind, instrument=instrument, note=note, created_by=_user(actor))
    _save_day(day)
    audit_record(
        actor=actor,
        action="calendar.day_create",
        obj=day,
        scope_org=None,
        before=None,
        after=snapshot(day, DAY_FIELDS),
    )
    return day


@transaction.atomic
def calendar_day_update(
    *,
    actor: Actor,
    calendar_day: CalendarDay,
    date: dt.date | None = None,
    kind: str | None = None,
    instrument: str | None = None,
    note: str | None = None,
) -> CalendarDay:
    """Change an entry; arguments left as None keep their value."""
    require_global(actor, Perm.CALENDAR_MANAGE)
    day = CalendarDay.objects.select_for_update().filter(pk=calendar_day.pk).first()
    if day is None:
        raise NotFound(_("Không tìm thấy ngày hoán đổi."))
    before = snapshot(day, DAY_FIELDS)
    values = {
        "date": day.date if date is None else date,
        "kind": day.kind if kind is None else kind,
        "instrument": day.instrument if instrument is None else clean(instrument),
        "note": day.note if note is None else clean(note),
    }
    errors = _validate_day(**values, instance=day)
    if errors:
        raise ValidationFailed(errors)
    for name, value in values.items():
        setattr(day, name, value)
    _save_day(day)
    audit_record(
        actor=actor,
        action="calendar.day_update",
        obj=day,
        scope_org=None,
        before=before,
        after=snapshot(day, DAY_FIELDS),
    )
    return day


@transaction.atomic
def calendar_day_delete(*, actor: Actor, calendar_day: CalendarDay) -> None:
    require_global(actor, Perm.CALENDAR_MANAGE)
    before = snapshot(calendar_day, DAY_FIELDS)
    audit_record(actor=actor, action="calendar.day_delete", obj=calendar_day, scope_org=None, before=before, after=None)
    CalendarDay.objects.filter(pk=calendar_day.pk).delete()


def _require_hours(actor: Actor, organisation: Organisation | None) -> None:
    if organisation is None:
        require_global(actor, Perm.CALENDAR_MANAGE)
    else:
        require(actor, Perm.OFFICE_HOURS_MANAGE, organisation)


def _validate_hours(values: dict[str, dt.time | dt.date | None]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(values["effective_from"], dt.date) or isinstance(values["effective_from"], dt.datetime):
        errors["effective_from"] = [_("Nhập ngày bắt đầu áp dụng.")]
    elif not MIN_YEAR <= values["effective_from"].year <= MAX_YEAR:
        errors["effective_from"] = [
            _("Chỉ nhập được ngày từ năm %(lo)d đến năm %(hi)d.") % {"lo": MIN_YEAR, "hi": MAX_YEAR}
        ]
    names = ("morning_start", "morning_end", "afternoon_start", "afternoon_end")
    for name in names:
        if not isinstance(values[name], dt.time):
            errors[name] = [_("Nhập giờ theo dạng HH:MM, ví dụ 07:30.")]
    if any(name in errors for name in names):
        return errors
    ms, me, as_, ae = (values[name] for name in names)
    if not ms < me:
        errors["morning_end"] = [_("Giờ kết thúc buổi sáng phải sau giờ bắt đầu buổi sáng.")]
    elif not me <= as_:
        errors["afternoon_start"] = [_("Giờ bắt đầu buổi chiều không được trước giờ kết thúc buổi sáng.")]
    elif not as_ < ae:
        errors["afternoon_end"] = [_("Giờ kết thúc buổi chiều phải sau giờ bắt đầu buổi chiều.")]
    return errors


@transaction.atomic
def office_hours_set(
    *,
    actor: Actor,
    organisation: Organisation | None,
    effective_from: dt.date,
    morning_start: dt.time,
    morning_end: dt.time,
    afternoon_start: dt.time,
    afternoon_end: dt.time,
) -> OfficeHours:
    """Create, or replace, the office hours of an organisation (None: platform default) from a date."""
    _require_hours(actor, organisation)
    values = {
        "effective_from": effective_from,
        "morning_start": morning_start,
        "morning_end": morning_end,
        "afternoon_start": afternoon_start,
        "afternoon_end": afternoon_end,
    }
    errors = _validate_hours(values)
    if errors:
        raise ValidationFailed(errors)
    row = (
        OfficeHours.objects.select_for_update().filter(organisation=organisation, effective_from=effective_from).first()
    )
    before = snapshot(row, HOURS_FIELDS) if row is not None else None
    if row is None:
        row = OfficeHours(organisation=organisation, created_by=_user(actor), **values)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationFailed(
            {"effective_from": [_("Đã có giờ làm việc áp dụng từ ngày này; hãy thử lại.")]}
        ) from None
    audit_record(
        actor=actor,
        action="calendar.office_hours_set",
        obj=row,
        scope_org=organisation,
        before=before,
        after=snapshot(row, HOURS_FIELDS),
    )
    return row


@transaction.atomic
def office_hours_delete(*, actor: Actor, office_hours: OfficeHours) -> None:
    organisation = office_hours.organisation
    _require_hours(actor, organisation)
    audit_record(
        actor=actor,
        action="calendar.office_hours_delete",
        obj=office_hours,
        scope_org=organisation,
        before=snapshot(office_hours, HOURS_FIELDS),
        after=None,
    )
    OfficeHours.objects.filter(pk=office_hours.pk).delete()
