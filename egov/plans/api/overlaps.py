"""Tasks that may describe the same work (trùng lặp nhiệm vụ): /api/v1/plans/overlaps.

A pair is listed only to someone who may see both of its tasks (selectors/overlap.py); scanning and deciding
need plans.manage, checked by `egov.plans.services.overlap`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from egov.core.api_utils import Page, PageParams, paginate_queryset
from egov.core.errors import NotFound, ValidationFailed
from egov.plans import selectors
from egov.plans.api.common import committee_ref
from egov.plans.api.schemas_meetings import DecideIn, OverlapFilters, OverlapOut, ScanIn, ScanOut
from egov.plans.models import OverlapCandidate
from egov.plans.permissions import require_view
from egov.plans.selectors import overlap as selectors_overlap
from egov.plans.services import overlap as services_overlap

router = Router(tags=["plans: overlaps"])


def _task_out(task) -> dict:
    return {
        "id": task.pk,
        "plan": task.plan_id,
        "organisation": task.plan.organisation.code,
        "title": task.title,
        "lead_unit": task.lead_unit.code if task.lead_unit_id else None,
    }


def overlap_out(candidate: OverlapCandidate) -> dict:
    return {
        "id": candidate.pk,
        "score": candidate.score,
        "same_plan": candidate.same_plan,
        "status": candidate.status,
        "note": candidate.note,
        "detected_at": candidate.detected_at,
        "decided_by": candidate.decided_by.username if candidate.decided_by_id else None,
        "decided_at": candidate.decided_at,
        "task_a": _task_out(candidate.task_a),
        "task_b": _task_out(candidate.task_b),
    }


def _plan_ref(actor, pk: int | None, field: str):
    if pk is None:
        return None
    try:
        return selectors.plan_get(actor=actor, pk=pk)
    except NotFound:
        raise ValidationFailed({field: [_("Không tìm thấy kế hoạch số %(pk)d.") % {"pk": pk}]}) from None


@router.get("/overlaps", response=Page[OverlapOut], summary="Pairs of tasks that may overlap, best score first")
def list_overlaps(request, filters: Query[OverlapFilters], paging: Query[PageParams]):
    actor = request.actor
    require_view(actor)
    qs = selectors_overlap.overlap_list(
        actor=actor,
        plan=_plan_ref(actor, filters.plan, "plan"),
        committee=committee_ref(actor, filters.committee),
        status=filters.status.value,
    ).select_related("decided_by")
    items, meta = paginate_queryset(qs, paging)
    return {**meta, "items": [overlap_out(c) for c in items]}


@router.post("/overlaps/scan", response=ScanOut, summary="Scan plans for overlapping tasks (idempotent)")
def scan_overlaps(request, payload: ScanIn):
    actor = request.actor
    if payload.plans is not None and payload.committee is not None:
        # The service would silently ignore the plans: say so instead.
        raise ValidationFailed({"plans": [_("Chọn kế hoạch hoặc Ban Chỉ đạo, không chọn cả hai.")]})
    plans = None
    if payload.plans is not None:
        if not payload.plans:
            raise ValidationFailed({"plans": [_("Chọn ít nhất một kế hoạch.")]})
        plans = [_plan_ref(actor, pk, "plans") for pk in dict.fromkeys(payload.plans)]
    committee = committee_ref(actor, payload.committee)
    result = services_overlap.overlap_scan(actor=actor, plans=plans, committee=committee)
    return {
        "created": result.created,
        "updated": result.updated,
        "removed": result.removed,
        "compared": result.compared,
        "tasks": result.tasks,
    }


@router.post("/overlaps/{int:id}/decide", response=OverlapOut, summary="Link the two tasks or dismiss the pair")
def decide_overlap(request, id: int, payload: DecideIn):
    actor = request.actor
    candidate = selectors_overlap.overlap_get(actor=actor, pk=id)
    services_overlap.overlap_decide(
        actor=actor, candidate=candidate, decision=payload.decision.value, note=payload.note
    )
    return overlap_out(selectors_overlap.overlap_get(actor=actor, pk=id))
