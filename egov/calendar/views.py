"""Pages of the working calendar: the year view, the swap table and an organisation's office hours."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.permissions import can, can_globally
from egov.accounts.roles import Perm
from egov.calendar import selectors, services
from egov.calendar.forms import CalendarDayForm, OfficeHoursForm
from egov.calendar.workdays import MAX_YEAR, MIN_YEAR, WorkingCalendar
from egov.core.errors import DomainError, PermissionDenied
from egov.core.views_helpers import apply_error


def _require_calendar_manage(actor) -> None:
    if not can_globally(actor, Perm.CALENDAR_MANAGE):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa bảng ngày hoán đổi."))


@login_required
def calendar_year(request, year: int | None = None):
    year = year or timezone.localdate().year
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    calendar = WorkingCalendar(years=[year])
    months = selectors.month_summaries(year=year, calendar=calendar)
    can_manage = can_globally(request.actor, Perm.CALENDAR_MANAGE)
    return render(
        request,
        "calendar/year.html",
        {
            "year": year,
            "previous_year": year - 1 if year > MIN_YEAR else None,
            "next_year": year + 1 if year < MAX_YEAR else None,
            "entries": selectors.year_entries(year=year, calendar=calendar),
            "months": months,
            "total_working_days": sum(m.working_days for m in months),
            "can_manage": can_manage,
            "missing_make_up_days": selectors.missing_make_up_days(year=year) if can_manage else [],
        },
    )


@login_required
def day_create(request):
    actor = request.actor
    _require_calendar_manage(actor)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            day = services.calendar_day_create(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã thêm ngày %(date)s vào bảng hoán đổi.") % {"date": day.date.strftime("%d/%m/%Y")},
            )
            return redirect("calendar:year_detail", year=day.date.year)
    return render(
        request,
        "calendar/day_form.html",
        {"form": form, "year": request.GET.get("year")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def day_delete(request, pk: int):
    actor = request.actor
    _require_calendar_manage(actor)
    day = selectors.calendar_day_get(pk=pk)
    services.calendar_day_delete(actor=actor, calendar_day=day)
    messages.success(request, _("Đã xóa ngày %(date)s khỏi bảng hoán đổi.") % {"date": day.date.strftime("%d/%m/%Y")})
    return redirect("calendar:year_detail", year=day.date.year)


def _office_hours_page(request, organisation, *, platform: bool):
    actor = request.actor
    today = timezone.localdate()
    if platform:
        can_edit = can_globally(actor, Perm.CALENDAR_MANAGE)
    else:
        can_edit = organisation is not None and can(actor, Perm.OFFICE_HOURS_MANAGE, organisation)
    resolved = selectors.office_hours_for(organisation=organisation, on=today)
    hours = resolved.hours
    form = OfficeHoursForm(
        request.POST or None,
        initial={
            "effective_from": today,
            "morning_start": hours.morning_start,
            "morning_end": hours.morning_end,
            "afternoon_start": hours.afternoon_start,
            "afternoon_end": hours.afternoon_end,
        },
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Bạn không có quyền sửa giờ làm việc của cơ quan này."))
        if form.is_valid():
            try:
                services.office_hours_set(actor=actor, organisation=organisation, **form.cleaned_data)
            except DomainError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Đã lưu giờ làm việc."))
                return redirect("calendar:office_hours_platform" if platform else "calendar:office_hours")
    rows = selectors.office_hours_rows(organisation=organisation) if (platform or organisation) else []
    return render(
        request,
        "calendar/office_hours.html",
        {
            "organisation": organisation,
            "platform": platform,
            "resolved": resolved,
            "today": today,
            "rows": rows,
            "can_edit": can_edit,
            "form": form,
            "can_manage_platform": can_globally(actor, Perm.CALENDAR_MANAGE),
        },
        status=400 if form.errors else 200,
    )


@login_required
def office_hours(request):
    """Office hours of the organisation the person is acting for."""
    return _office_hours_page(request, request.actor.organisation, platform=False)


@login_required
def office_hours_platform(request):
    """The platform default, used by organisations that set no hours of their own."""
    return _office_hours_page(request, None, platform=True)


@login_required
@require_POST
def office_hours_delete(request, pk: int):
    row = selectors.office_hours_get(pk=pk)
    services.office_hours_delete(actor=request.actor, office_hours=row)
    messages.success(
        request,
        _("Đã xóa giờ làm việc áp dụng từ ngày %(date)s.") % {"date": row.effective_from.strftime("%d/%m/%Y")},
    )
    return redirect("calendar:office_hours" if row.organisation_id else "calendar:office_hours_platform")
