"""Pages: tasks that may describe the same work (trùng lặp nhiệm vụ), side by side, to link or dismiss."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.permissions import scope_paths
from egov.accounts.roles import Perm
from egov.core.errors import DomainError, NotFound, PermissionDenied
from egov.core.views_helpers import paginate, safe_next
from egov.plans import selectors
from egov.plans.permissions import can_manage, require_view
from egov.plans.selectors import overlap as selectors_overlap
from egov.plans.services import overlap as services_overlap


def _id(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise NotFound(_("Không tìm thấy.")) from None


def _filters(request, source) -> dict:
    """The plan or committee the list is narrowed to (404 if the actor may not see it)."""
    actor = request.actor
    plan_id, committee_id = _id(source.get("plan")), _id(source.get("committee"))
    return {
        "plan": selectors.plan_get(actor=actor, pk=plan_id) if plan_id else None,
        "committee": selectors.committee_get(actor=actor, pk=committee_id) if committee_id else None,
    }


def _list_url(filters: dict) -> str:
    query = {name: obj.pk for name, obj in filters.items() if obj is not None}
    return reverse("plans:overlaps") + (f"?{urlencode(query)}" if query else "")


def _may_scan(actor, filters: dict) -> bool:
    if filters["committee"] is not None:
        return can_manage(actor, filters["committee"].organisation)
    if filters["plan"] is not None:
        return can_manage(actor, filters["plan"].organisation)
    return scope_paths(actor, Perm.PLANS_MANAGE) != ()


def _render_list(request, filters: dict, *, error: str = "", status: int = 200):
    actor = request.actor
    page = paginate(request, selectors_overlap.overlap_list(actor=actor, **filters), per_page=25)
    for candidate in page:
        candidate.percent = round(candidate.score * 100)
        candidate.pair = (candidate.task_a, candidate.task_b)
        candidate.can_decide = can_manage(actor, candidate.task_a.plan.organisation) or can_manage(
            actor, candidate.task_b.plan.organisation
        )
    return render(
        request,
        "plans/overlap/list.html",
        {
            **filters,
            "page": page,
            "list_url": _list_url(filters),
            "can_scan": _may_scan(actor, filters),
            "error": error,
        },
        status=status,
    )


@login_required
def overlaps(request):
    require_view(request.actor)
    return _render_list(request, _filters(request, request.GET))


@login_required
@require_POST
def overlap_scan(request):
    actor = request.actor
    filters = _filters(request, request.POST)
    plans = [filters["plan"]] if filters["plan"] is not None else None
    result = services_overlap.overlap_scan(actor=actor, plans=plans, committee=filters["committee"])
    messages.success(
        request,
        _(
            "Đã rà soát %(tasks)d đầu việc: %(created)d cặp mới có thể trùng lặp, %(updated)d cặp cập nhật mức "
            "tương đồng, %(removed)d cặp không còn tương đồng."
        )
        % {"tasks": result.tasks, "created": result.created, "updated": result.updated, "removed": result.removed},
    )
    return redirect(_list_url(filters))


@login_required
@require_POST
def overlap_decide(request, pk: int):
    actor = request.actor
    candidate = selectors_overlap.overlap_get(actor=actor, pk=pk)
    try:
        services_overlap.overlap_decide(
            actor=actor,
            candidate=candidate,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
        )
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        return _render_list(request, _filters(request, request.POST), error=exc.message, status=exc.status)
    if request.POST.get("decision") == "linked":
        messages.success(request, _("Đã liên kết hai đầu việc."))
    else:
        messages.success(request, _("Đã ghi nhận hai đầu việc không trùng lặp."))
    return redirect(safe_next(request, reverse("plans:overlaps")))


urlpatterns: list = [
    path("overlaps/", overlaps, name="overlaps"),
    path("overlaps/scan/", overlap_scan, name="overlap_scan"),
    path("overlaps/<int:pk>/decide/", overlap_decide, name="overlap_decide"),
]
