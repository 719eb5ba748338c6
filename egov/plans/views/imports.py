"""Pages: import a plan's tasks from Excel (with a check-only run), the empty template, and the export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.core.errors import InvalidTransition, PermissionDenied
from egov.core.text import fold
from egov.plans import importing, importing_export
from egov.plans.models import PlanStatus
from egov.plans.permissions import require_manage
from egov.plans.selectors import plan_get
from egov.plans.views._common import plan_url


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        help_text=gettext_lazy("Tối đa 5 MB, 2.000 dòng đầu việc."),
    )


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=importing.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def plan_import(request, pk: int):
    """Upload an .xlsx into a draft plan: “Kiểm tra” only checks, “Nhập” saves when every row is right."""
    actor = request.actor
    plan = plan_get(actor=actor, pk=pk)
    require_manage(actor, plan.organisation)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    report = None
    blocked = None
    status = 200
    if plan.status != PlanStatus.DRAFT:
        blocked = _("Kế hoạch đang ở trạng thái “%(status)s”: chỉ nhập đầu việc vào kế hoạch đang dự thảo.") % {
            "status": plan.get_status_display()
        }
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            dry_run = request.POST.get("action") == "check"
            try:
                report = importing.plan_import_tasks(
                    actor=actor, plan=plan, data=upload.read(), filename=upload.name, dry_run=dry_run
                )
            except InvalidTransition as exc:  # the plan was issued meanwhile
                blocked, status = exc.message, 409
            else:
                if report.saved:
                    messages.success(
                        request,
                        _("Đã nhập %(tasks)d đầu việc và %(sections)d mục từ tệp “%(name)s”.")
                        % {"tasks": report.tasks, "sections": report.sections, "name": report.filename},
                    )
                    return redirect(plan_url(plan))
                status = 200 if report.ok else 400
        else:
            status = 400
    return render(
        request,
        "plans/imports/import.html",
        {"plan": plan, "form": form, "report": report, "blocked": blocked, "plan_url": plan_url(plan)},
        status=status,
    )


@login_required
def plan_import_template(request):
    """The empty layout, for those who manage plans somewhere."""
    if not can(request.actor, Perm.PLANS_MANAGE):
        raise PermissionDenied(_("Chỉ Tổ giúp việc, thư ký Ban Chỉ đạo được tải mẫu nhập đầu việc."))
    return _xlsx(importing_export.import_template(), "mau-nhap-dau-viec.xlsx")


@login_required
def plan_tasks_xlsx(request, pk: int):
    """The plan's tasks in the import layout, for anyone who may see the plan."""
    plan = plan_get(actor=request.actor, pk=pk)
    data = importing_export.plan_export_tasks(actor=request.actor, plan=plan)
    name = slugify(fold(plan.number or plan.title))[:60] or str(plan.pk)
    return _xlsx(data, f"dau-viec-{name}.xlsx")


urlpatterns: list = [
    path("<int:pk>/import/", plan_import, name="plan_import"),
    path("import/mau-nhap-dau-viec.xlsx", plan_import_template, name="plan_import_template"),
    path("<int:pk>/dau-viec.xlsx", plan_tasks_xlsx, name="plan_tasks_xlsx"),
]
