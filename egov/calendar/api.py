"""Working calendar API: /api/v1/calendar. Reads need a signed-in caller; writes need the permission."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from egov.accounts.permissions import require_global
from egov.accounts.roles import Perm
from egov.calendar import selectors, services
from egov.calendar.models import DayKind
from egov.calendar.workdays import WorkingCalendar
from egov.core.errors import ValidationFailed
from egov.organisations.models import Organisation

router = Router(tags=["calendar"])

MAX_SPAN = 3650


class DayOut(Schema):
    id: int | None = Field(None, description="Swap-table entry id; null for a public holiday")
    date: dt.date
    weekday: int = Field(description="ISO weekday, 1 = Monday … 7 = Sunday")
    weekday_name: str
    name: str
    kind: str = Field(description="holiday, working_day (make-up day) or day_off (extra day off)")
    kind_label: str
    source: str = Field(description="holidays_package (Labour Code) or swap_table")
    source_label: str
    is_working_day: bool
    instrument: str
    note: str


class CalendarDayIn(Schema):
    date: dt.date
    kind: DayKind
    instrument: str
    note: str = ""


class CalendarDayOut(Schema):
    id: int
    date: dt.date
    kind: str
    instrument: str
    note: str


class AddQuery(Schema):
    start: dt.date
    days: int = Field(ge=-MAX_SPAN, le=MAX_SPAN)


class AddOut(Schema):
    start: dt.date
    days: int
    result: dt.date


class BetweenOut(Schema):
    start: dt.date
    end: dt.date
    working_days: int


class ReceiptOut(Schema):
    received_at: dt.datetime
    organisation: str | None
    result: dt.date = Field(description="The working day the processing time counts from")


class HoursOut(Schema):
    organisation: str | None
    on: dt.date
    effective_from: dt.date | None
    source_organisation: str | None = Field(description="Code of the organisation whose row applies")
    morning_start: dt.time
    morning_end: dt.time
    afternoon_start: dt.time
    afternoon_end: dt.time


def _organisation(code: str | None) -> Organisation | None:
    if not code:
        return None
    org = Organisation.objects.filter(code=code.strip().upper()).first()
    if org is None:
        raise ValidationFailed({"organisation": [_("Không có cơ quan mã %(code)s.") % {"code": code}]})
    return org


@router.get("/days", response=list[DayOut], summary="Public holidays and swap-table entries of a year")
def list_days(request, year: int | None = None):
    year = year or timezone.localdate().year
    return [
        {
            "id": e.calendar_day_id,
            "date": e.date,
            "weekday": e.weekday,
            "weekday_name": e.weekday_name,
            "name": e.name,
            "kind": e.kind,
            "kind_label": e.kind_label,
            "source": e.source,
            "source_label": e.source_label,
            "is_working_day": e.is_working_day,
            "instrument": e.instrument,
            "note": e.note,
        }
        for e in selectors.year_entries(year=year)
    ]


@router.post("/days", response={201: CalendarDayOut}, summary="Add a swap-table entry (system administrators)")
def create_day(request, payload: CalendarDayIn):
    day = services.calendar_day_create(
        actor=request.actor,
        date=payload.date,
        kind=payload.kind,
        instrument=payload.instrument,
        note=payload.note,
    )
    return Status(201, day)


@router.delete("/days/{day_id}", response={204: None}, summary="Remove a swap-table entry (system administrators)")
def delete_day(request, day_id: int):
    # Permission first, so a caller without it cannot probe which ids exist.
    require_global(request.actor, Perm.CALENDAR_MANAGE)
    services.calendar_day_delete(actor=request.actor, calendar_day=selectors.calendar_day_get(pk=day_id))
    return Status(204, None)


@router.get("/working-days/add", response=AddOut, summary="The date n working days after start")
def working_days_add(request, query: Query[AddQuery]):
    result = WorkingCalendar().add_working_days(query.start, query.days)
    return {"start": query.start, "days": query.days, "result": result}


@router.get("/working-days/between", response=BetweenOut, summary="Working days in (start, end]")
def working_days_between(request, start: dt.date, end: dt.date):
    return {"start": start, "end": end, "working_days": WorkingCalendar().working_days_between(start, end)}


@router.get("/receipt-start", response=ReceiptOut, summary="The day a processing clock starts from")
def receipt_start(request, received_at: dt.datetime, organisation: str | None = None):
    org = _organisation(organisation)
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)  # a bare local time is read in settings.TIME_ZONE
    result = WorkingCalendar().receipt_start(received_at, org)
    return {"received_at": received_at, "organisation": org.code if org else None, "result": result}


@router.get("/office-hours", response=HoursOut, summary="Office hours in force for an organisation")
def office_hours(request, organisation: str | None = None, on: dt.date | None = None):
    org = _organisation(organisation)
    on = on or timezone.localdate()
    resolved = selectors.office_hours_for(organisation=org, on=on)
    h = resolved.hours
    return {
        "organisation": org.code if org else None,
        "on": on,
        "effective_from": h.effective_from,
        "source_organisation": resolved.source.code if resolved.source else None,
        "morning_start": h.morning_start,
        "morning_end": h.morning_end,
        "afternoon_start": h.afternoon_start,
        "afternoon_end": h.afternoon_end,
    }
