"""Plans and their lifecycle: /api/v1/plans."""

from __future__ import annotations

from ninja import Query, Router, Status

from egov.core.api_utils import Page, PageParams, paginate_queryset
from egov.plans import selectors, services
from egov.plans.api.common import committee_ref, org, plan_out
from egov.plans.api.schemas import PlanDetailOut, PlanFilters, PlanIn, PlanOut, PlanPatch, TransitionIn
from egov.plans.models import PlanStatus
from egov.plans.permissions import require_view

# Tags per operation: the committees and tasks routers hang below this one and keep their own tags only.
router = Router()
TAGS = ["plans"]


def _values(actor, data: dict) -> dict:
    for name in ("organisation", "issuer"):
        if name in data:
            data[name] = org(actor, data[name], name)
    if "committee" in data:
        data["committee"] = committee_ref(actor, data["committee"])
    return data


def _detail(actor, pk: int) -> dict:
    return plan_out(selectors.plan_get(actor=actor, pk=pk), transitions=True)


@router.get("", tags=TAGS, response=Page[PlanOut], summary="List the plans the caller may see")
def list_plans(request, filters: Query[PlanFilters], paging: Query[PageParams]):
    actor = request.actor
    require_view(actor)
    within = org(actor, filters.organisation, "organisation")
    qs = selectors.plan_list(actor=actor, search=filters.search, status=filters.status or "", organisation=within)
    items, meta = paginate_queryset(qs, paging)
    return {**meta, "items": [plan_out(p) for p in items]}


@router.get("/{int:id}", tags=TAGS, response=PlanDetailOut, summary="One plan with its lifecycle")
def get_plan(request, id: int):
    return _detail(request.actor, id)


@router.post("", tags=TAGS, response={201: PlanDetailOut}, summary="Create a draft plan")
def create_plan(request, payload: PlanIn):
    actor = request.actor
    data = payload.dict()
    data["issuer"] = data["issuer"] or data["organisation"]
    plan = services.plan_create(actor=actor, values=_values(actor, data))
    return Status(201, _detail(actor, plan.pk))


@router.patch("/{int:id}", tags=TAGS, response=PlanDetailOut)
def update_plan(request, id: int, payload: PlanPatch):
    actor = request.actor
    plan = selectors.plan_get(actor=actor, pk=id)
    services.plan_update(actor=actor, plan=plan, values=_values(actor, payload.dict(exclude_unset=True)))
    return _detail(actor, id)


@router.post("/{int:id}/transition", tags=TAGS, response=PlanDetailOut, summary="Issue, amend or close a plan")
def transition_plan(request, id: int, payload: TransitionIn):
    actor = request.actor
    plan = selectors.plan_get(actor=actor, pk=id)
    services.plan_transition(
        actor=actor,
        plan=plan,
        to=PlanStatus(payload.to).value,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
        reason=payload.reason,
    )
    return _detail(actor, id)
