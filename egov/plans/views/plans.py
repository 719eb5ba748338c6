"""Pages: plans (kế hoạch) — the list, the form, the lifecycle and the plan with its whole task tree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.core.errors import DomainError, InvalidTransition, PermissionDenied
from egov.core.views_helpers import apply_error, paginate
from egov.organisations.models import Organisation
from egov.plans import selectors, services
from egov.plans.forms.plans import PlanFilterForm, PlanForm, PlanTransitionForm
from egov.plans.models import PLAN_TRANSITIONS, PlanStatus, SteeringCommittee, TaskKind
from egov.plans.permissions import can_manage, require_manage, require_view
from egov.plans.reports.dashboard import status_counts
from egov.plans.services.plans import PLAN_FIELDS
from egov.plans.services.tasks import SORT_STEP
from egov.plans.status import TAG_COLOURS, TaskStatus
from egov.plans.views._common import managed_organisations

# Tag colours of the plan's own lifecycle states.
PLAN_TAG_COLOURS = {
    PlanStatus.DRAFT: "grey",
    PlanStatus.ISSUED: "blue",
    PlanStatus.AMENDED: "purple",
    PlanStatus.CLOSED: "green",
}


@dataclass(frozen=True)
class TaskRow:
    """One line of the plan's table: a task or a section, with what the template would otherwise compute."""

    task: selectors.TreeNode
    depth: int
    status_label: str
    colour: str
    cooperating: list[str]
    url: str
    due: str
    percent: str


def _committees(actor, current: SteeringCommittee | None = None):
    qs = selectors.committees_visible(actor=actor)
    if current is not None:
        qs = (qs | SteeringCommittee.objects.filter(pk=current.pk)).distinct()
    return qs.order_by("name")


# A plan has hundreds of rows: reverse the task page once and fill in each pk (saves a resolver walk per row).
_PK_MARKER = 987654321


def _task_url_pattern() -> str:
    return reverse("plans:task_detail", args=[_PK_MARKER])


def _tree_rows(tasks: list[selectors.TreeNode], *, status: str, unit_pk: int | None) -> list[TaskRow]:
    """The rows to show; a filter keeps the matching tasks and the sections above them."""
    url_pattern = _task_url_pattern()
    keep: set[int] | None = None
    if status or unit_pk:
        by_pk = {t.pk: t for t in tasks}
        keep = set()
        for task in tasks:
            if task.kind != TaskKind.TASK:
                continue
            if (status and task.status != status) or (unit_pk and task.lead_unit_id != unit_pk):
                continue
            node = task
            while node is not None and node.pk not in keep:
                keep.add(node.pk)
                node = by_pk.get(node.parent_id)
    rows = []
    for task in tasks:
        if keep is not None and task.pk not in keep:
            continue
        is_task = task.kind == TaskKind.TASK
        rows.append(
            TaskRow(
                task=task,
                depth=max(len(task.sort_key) // SORT_STEP - 1, 0),
                status_label=str(TaskStatus(task.status).label) if is_task else "",
                colour=TAG_COLOURS.get(task.status, "grey") if is_task else "",
                cooperating=task.cooperating,
                url=url_pattern.replace(str(_PK_MARKER), str(task.pk)) if url_pattern else "",
                due=_("hạn %(date)s") % {"date": task.due_date.strftime("%d/%m/%Y")} if task.due_date else "",
                percent=f"{task.percent}%",
            )
        )
    return rows


@login_required
def plan_index(request):
    actor = request.actor
    require_view(actor)
    visible = selectors.plans_visible(actor=actor)
    organisations = Organisation.objects.filter(pk__in=visible.values("organisation_id")).order_by("path")
    filters = PlanFilterForm(request.GET, organisations=organisations)
    # Drafts have no issue date: put them first on every database (PostgreSQL and SQLite disagree on NULLs).
    plans = selectors.plan_list(actor=actor, **filters.filters()).order_by(F("issued_on").desc(nulls_first=True), "-pk")
    page_obj = paginate(request, plans, 25)
    page_obj.object_list = list(page_obj.object_list)
    for plan in page_obj.object_list:
        plan.tag_colour = PLAN_TAG_COLOURS[plan.status]
    acting = actor.organisation
    return render(
        request,
        "plans/plans/list.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            "can_create": can(actor, Perm.PLANS_MANAGE),
            "rollup_label": _rollup_label(actor),
            "acting_org": acting if acting is not None and can(actor, Perm.PLANS_VIEW, acting) else None,
            "can_scan_overlaps": can(actor, Perm.PLANS_MANAGE),
        },
    )


def _rollup_label(actor) -> str:
    """The roll-up link's text for this person, or "" when they have no roll-up (see reports.rollup_scope)."""
    from egov.plans.reports.rollup import rollup_scope

    try:
        province = rollup_scope(actor=actor)
    except DomainError:
        return ""
    if province is None:
        return _("Tổng hợp toàn quốc")
    return _("Tổng hợp toàn tỉnh %(name)s") % {"name": province.short_name or province.name}


