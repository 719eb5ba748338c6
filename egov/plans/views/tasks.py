"""Pages: tasks (đầu việc) — create, edit, delete, the detail page and its action forms, evidence, the unit's list."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.models import User
from egov.accounts.selectors import people_visible
from egov.core.errors import DomainError, NotFound, PermissionDenied
from egov.core.views_helpers import apply_error, paginate
from egov.organisations.models import Organisation
from egov.organisations.selectors import organisations_visible
from egov.plans import selectors, services
from egov.plans.forms.tasks import DeadlineForm, DropForm, LinkForm, ReportForm, ReviewForm, TaskForm, UrgeForm
from egov.plans.models import PlanStatus, TaskKind, TaskLink
from egov.plans.permissions import (
    can_change_deadline,
    can_confirm,
    can_manage,
    can_report_for,
    can_urge,
    require_confirm,
    require_manage,
    require_urge,
)
from egov.plans.status import TAG_COLOURS, TaskStatus
from egov.plans.views._common import plan_url

SORT_STEP = 5  # digits per tree level in Task.sort_key (egov.plans.services.tasks)


def _status(task) -> None:
    """Label and tag colour of an annotated task's status, for the templates."""
    value = getattr(task, "status", "") or ""
    task.status_label = TaskStatus(value).label if value in TaskStatus.values else ""
    task.status_colour = TAG_COLOURS.get(value, "grey")


def _form_error(form, exc: DomainError) -> None:
    """A refused request stays a 403/404; anything else the service says is shown on the form."""
    if isinstance(exc, (PermissionDenied, NotFound)):
        raise exc
    apply_error(form, exc)


# ---------------------------------------------------------------------------------------------------------------
# Create, edit, delete


def _task_form(request, plan, task=None) -> TaskForm:
    actor = request.actor
    current_units = [task.lead_unit_id, *task.cooperating_units.values_list("pk", flat=True)] if task else []
    units = Organisation.objects.filter(
        Q(pk__in=organisations_visible(actor=actor).values("pk")) | Q(pk__in=[u for u in current_units if u])
    ).order_by("path")
    leader_ids = [task.responsible_leader_id] if task and task.responsible_leader_id else []
    people = User.objects.filter(
        Q(pk__in=people_visible(actor=actor).values("pk")) | Q(pk__in=leader_ids), is_active=True
    ).order_by("full_name", "pk")
    parents = plan.tasks.order_by("sort_key")
    if task is not None:
        parents = parents.exclude(pk=task.pk)
    initial = None
    if task is not None:
        initial = {
            "kind": task.kind,
            "parent": task.parent_id,
            "number": task.number,
            "title": task.title,
            "product": task.product,
            "lead_unit": task.lead_unit_id,
            "cooperating_units": list(current_units[1:]),
            "responsible_leader": task.responsible_leader_id,
            "deadline": task.deadline_text,
            "priority": task.priority,
        }
    return TaskForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        parents=parents,
        units=units,
        people=people,
        with_deadline=plan.status == PlanStatus.DRAFT,
    )


@login_required
def task_create(request, plan_pk: int):
    actor = request.actor
    plan = selectors.plan_get(actor=actor, pk=plan_pk)
    require_manage(actor, plan.organisation)
    form = _task_form(request, plan)
    if request.method == "GET" and request.GET.get("parent"):
        form.initial["parent"] = request.GET["parent"]
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=actor, plan=plan, values=form.values())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã thêm “%(t)s”.") % {"t": str(task)[:200]})
            return redirect("plans:task_detail", pk=task.pk)
    return render(
        request,
        "plans/tasks/form.html",
        {
            "form": form,
            "plan": plan,
            "task": None,
            "plan_url": plan_url(plan),
            "has_deadline": "deadline" in form.fields,
        },
        status=400 if form.errors else 200,
    )


