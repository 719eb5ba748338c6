"""Reads of overlap candidates: a pair is shown only to those who may see both of its tasks."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from egov.accounts.actor import Actor
from egov.core.errors import NotFound
from egov.plans.models import OverlapCandidate, OverlapStatus, Plan, SteeringCommittee
from egov.plans.selectors import tasks_visible

RELATED = (
    "task_a__plan__organisation",
    "task_a__lead_unit",
    "task_b__plan__organisation",
    "task_b__lead_unit",
)


def overlaps_visible(*, actor: Actor) -> QuerySet[OverlapCandidate]:
    visible = tasks_visible(actor=actor).values("pk")
    return OverlapCandidate.objects.filter(task_a__in=visible, task_b__in=visible).select_related(*RELATED)


def overlap_list(
    *,
    actor: Actor,
    plan: Plan | None = None,
    committee: SteeringCommittee | None = None,
    status: str = OverlapStatus.OPEN,
) -> QuerySet[OverlapCandidate]:
    """Candidates in a status (open by default), best score first, optionally touching one plan or committee."""
    qs = overlaps_visible(actor=actor).filter(status=status)
    if plan is not None:
        qs = qs.filter(Q(task_a__plan=plan) | Q(task_b__plan=plan))
    if committee is not None:
        qs = qs.filter(Q(task_a__plan__committee=committee) | Q(task_b__plan__committee=committee))
    return qs.order_by("-score", "pk")


def overlap_get(*, actor: Actor, pk: int) -> OverlapCandidate:
    candidate = overlaps_visible(actor=actor).filter(pk=pk).first()
    if candidate is None:
        raise NotFound("Overlap candidate not found")
    return candidate
