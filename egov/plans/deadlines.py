"""Deadlines as real plans write them (thời gian hoàn thành), and the concrete due date each one means.

A deadline is one of: a date ("30/6/2019"), a month ("Tháng 9/2019"), a quarter ("Quý II/2019"), a year
("Năm 2019"), a year range ("2019–2020") or recurring work ("Thường xuyên", "Hằng năm", optionally "đến
năm 2025"). Resolution with the working calendar:

- a date that is not a working day moves to the next working day (a period ending on a day off ends on
  the next working day, Civil Code 2015 Art. 148);
- a month, quarter, year or range ends on the last working day of its period;
- recurring work runs until the last working day of its end year (the plan's last year if none is written).

`window_start` is the first day of the deadline's period: work finished before it is early, within the
period on time, after the due date late.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from egov.calendar.workdays import WorkingCalendar
from egov.core.errors import ValidationFailed
from egov.core.text import clean, fold
from egov.plans.models import DeadlineKind

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ROMAN_OUT = {1: "I", 2: "II", 3: "III", 4: "IV"}
_YEAR = r"((?:19|20)\d{2})"
_SEP = r"\s*(?:/|-|\.|\s+nam\s+|\s+)\s*"
_DATE_PATTERNS = (
    re.compile(rf"^(?:ngay\s+)?(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})\s*[/.-]\s*{_YEAR}$"),
    re.compile(rf"^(?:ngay\s+)?(\d{{1,2}})\s+thang\s+(\d{{1,2}})\s+nam\s+{_YEAR}$"),
)
_ISO = re.compile(rf"^{_YEAR}-(\d{{1,2}})-(\d{{1,2}})$")
_MONTH = re.compile(rf"^(?:(?:trong\s+)?thang|t)\s*(\d{{1,2}}){_SEP}{_YEAR}$")
_BARE_MONTH = re.compile(rf"^(\d{{1,2}})\s*/\s*{_YEAR}$")
_QUARTER = re.compile(rf"^(?:(?:trong\s+)?quy|q)\s*(iv|iii|ii|i|[1-4]){_SEP}{_YEAR}$")
_YEAR_ONLY = re.compile(rf"^(?:(?:trong\s+)?nam\s+)?{_YEAR}$")
_RANGE = re.compile(rf"^(?:(?:giai\s+doan|nam|tu(?:\s+nam)?)\s+)?{_YEAR}\s*(?:-|–|—|den(?:\s+nam)?)\s*{_YEAR}$")
_RECURRING_WORDS = ("thuong xuyen", "hang nam", "hang nam", "lien tuc", "hang quy", "hang thang")
_YEARS = re.compile(_YEAR)


@dataclass(frozen=True)
class Deadline:
    """A deadline as written: its kind and the numbers that define it."""

    kind: str
    year: int | None = None
    part: int | None = None  # month 1–12 or quarter 1–4
    date: dt.date | None = None
    start_year: int | None = None  # first year of a range or of recurring work

    @property
    def first_year(self) -> int:
        if self.kind == DeadlineKind.DATE:
            return self.date.year
        return self.start_year or self.year

    @property
    def last_year(self) -> int:
        return self.date.year if self.kind == DeadlineKind.DATE else self.year

    def text(self) -> str:
        """The canonical Vietnamese text, as a plan prints it."""
        if self.kind == DeadlineKind.DATE:
            return self.date.strftime("%d/%m/%Y")
        if self.kind == DeadlineKind.MONTH:
            return f"Tháng {self.part}/{self.year}"
        if self.kind == DeadlineKind.QUARTER:
            return f"Quý {ROMAN_OUT[self.part]}/{self.year}"
        if self.kind == DeadlineKind.YEAR:
            return f"Năm {self.year}"
        if self.kind == DeadlineKind.YEAR_RANGE:
            return f"{self.start_year}–{self.year}"
        if self.start_year:
            return f"Thường xuyên, {self.start_year}–{self.year}"
        return f"Thường xuyên, đến năm {self.year}"

    def label(self) -> str:
        """The same text in the reader's language."""
        if self.kind == DeadlineKind.DATE:
            return self.date.strftime("%d/%m/%Y")
        if self.kind == DeadlineKind.MONTH:
            return _("Tháng %(month)d/%(year)d") % {"month": self.part, "year": self.year}
        if self.kind == DeadlineKind.QUARTER:
            return _("Quý %(quarter)s/%(year)d") % {"quarter": ROMAN_OUT[self.part], "year": self.year}
        if self.kind == DeadlineKind.YEAR:
            return _("Năm %(year)d") % {"year": self.year}
        if self.kind == DeadlineKind.YEAR_RANGE:
            return f"{self.start_year}–{self.year}"
        if self.start_year:
            return _("Thường xuyên, %(start)d–%(year)d") % {"start": self.start_year, "year": self.year}
        return _("Thường xuyên, đến năm %(year)d") % {"year": self.year}

    def period(self) -> tuple[dt.date, dt.date]:
        """First and last calendar day of the deadline's period."""
        if self.kind == DeadlineKind.DATE:
            return self.date, self.date
        if self.kind == DeadlineKind.MONTH:
            first = dt.date(self.year, self.part, 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            return first, last
        if self.kind == DeadlineKind.QUARTER:
            first = dt.date(self.year, 3 * self.part - 2, 1)
            last_month_end = dt.date(self.year + (self.part == 4), (3 * self.part) % 12 + 1, 1) - dt.timedelta(days=1)
            return first, last_month_end
        if self.kind == DeadlineKind.YEAR:
            return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        return dt.date(self.start_year or self.year, 1, 1), dt.date(self.year, 12, 31)


@dataclass(frozen=True)
class Resolved:
    deadline: Deadline
    window_start: dt.date
    due_date: dt.date
    due_soon_from: dt.date


class DeadlineError(ValueError):
    """Text that is not a deadline in any form a plan uses."""


def _check_date(day: int, month: int, year: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DeadlineError(
            _("Ngày %(d)d/%(m)d/%(y)d không có trên lịch.") % {"d": day, "m": month, "y": year}
        ) from None


def parse_deadline(value: str | dt.date | dt.datetime | None, *, default_end_year: int | None = None) -> Deadline:
    """Parse a deadline as written in a plan; raises DeadlineError with a message saying what is accepted."""
    if isinstance(value, dt.datetime):
        return Deadline(DeadlineKind.DATE, date=value.date())
    if isinstance(value, dt.date):
        return Deadline(DeadlineKind.DATE, date=value)
    text = clean(value)
    if not text:
        raise DeadlineError(_("Chưa nhập thời gian hoàn thành."))
    folded = fold(text).strip(" .;,")
    folded = re.sub(r"\s+", " ", folded).replace("năm", "nam")
    if any(word in folded for word in _RECURRING_WORDS):
        years = [int(y) for y in _YEARS.findall(folded)]
        end = max(years) if years else default_end_year
        if end is None:
            raise DeadlineError(_("Nhiệm vụ thường xuyên cần năm kết thúc, ví dụ “Thường xuyên, đến năm 2025”."))
        start = min(years) if len(years) > 1 else None
        return Deadline(DeadlineKind.RECURRING, year=end, start_year=start)
    for pattern in _DATE_PATTERNS:
        if m := pattern.match(folded):
            d, mo, y = (int(g) for g in m.groups())
            return Deadline(DeadlineKind.DATE, date=_check_date(d, mo, y))
    if m := _ISO.match(folded):
        y, mo, d = (int(g) for g in m.groups())
        return Deadline(DeadlineKind.DATE, date=_check_date(d, mo, y))
    if m := (_MONTH.match(folded) or _BARE_MONTH.match(folded)):
        month, year = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise DeadlineError(_("Tháng %(month)d không có: tháng phải từ 1 đến 12.") % {"month": month})
        return Deadline(DeadlineKind.MONTH, year=year, part=month)
    if m := _QUARTER.match(folded):
        raw = m.group(1)
        quarter = ROMAN[raw] if raw in ROMAN else int(raw)
        return Deadline(DeadlineKind.QUARTER, year=int(m.group(2)), part=quarter)
    if m := _YEAR_ONLY.match(folded):
        return Deadline(DeadlineKind.YEAR, year=int(m.group(1)))
    if m := _RANGE.match(folded):
        start, end = int(m.group(1)), int(m.group(2))
        if end < start:
            raise DeadlineError(_("Giai đoạn %(a)d–%(b)d kết thúc trước khi bắt đầu.") % {"a": start, "b": end})
        if end == start:
            return Deadline(DeadlineKind.YEAR, year=end)
        return Deadline(DeadlineKind.YEAR_RANGE, year=end, start_year=start)
    raise DeadlineError(
        _(
            "Không đọc được thời gian hoàn thành “%(text)s”. Viết theo một trong các dạng: 30/6/2019, "
            "Tháng 9/2019, Quý II/2019, Năm 2019, 2019–2020, Thường xuyên đến năm 2025."
        )
        % {"text": text}
    )


def resolve(deadline: Deadline, *, calendar: WorkingCalendar, due_soon_days: int) -> Resolved:
    """The concrete due date of a deadline, the start of its window and the first 'due soon' day."""
    first, last = deadline.period()
    if deadline.kind == DeadlineKind.DATE:
        due = last if calendar.is_working_day(last) else calendar.next_working_day(last)
    else:
        due = last if calendar.is_working_day(last) else calendar.previous_working_day(last)
    soon = calendar.add_working_days(due, -due_soon_days) if due_soon_days else due
    return Resolved(deadline=deadline, window_start=first, due_date=due, due_soon_from=soon)


def check_within_plan(deadline: Deadline, *, period_start: int, last_year: int, field: str = "deadline") -> None:
    """Refuse a deadline outside the plan's period (including its orientation years)."""
    if deadline.first_year < period_start or deadline.last_year > last_year:
        raise ValidationFailed(
            {
                field: [
                    _("Thời gian hoàn thành “%(text)s” nằm ngoài giai đoạn của kế hoạch (%(start)d–%(end)d).")
                    % {"text": deadline.text(), "start": period_start, "end": last_year}
                ]
            }
        )


def deadline_of(task) -> Deadline | None:
    """The deadline stored on a task, or None for a section."""
    if not task.deadline_kind:
        return None
    return Deadline(
        task.deadline_kind,
        year=task.deadline_year,
        part=task.deadline_part,
        date=task.deadline_date,
        start_year=task.deadline_start_year,
    )
