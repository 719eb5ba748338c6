"""The dossier's clock: when counting starts, when the result is due, and how a finished dossier is classed.

Decree 61/2018 Art. 18–20 (kept by Decree 118/2025): a dossier received after the cut-off (15:00) counts from
the next working day; N working days from the day counted lead to the N-th working day after it, due at the
end of that office day; a procedure in working hours is due N office hours after the start. The rules in force
on a day (supplement window, apology lead time, how many apologies) are dated rows of `OneStopRule`.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from egov.calendar.hours import localise
from egov.calendar.workdays import WorkingCalendar
from egov.core.errors import DomainError
from egov.services.models import OneStopRule, TimeUnit


def rule_in_force(day: dt.date) -> OneStopRule:
    rule = OneStopRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rule is None:
        raise DomainError(_("Chưa có quy định thời hạn một cửa áp dụng cho ngày %(d)s.") % {"d": f"{day:%d/%m/%Y}"})
    return rule


def office_day_end(day: dt.date, agency) -> dt.datetime:
    """The end of the agency's office day: where an appointment given as a date falls."""
    return _day_end(WorkingCalendar(), day, agency)


def _day_end(calendar: WorkingCalendar, day: dt.date, agency) -> dt.datetime:
    hours = calendar.office_hours(day, agency)
    return dt.datetime.combine(day, hours.afternoon_end, timezone.get_default_timezone())


def _day_start(calendar: WorkingCalendar, day: dt.date, agency) -> dt.datetime:
    hours = calendar.office_hours(day, agency)
    return dt.datetime.combine(day, hours.morning_start, timezone.get_default_timezone())


def office_day_hours(calendar: WorkingCalendar, day: dt.date, agency) -> Decimal:
    """Length of the office day in hours (8 for 7:30–11:30 and 13:30–17:30)."""
    total = dt.timedelta()
    for start, end in calendar.office_hours(day, agency).sessions():
        total += dt.datetime.combine(day, end) - dt.datetime.combine(day, start)
    return Decimal(total.total_seconds()) / Decimal(3600)


def start_of_count(calendar: WorkingCalendar, received_at: dt.datetime, agency) -> tuple[dt.date, dt.datetime]:
    """The day counted from, and the moment office-hour counting starts (the receipt, or the next opening)."""
    day = calendar.receipt_start(received_at, agency)
    local = localise(received_at)
    moment = local if day == local.date() else _day_start(calendar, day, agency)
    return day, moment


def due_at(version, received_at: dt.datetime, agency, *, calendar: WorkingCalendar | None = None) -> tuple:
    """(day counted from, due moment) for a dossier of `version` received complete at `received_at`."""
    calendar = calendar or WorkingCalendar()
    day, moment = start_of_count(calendar, received_at, agency)
    if version.time_unit == TimeUnit.WORKING_HOURS:
        return day, calendar.add_working_hours(moment, Decimal(version.processing_time), agency)
    # A time in days with a fraction ("0,5 ngày") is read as the whole day it falls in.
    days = math.ceil(Decimal(version.processing_time))
    due_day = calendar.add_working_days(day, days) if days else day
    return day, _day_end(calendar, due_day, agency)


def step_due(budget: Decimal, start: dt.datetime, agency, *, calendar: WorkingCalendar | None = None) -> dt.datetime:
    """A route step's due moment: its budget in working days, as office hours from its start."""
    calendar = calendar or WorkingCalendar()
    local = localise(start)
    hours = Decimal(budget) * office_day_hours(calendar, local.date(), agency)
    return calendar.add_working_hours(local, hours, agency)


def extend_by_pause(due: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime, agency) -> dt.datetime:
    """The due moment pushed back by the office time the clock stood still (waiting for the applicant)."""
    calendar = WorkingCalendar()
    stood = calendar.working_hours_between(paused_at, resumed_at, agency)
    return calendar.add_working_hours(due, stood, agency) if stood > dt.timedelta() else due


def within_supplement_window(received_at: dt.datetime, now: dt.datetime, agency) -> bool:
    """A supplement request goes out within the rule's working days of the receipt (3 under Decree 61/2018)."""
    calendar = WorkingCalendar()
    rule = rule_in_force(localise(received_at).date())
    day, _moment = start_of_count(calendar, received_at, agency)
    last = calendar.add_working_days(day, rule.supplement_days)
    return localise(now) <= _day_end(calendar, last, agency)


def apology_allowed(due: dt.datetime, now: dt.datetime, agency) -> tuple[bool, OneStopRule]:
    """An apology goes out at least the rule's working days before the due date."""
    calendar = WorkingCalendar()
    today = localise(now).date()
    rule = rule_in_force(today)
    return calendar.working_days_between(today, localise(due).date()) >= rule.apology_lead_days, rule


class Timeliness:
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    WITHIN = "within"
    OVERDUE = "overdue"


def classify(dossier, now: dt.datetime | None = None) -> str | None:
    """Trước hạn / đúng hạn / quá hạn for a resolved dossier; trong hạn / quá hạn for one in hand."""
    if dossier.due_at is None:
        return None
    due = localise(dossier.due_at)
    if dossier.resolved_at is not None:
        done = localise(dossier.resolved_at)
        if done.date() < due.date():
            return Timeliness.EARLY
        return Timeliness.ON_TIME if done <= due else Timeliness.LATE
    return Timeliness.WITHIN if localise(now or timezone.now()) <= due else Timeliness.OVERDUE