@login_required
def plan_detail(request, pk: int):
    actor = request.actor
    plan = selectors.plan_get(actor=actor, pk=pk)
    today = timezone.localdate()
    tasks = selectors.plan_tree(plan=plan, today=today)
    status = request.GET.get("status", "")
    if status not in TaskStatus.values:
        status = ""
    try:
        unit_pk = int(request.GET.get("unit", "")) or None
    except ValueError:
        unit_pk = None
    lead_units = sorted(
        {t.lead_unit_id: (t.lead_unit_path, t.lead_unit_id, t.lead_unit_name) for t in tasks if t.lead_unit_id}.values()
    )
    lead_units = [{"pk": pk, "name": name} for _path, pk, name in lead_units]
    manage = can_manage(actor, plan.organisation)
    return render(
        request,
        "plans/plans/detail.html",
        {
            "plan": plan,
            "plan_colour": PLAN_TAG_COLOURS[plan.status],
            "transitions": plan.transitions.select_related("by"),
            "counts": status_counts(Counter(t.status for t in tasks if t.kind == TaskKind.TASK), nonzero=True),
            "total": sum(1 for t in tasks if t.kind == TaskKind.TASK),
            "rows": _tree_rows(tasks, status=status, unit_pk=unit_pk),
            "statuses": TaskStatus.choices,
            "lead_units": lead_units,
            "status": status,
            "unit_pk": unit_pk,
            "filtered": bool(status or unit_pk),
            "today": today,
            "can_manage": manage,
            "can_edit": manage and plan.is_editable,
            "can_transition": manage and bool(PLAN_TRANSITIONS.get(plan.status)),
        },
    )


@login_required
def plan_create(request):
    actor = request.actor
    if not can(actor, Perm.PLANS_MANAGE):
        raise PermissionDenied(_("Chỉ Tổ giúp việc, thư ký Ban Chỉ đạo được thêm kế hoạch."))
    organisations = managed_organisations(actor)
    initial: dict = {"due_soon_days": 5, "recurring_report_days": 92}
    acting = actor.organisation
    if acting is not None and organisations.filter(pk=acting.pk).exists():
        initial |= {"organisation": acting.pk, "issuer": acting.pk}
    initial["committee"] = request.GET.get("committee") or None
    form = PlanForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        committees=_committees(actor),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=actor, values=form.values(), files=form.files_data())
        except DomainError as exc:
            apply_error(form, exc, {"__all__": "organisation"} if isinstance(exc, PermissionDenied) else None)
        else:
            messages.success(request, _("Đã thêm kế hoạch dự thảo “%(title)s”.") % {"title": plan.title})
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(
        request, "plans/plans/form.html", {"form": form, "creating": True}, status=400 if form.errors else 200
    )


@login_required
def plan_edit(request, pk: int):
    actor = request.actor
    plan = selectors.plan_get(actor=actor, pk=pk)
    require_manage(actor, plan.organisation)
    if not plan.is_editable:
        raise InvalidTransition(_("Kế hoạch đã kết thúc, không sửa được."))
    initial = {name: getattr(plan, name) for name in PLAN_FIELDS}
    initial |= {"organisation": plan.organisation_id, "issuer": plan.issuer_id, "committee": plan.committee_id}
    form = PlanForm(
        request.POST or None,
        request.FILES or None,
        organisations=managed_organisations(actor, plan.organisation, plan.issuer),
        committees=_committees(actor, plan.committee),
        issued=plan.status != PlanStatus.DRAFT,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_update(actor=actor, plan=plan, values=form.values(), files=form.files_data())
        except DomainError as exc:
            apply_error(form, exc, {"__all__": "organisation"} if isinstance(exc, PermissionDenied) else None)
        else:
            messages.success(request, _("Đã lưu kế hoạch “%(title)s”.") % {"title": plan.title})
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plans/form.html", {"form": form, "plan": plan}, status=400 if form.errors else 200)


@login_required
def plan_transition(request, pk: int):
    actor = request.actor
    plan = selectors.plan_get(actor=actor, pk=pk)
    require_manage(actor, plan.organisation)
    allowed = PLAN_TRANSITIONS.get(plan.status, frozenset())
    if not allowed:
        raise InvalidTransition(_("Kế hoạch đã kết thúc, không chuyển trạng thái được nữa."))
    form = PlanTransitionForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_transition(
                actor=actor,
                plan=plan,
                to=data["to"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                reason=data["reason"],
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request,
                _("Kế hoạch đã chuyển sang “%(status)s”.") % {"status": PlanStatus(plan.status).label},
            )
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(
        request,
        "plans/plans/transition.html",
        {"form": form, "plan": plan, "plan_colour": PLAN_TAG_COLOURS[plan.status]},
        status=400 if form.errors else 200,
    )


urlpatterns: list = [
    path("", plan_index, name="index"),
    path("new/", plan_create, name="plan_create"),
    path("<int:pk>/", plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", plan_edit, name="plan_edit"),
    path("<int:pk>/transition/", plan_transition, name="plan_transition"),
]