@login_required
def task_edit(request, pk: int):
    actor = request.actor
    task = selectors.task_get(actor=actor, pk=pk)
    plan = task.plan
    require_manage(actor, plan.organisation)
    form = _task_form(request, plan, task)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(actor=actor, task=task, values=form.values())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã lưu đầu việc."))
            return redirect("plans:task_detail", pk=task.pk)
    return render(
        request,
        "plans/tasks/form.html",
        {
            "form": form,
            "plan": plan,
            "task": task,
            "plan_url": plan_url(plan),
            "has_deadline": "deadline" in form.fields,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def task_delete(request, pk: int):
    actor = request.actor
    task = selectors.task_get(actor=actor, pk=pk)
    plan = task.plan
    require_manage(actor, plan.organisation)
    try:
        services.task_delete(actor=actor, task=task)
    except DomainError as exc:
        form = forms.Form(data={}, prefix="delete")
        form.is_valid()
        _form_error(form, exc)
        return _render_detail(request, task, bound={"delete": form}, status=400)
    messages.success(request, _("Đã xóa “%(t)s”.") % {"t": str(task)[:200]})
    return redirect(plan_url(plan))


# ---------------------------------------------------------------------------------------------------------------
# The detail page


def _task_units(task) -> list[Organisation]:
    return [u for u in [task.lead_unit, *task.cooperating_units.all()] if u is not None]


def _report_units(actor, task) -> list[Organisation]:
    return [u for u in _task_units(task) if can_report_for(actor, u)]


def _render_detail(request, task, *, bound: dict | None = None, status: int = 200):
    actor = request.actor
    plan = task.plan
    _status(task)
    is_task = task.kind == TaskKind.TASK
    finished = task.completed_on is not None or task.dropped_on is not None
    report_units = _report_units(actor, task) if is_task and plan.is_active and task.dropped_on is None else []
    may = {
        "manage": can_manage(actor, plan.organisation),
        "confirm": can_confirm(actor, task),
        "change_deadline": can_change_deadline(actor, task),
        "urge": can_urge(actor, task),
    }
    show = {
        "report": bool(report_units),
        "review": is_task and may["confirm"] and task.completion_requested and plan.is_active,
        "urge": is_task and may["urge"] and plan.is_active and not finished,
        "deadline": is_task and may["change_deadline"] and plan.is_active and not finished,
        "drop": is_task and may["change_deadline"] and plan.is_active and not finished,
        "link": may["manage"] and plan.is_editable,
        "edit": may["manage"] and plan.is_editable,
        "delete": may["manage"] and plan.status == PlanStatus.DRAFT,
        "add_child": may["manage"] and plan.is_editable and not is_task,
    }
    action_forms = {
        "report": ReportForm(
            prefix="report", units=report_units, lead_unit_id=task.lead_unit_id, initial={"percent": task.percent}
        ),
        "review": ReviewForm(prefix="review"),
        "urge": UrgeForm(prefix="urge"),
        "deadline": DeadlineForm(prefix="deadline"),
        "drop": DropForm(prefix="drop"),
        "link": LinkForm(prefix="link"),
    }
    failed = failed_name = None
    for name, form in (bound or {}).items():
        action_forms[name] = form
        show[name] = True
        failed, failed_name = form, name
    prefixes = [task.sort_key[:i] for i in range(SORT_STEP, len(task.sort_key), SORT_STEP)]
    ancestors = list(plan.tasks.filter(sort_key__in=prefixes).order_by("sort_key")) if prefixes else []
    children = []
    if not is_task:
        children = selectors.task_children(task=task)
        for child in children:
            _status(child)
    context = {
        "task": task,
        "plan": plan,
        "plan_url": plan_url(plan),
        "ancestors": ancestors,
        "children": children,
        "cooperating_units": list(task.cooperating_units.all()),
        "is_task": is_task,
        "reports": list(selectors.task_reports(task=task)),
        "reviews": list(task.reviews.select_related("by", "report__unit")),
        "deadline_changes": list(task.deadline_changes.select_related("by", "meeting")),
        "urges": list(task.urges.select_related("by", "to_unit")),
        "links": list(task.links.select_related("related_task", "created_by")),
        "document_kind": TaskLink.Kind.DOCUMENT,
        "history": list(selectors.task_history(task=task)),
        "may": may,
        "show": show,
        "forms": action_forms,
        "failed_form": failed,
        "failed_name": failed_name,
    }
    return render(request, "plans/tasks/detail.html", context, status=status)


@login_required
def task_detail(request, pk: int):
    task = selectors.task_get(actor=request.actor, pk=pk)
    return _render_detail(request, task)


def _action(request, pk: int, name: str, build, check, call, success: str):
    """One action form of the detail page: refuse early (403) if the actor may not, else parse, call, report."""
    actor = request.actor
    task = selectors.task_get(actor=actor, pk=pk)
    check(actor, task)
    form = build(task)
    if form.is_valid():
        try:
            call(actor, task, form)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("plans:task_detail", pk=task.pk)
    return _render_detail(request, task, bound={name: form}, status=400)


def _require_report(actor, task) -> None:
    if not _report_units(actor, task):
        raise PermissionDenied(_("Đơn vị của bạn không được giao chủ trì hay phối hợp đầu việc này."))


def _require_change_deadline(actor, task) -> None:
    if not can_change_deadline(actor, task):
        require_confirm(actor, task)


@login_required
@require_POST
def task_report(request, pk: int):
    def build(task):
        return ReportForm(
            request.POST,
            request.FILES,
            prefix="report",
            units=_report_units(request.actor, task),
            lead_unit_id=task.lead_unit_id,
        )

    def call(actor, task, form):
        services.progress_report_submit(
            actor=actor,
            task=task,
            unit=form.cleaned_data["unit"],
            values=form.values(),
            files=form.cleaned_data["evidence"],
        )

    return _action(request, pk, "report", build, _require_report, call, _("Đã gửi báo cáo tiến độ."))


@login_required
@require_POST
def task_review(request, pk: int):
    def call(actor, task, form):
        services.completion_review(
            actor=actor,
            task=task,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            completed_on=form.cleaned_data["completed_on"],
        )

    return _action(
        request,
        pk,
        "review",
        lambda task: ReviewForm(request.POST, prefix="review"),
        require_confirm,
        call,
        _("Đã ghi ý kiến xác nhận."),
    )


@login_required
@require_POST
def task_urge(request, pk: int):
    def call(actor, task, form):
        services.task_urge(actor=actor, task=task, message=form.cleaned_data["message"])

    return _action(
        request,
        pk,
        "urge",
        lambda task: UrgeForm(request.POST, prefix="urge"),
        require_urge,
        call,
        _("Đã gửi đôn đốc đơn vị chủ trì."),
    )


@login_required
@require_POST
def task_deadline(request, pk: int):
    def call(actor, task, form):
        services.task_change_deadline(
            actor=actor, task=task, deadline=form.cleaned_data["deadline"], reason=form.cleaned_data["reason"]
        )

    return _action(
        request,
        pk,
        "deadline",
        lambda task: DeadlineForm(request.POST, prefix="deadline"),
        _require_change_deadline,
        call,
        _("Đã điều chỉnh thời hạn."),
    )


@login_required
@require_POST
def task_drop(request, pk: int):
    def call(actor, task, form):
        services.task_drop(actor=actor, task=task, reason=form.cleaned_data["reason"])

    return _action(
        request,
        pk,
        "drop",
        lambda task: DropForm(request.POST, prefix="drop"),
        _require_change_deadline,
        call,
        _("Đã dừng thực hiện đầu việc."),
    )


@login_required
@require_POST
def task_link(request, pk: int):
    def call(actor, task, form):
        services.task_link_add(actor=actor, task=task, values=form.cleaned_data)

    return _action(
        request,
        pk,
        "link",
        lambda task: LinkForm(request.POST, prefix="link"),
        lambda actor, task: require_manage(actor, task.plan.organisation),
        call,
        _("Đã thêm văn bản liên quan."),
    )


@login_required
def evidence(request, pk: int):
    """Download an evidence file under its original name (RFC 5987 filename* for Vietnamese names)."""
    item = selectors.evidence_get(actor=request.actor, pk=pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------------------------
# The unit's list


@login_required
def my_tasks(request):
    """Đầu việc của đơn vị: what the acting unit leads or cooperates in, soonest due first."""
    actor = request.actor
    unit = actor.organisation
    today = timezone.localdate()
    status = request.GET.get("status", "")
    if status not in TaskStatus.values:
        status = ""
    search = (request.GET.get("q") or "")[:200]
    units = [unit] if unit is not None else []
    tasks = selectors.unit_tasks(actor=actor, units=units, today=today, status=status, search=search)
    page = paginate(request, tasks, per_page=50)
    page.object_list = list(page.object_list)
    for task in page.object_list:
        _status(task)
        task.is_lead = unit is not None and task.lead_unit is not None and task.lead_unit.path.startswith(unit.path)
    counts = {
        row["status"]: row["n"]
        for row in selectors.unit_tasks(actor=actor, units=units, today=today)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    }
    return render(
        request,
        "plans/tasks/my_tasks.html",
        {
            "unit": unit,
            "page_obj": page,
            "status": status,
            "search": search,
            "statuses": TaskStatus.choices,
            "overdue": counts.get(TaskStatus.OVERDUE, 0),
            "due_soon": counts.get(TaskStatus.DUE_SOON, 0),
            "total": sum(counts.values()),
            "today": today,
        },
    )


urlpatterns: list = [
    path("tasks/", my_tasks, name="my_tasks"),
    path("<int:plan_pk>/tasks/new/", task_create, name="task_create"),
    path("tasks/<int:pk>/", task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", task_delete, name="task_delete"),
    path("tasks/<int:pk>/report/", task_report, name="task_report"),
    path("tasks/<int:pk>/review/", task_review, name="task_review"),
    path("tasks/<int:pk>/urge/", task_urge, name="task_urge"),
    path("tasks/<int:pk>/deadline/", task_deadline, name="task_deadline"),
    path("tasks/<int:pk>/drop/", task_drop, name="task_drop"),
    path("tasks/<int:pk>/link/", task_link, name="task_link"),
    path("evidence/<int:pk>/", evidence, name="evidence"),
]
