"""Trùng lặp nhiệm vụ: scanning plans for tasks that describe the same work, and deciding on each pair."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.roles import Perm
from egov.audit.services import audit_record
from egov.core.errors import InvalidTransition, NotFound, PermissionDenied
from egov.core.text import fold
from egov.plans.models import (
    OverlapCandidate,
    OverlapStatus,
    Plan,
    PlanStatus,
    SteeringCommittee,
    Task,
    TaskEvent,
    TaskKind,
    TaskLink,
)
from egov.plans.overlap import ShingleIndex, threshold
from egov.plans.permissions import can_manage, paths_q, require_manage
from egov.plans.selectors import plans_visible, tasks_visible
from egov.plans.services._common import Errors, acting_user, event, text


@dataclass(frozen=True)
class ScanResult:
    created: int
    updated: int
    removed: int
    compared: int
    tasks: int


def _scope_plans(actor: Actor, plans, committee: SteeringCommittee | None) -> list[Plan]:
    """The plans whose tasks are checked; the actor must manage each (or the committee following them)."""
    visible = plans_visible(actor=actor).exclude(status=PlanStatus.CLOSED)
    if committee is not None:
        require_manage(actor, committee.organisation)
        return list(visible.filter(committee=committee))
    if plans is not None:
        ids = [p.pk for p in plans]
        found = list(visible.filter(pk__in=ids))
        if len(found) != len(set(ids)):
            raise NotFound(_("Không tìm thấy kế hoạch."))
        for plan in found:
            require_manage(actor, plan.organisation)
        return found
    managed = paths_q(actor, Perm.PLANS_MANAGE, "organisation__path")
    found = list(visible if managed is None else visible.filter(managed))
    if not found:
        raise PermissionDenied(_("Bạn không quản lý kế hoạch nào để rà soát trùng lặp."))
    return found


def _corpus(actor: Actor) -> dict[int, tuple[int, str]]:
    """Every task the actor may see in plans not yet closed: id → (plan id, folded text)."""
    rows = (
        Task.objects.filter(
            kind=TaskKind.TASK,
            dropped_on__isnull=True,
            plan__in=plans_visible(actor=actor).exclude(status=PlanStatus.CLOSED).values("pk"),
        )
        .order_by()
        .values_list("pk", "plan_id", "folded_text", "title", "product")
    )
    return {pk: (plan_id, folded or fold(f"{title} {product}")) for pk, plan_id, folded, title, product in rows}


@transaction.atomic
def overlap_scan(
    *,
    actor: Actor,
    plans: list[Plan] | QuerySet[Plan] | None = None,
    committee: SteeringCommittee | None = None,
    min_score: float | None = None,
) -> ScanResult:
    """Find pairs between the tasks of the scoped plans and every task the actor may see (idempotent).

    New pairs become open candidates; open ones get their score refreshed, or are removed when their texts
    no longer match; pairs already linked or dismissed, and tasks already linked to each other, stay as they are.
    """
    scope = _scope_plans(actor, plans, committee)
    scope_plan_ids = {p.pk for p in scope}
    corpus = _corpus(actor)
    index = ShingleIndex.build({pk: folded for pk, (_plan, folded) in corpus.items()})
    scope_ids = [pk for pk, (plan_id, _text) in corpus.items() if plan_id in scope_plan_ids]
    found = index.pairs(min_score=threshold() if min_score is None else min_score, scope=scope_ids)

    touching = Q(task_a__plan_id__in=scope_plan_ids) | Q(task_b__plan_id__in=scope_plan_ids)
    linked = {
        (min(a, b), max(a, b))
        for a, b in TaskLink.objects.filter(
            Q(task__plan_id__in=scope_plan_ids) | Q(related_task__plan_id__in=scope_plan_ids),
            kind=TaskLink.Kind.RELATED_TASK,
        ).values_list("task_id", "related_task_id")
    }
    existing = {(c.task_a_id, c.task_b_id): c for c in OverlapCandidate.objects.select_for_update().filter(touching)}
    new, changed, seen = [], [], set()
    for pair in found:
        key = (pair.a, pair.b)
        seen.add(key)
        same_plan = corpus[pair.a][0] == corpus[pair.b][0]
        candidate = existing.get(key)
        if candidate is not None:
            if candidate.status == OverlapStatus.OPEN and (candidate.score != pair.score):
                candidate.score, candidate.same_plan = pair.score, same_plan
                changed.append(candidate)
        elif key not in linked:
            new.append(OverlapCandidate(task_a_id=pair.a, task_b_id=pair.b, score=pair.score, same_plan=same_plan))
    OverlapCandidate.objects.bulk_create(new, batch_size=500)
    OverlapCandidate.objects.bulk_update(changed, ["score", "same_plan"], batch_size=500)
    # Only pairs whose two tasks were both compared may be judged stale; others lie outside what the actor sees.
    stale = [
        c.pk
        for key, c in existing.items()
        if c.status == OverlapStatus.OPEN and key not in seen and key[0] in corpus and key[1] in corpus
    ]
    OverlapCandidate.objects.filter(pk__in=stale).delete()
    result = ScanResult(
        created=len(new), updated=len(changed), removed=len(stale), compared=index.compared, tasks=len(corpus)
    )
    audit_record(
        actor=actor,
        action="plans.overlap.scan",
        object_type="plans.overlapcandidate",
        object_repr=_("Rà soát trùng lặp %(n)d kế hoạch") % {"n": len(scope)},
        scope_org=committee.organisation if committee is not None else (scope[0].organisation if scope else None),
        after={
            "plans": sorted(scope_plan_ids),
            "created": result.created,
            "updated": result.updated,
            "removed": result.removed,
        },
    )
    return result


@transaction.atomic
def overlap_decide(*, actor: Actor, candidate: OverlapCandidate, decision: str, note: str = "") -> OverlapCandidate:
    """Link the two tasks as related work (both ways, in both timelines) or dismiss the pair as different."""
    candidate = OverlapCandidate.objects.select_for_update().get(pk=candidate.pk)
    tasks = {
        t.pk: t
        for t in tasks_visible(actor=actor)
        .filter(pk__in=[candidate.task_a_id, candidate.task_b_id])
        .select_related("plan__organisation")
    }
    if len(tasks) != 2:
        raise NotFound(_("Không tìm thấy cặp đầu việc."))
    task_a, task_b = tasks[candidate.task_a_id], tasks[candidate.task_b_id]
    if not (can_manage(actor, task_a.plan.organisation) or can_manage(actor, task_b.plan.organisation)):
        raise PermissionDenied(
            _("Chỉ Tổ giúp việc, thư ký của %(a)s hoặc %(b)s được quyết định về cặp đầu việc này.")
            % {"a": task_a.plan.organisation.name, "b": task_b.plan.organisation.name}
        )
    if candidate.status != OverlapStatus.OPEN:
        raise InvalidTransition(_("Cặp đầu việc này đã được xem xét."))
    errors = Errors()
    if decision not in (OverlapStatus.LINKED, OverlapStatus.DISMISSED):
        errors.add("decision", _("Chọn liên kết hoặc không trùng."))
    note = text({"note": note}, "note", errors, max_length=1000)
    errors.raise_if_any()
    if decision == OverlapStatus.LINKED:
        for task, other in ((task_a, task_b), (task_b, task_a)):
            TaskLink.objects.get_or_create(
                task=task,
                kind=TaskLink.Kind.RELATED_TASK,
                related_task=other,
                defaults={"created_by": acting_user(actor), "title": note[:500]},
            )
            event(
                task,
                TaskEvent.Kind.LINKED,
                _("Liên kết với đầu việc “%(t)s” (%(plan)s, %(org)s) — có nội dung trùng lặp.")
                % {
                    "t": other.title[:300],
                    "plan": other.plan.number or other.plan.title[:100],
                    "org": other.plan.organisation.name,
                },
                actor,
                {"overlap": candidate.pk, "related_task": other.pk},
            )
    candidate.status = decision
    candidate.note = note
    candidate.decided_by = acting_user(actor)
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "note", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="plans.overlap.decide",
        obj=candidate,
        scope_org=task_a.plan.organisation,
        after={"decision": decision, "note": note, "task_a": task_a.pk, "task_b": task_b.pk},
    )
    return candidate
