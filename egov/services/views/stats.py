"""Thống kê: Biểu 06 for those who supervise (page and Excel), and the public on-time scorecard."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.services import stats_output
from egov.services.statistics import bieu06


class PeriodForm(forms.Form):
    first = forms.DateField(label=gettext_lazy("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=gettext_lazy("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(
        label=gettext_lazy("Thống kê theo"),
        choices=[("agency", gettext_lazy("Cơ quan")), ("procedure", gettext_lazy("Thủ tục"))],
        required=False,
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and first > last:
            self.add_error("last", _("Ngày kết thúc phải sau ngày bắt đầu."))
        if first and last and (last - first).days > 366:
            self.add_error("last", _("Thống kê tối đa một năm mỗi lần."))
        return data


def _default_period() -> dict:
    today = timezone.localdate()
    return {"first": today.replace(day=1), "last": today, "by": "agency"}


def _period(request):
    form = PeriodForm(request.GET or None, initial=_default_period())
    if request.GET and form.is_valid():
        data = form.cleaned_data
        return form, data["first"], data["last"], data["by"] or "agency"
    defaults = _default_period()
    return form, defaults["first"], defaults["last"], "agency"


def _label(first: dt.date, last: dt.date) -> str:
    return _("Từ ngày %(a)s đến ngày %(b)s") % {"a": f"{first:%d/%m/%Y}", "b": f"{last:%d/%m/%Y}"}


@login_required
def report(request):
    if not can(request.actor, Perm.SERVICES_SUPERVISE):
        raise Http404
    form, first, last, by = _period(request)
    status = 422 if request.GET and form.errors else 200
    rows, total = bieu06(first=first, last=last, by=by, actor=request.actor)
    title = _("Biểu 06 — Tình hình, kết quả giải quyết thủ tục hành chính")
    if request.GET.get("format") == "xlsx" and status == 200:
        data = stats_output.workbook(rows, total, title=title, period=_label(first, last))
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="bieu-06-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"'
        return response
    context = {
        "form": form,
        "rows": rows,
        "total": total,
        "title": title,
        "period": _label(first, last),
        "columns": stats_output.COLUMNS,
        "chart": stats_output.on_time_chart(rows),
        "query": request.GET.urlencode(),
    }
    return render(request, "services/stats/report.html", context, status=status)


SCORECARD_SECONDS = 600


def scorecard(request):
    """Public: the share of dossiers each agency resolved on time, this year so far."""
    today = timezone.localdate()
    first = today.replace(month=1, day=1)
    # The whole platform's year in one query: public, so computed at most once per process every ten minutes.
    rows, total = cache.get_or_set(
        f"services:scorecard:{today.isoformat()}", lambda: bieu06(first=first, last=today), SCORECARD_SECONDS
    )
    rows = sorted((r for r in rows if r.resolved), key=lambda r: (-(r.on_time_rate or 0), r.label))
    for row in rows:
        row.rate_text = stats_output.percent(row.on_time_rate)
    context = {
        "rows": rows,
        "total_rate": stats_output.percent(total.on_time_rate),
        "period": _label(first, today),
        "chart": stats_output.on_time_chart(rows, chart_id="chart-scorecard"),
    }
    return render(request, "services/stats/scorecard.html", context)


urlpatterns = [
    path("stats/", report, name="stats"),
    path("scorecard/", scorecard, name="scorecard"),
]
