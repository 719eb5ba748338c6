"""Pages: dashboards of a plan and of an organisation, the roll-up, and their Excel and PDF exports."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.organisations.models import Organisation
from egov.plans import selectors
from egov.plans.reports import charts
from egov.plans.reports.dashboard import org_dashboard as org_figures
from egov.plans.reports.dashboard import plan_dashboard as plan_figures
from egov.plans.reports.dashboard import status_counts, unit_table
from egov.plans.reports.forms import AsOfForm, RollupFilterForm
from egov.plans.reports.pdf import plan_dashboard_pdf as render_plan_pdf
from egov.plans.reports.rollup import provinces_for, rollup_scope
from egov.plans.reports.rollup import rollup as rollup_figures
from egov.plans.reports.xlsx import XLSX_CONTENT_TYPE
from egov.plans.reports.xlsx import plan_dashboard_xlsx as build_plan_xlsx
from egov.plans.reports.xlsx import rollup_xlsx as build_rollup_xlsx


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _chart_context(figures) -> dict:
    present = [s for s in figures.statuses if s.count]
    return {
        "figures": figures,
        "present_statuses": present,
        "unit_rows": unit_table(figures.units, present),
        "status_chart": charts.status_bars(figures.statuses),
        "unit_chart": charts.unit_bars(figures.units),
        "legend": charts.legend(present),
    }


def _as_of(request) -> tuple[AsOfForm, dt.date | None]:
    """The ?as_of= day (today when absent), or None when the input is bad (the form holds the error)."""
    form = AsOfForm(request.GET or None)
    if not request.GET:
        return form, timezone.localdate()
    return form, form.cleaned_data["as_of"] if form.is_valid() else None


def _plan_page(request, plan, form, figures=None, *, status: int = 200):
    context = {"plan": plan, "form": form, "query": request.GET.urlencode()}
    if figures is not None:
        context |= _chart_context(figures)
    return render(request, "plans/dashboards/plan.html", context, status=status)


@login_required
def plan_dashboard(request, pk: int):
    plan = selectors.plan_get(actor=request.actor, pk=pk)
    form, as_of = _as_of(request)
    if as_of is None:
        return _plan_page(request, plan, form, status=400)
    return _plan_page(request, plan, form, plan_figures(plan=plan, today=as_of))


@login_required
def plan_dashboard_xlsx(request, pk: int):
    plan = selectors.plan_get(actor=request.actor, pk=pk)
    form, as_of = _as_of(request)
    if as_of is None:
        return _plan_page(request, plan, form, status=400)
    figures = plan_figures(plan=plan, today=as_of, limit=None)
    content = build_plan_xlsx(plan=plan, figures=figures, tasks=selectors.plan_tasks(plan=plan, today=as_of))
    return _download(content, f"tien-do-ke-hoach-{plan.pk}-{as_of:%Y%m%d}.xlsx", XLSX_CONTENT_TYPE)


@login_required
def plan_dashboard_pdf(request, pk: int):
    plan = selectors.plan_get(actor=request.actor, pk=pk)
    form, as_of = _as_of(request)
    if as_of is None:
        return _plan_page(request, plan, form, status=400)
    content = render_plan_pdf(plan=plan, figures=plan_figures(plan=plan, today=as_of, limit=None))
    return _download(content, f"bao-cao-tien-do-ke-hoach-{plan.pk}-{as_of:%Y%m%d}.pdf", "application/pdf")


def _requested_org(request) -> tuple[Organisation | None, str]:
    """The organisation in ?org= (or the one the person acts for), and an error message for bad input."""
    raw = request.GET.get("org", "").strip()
    if not raw:
        if request.actor.organisation is None:
            return None, _("Chọn cơ quan cần xem (tham số org).")
        pk = request.actor.organisation.pk
    else:
        try:
            pk = int(raw)
        except ValueError:
            return None, _("Mã cơ quan “%(value)s” không hợp lệ: phải là một số.") % {"value": raw[:50]}
    # Someone without plans.view there learns nothing, not even that the organisation exists.
    return selectors.plans_organisation_get(actor=request.actor, pk=pk), ""


@login_required
def org_dashboard(request):
    organisation, error = _requested_org(request)
    if error:
        return render(request, "plans/dashboards/org.html", {"error": error}, status=400)
    form, as_of = _as_of(request)
    if as_of is None:
        return render(
            request,
            "plans/dashboards/org.html",
            {"organisation": organisation, "form": form, "hidden": {"org": organisation.pk}},
            status=400,
        )
    board = org_figures(organisation=organisation, today=as_of)
    led_statuses = status_counts(board.led_counts, nonzero=True)
    return render(
        request,
        "plans/dashboards/org.html",
        {
            "organisation": organisation,
            "form": form,
            "hidden": {"org": organisation.pk},
            "board": board,
            "led_chart": charts.unit_bars(board.led_units, chart_id="chart-led-units"),
            "led_legend": charts.legend(led_statuses),
            "led_statuses": led_statuses,
            "led_rows": unit_table(board.led_units, led_statuses),
            **_chart_context(board.figures),
        },
    )


def _rollup_input(request):
    """The filter form and, when it is valid, the roll-up it asks for."""
    actor = request.actor
    form = RollupFilterForm(request.GET or None, provinces=provinces_for(actor))
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    province = rollup_scope(actor=actor, org_id=data.get("org"))
    return form, rollup_figures(
        province=province, as_of=data.get("as_of") or timezone.localdate(), source=data.get("source", "")
    )


@login_required
def rollup(request):
    form, result = _rollup_input(request)
    return render(
        request,
        "plans/dashboards/rollup.html",
        {"form": form, "rollup": result, "query": request.GET.urlencode()},
        status=400 if result is None else 200,
    )


@login_required
def rollup_xlsx(request):
    form, result = _rollup_input(request)
    if result is None:
        return render(request, "plans/dashboards/rollup.html", {"form": form, "rollup": None}, status=400)
    scope = f"tinh-{result.province.pk}" if result.province else "toan-quoc"
    return _download(
        build_rollup_xlsx(rollup=result), f"tong-hop-{scope}-{result.as_of:%Y%m%d}.xlsx", XLSX_CONTENT_TYPE
    )


urlpatterns: list = [
    path("<int:pk>/dashboard/", plan_dashboard, name="plan_dashboard"),
    path("<int:pk>/dashboard.xlsx", plan_dashboard_xlsx, name="plan_dashboard_xlsx"),
    path("<int:pk>/dashboard.pdf", plan_dashboard_pdf, name="plan_dashboard_pdf"),
    path("dashboard/", org_dashboard, name="org_dashboard"),
    path("rollup/", rollup, name="rollup"),
    path("rollup.xlsx", rollup_xlsx, name="rollup_xlsx"),
]
