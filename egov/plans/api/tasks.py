"""Tasks of a plan and their progress: /api/v1/plans/{id}/tasks, /api/v1/plans/tasks/…, /api/v1/plans/my-tasks."""

from __future__ import annotations

import enum

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from egov.core.api_utils import Page, PageParams, paginate_queryset
from egov.core.errors import ValidationFailed
from egov.plans import selectors, services
from egov.plans.api.common import org, orgs, person, report_out, task_out, task_ref
from egov.plans.api.schemas import (
    DeadlineChangeOut,
    DeadlineIn,
    DropIn,
    EventOut,
    MyTaskFilters,
    ReportIn,
    ReportOut,
    ReviewIn,
    ReviewOut,
    TaskIn,
    TaskOut,
    TaskPatch,
    UrgeIn,
    UrgeOut,
)
from egov.plans.permissions import require_view

router = Router(tags=["plans: tasks"])


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value


def _task_values(actor, data: dict) -> dict:
    values = {name: _plain(value) for name, value in data.items()}
    if "lead_unit" in values:
        values["lead_unit"] = org(actor, values["lead_unit"], "lead_unit")
    if "cooperating_units" in values:
        values["cooperating_units"] = orgs(actor, values["cooperating_units"] or [], "cooperating_units")
    if "responsible_leader" in values:
        values["responsible_leader"] = person(actor, values["responsible_leader"], "responsible_leader")
    if "parent" in values:
        values["parent"] = task_ref(actor, values["parent"], "parent")
    return values


def _task(actor, pk: int) -> dict:
    return task_out(selectors.task_get(actor=actor, pk=pk))


def _by(user) -> str | None:
    return user.username if user is not None else None


@router.get("/{int:id}/tasks", response=list[TaskOut], summary="The plan's whole tree of sections and tasks")
def plan_tasks(request, id: int):
    plan = selectors.plan_get(actor=request.actor, pk=id)
    return [task_out(t) for t in selectors.plan_tasks(plan=plan)]


@router.post("/{int:id}/tasks", response={201: TaskOut}, summary="Add a section or a task to a plan")
def create_task(request, id: int, payload: TaskIn):
    actor = request.actor
    plan = selectors.plan_get(actor=actor, pk=id)
    task = services.task_create(actor=actor, plan=plan, values=_task_values(actor, payload.dict()))
    return Status(201, _task(actor, task.pk))


@router.get("/my-tasks", response=Page[TaskOut], summary="Tasks of the unit the caller acts for")
def my_tasks(request, filters: Query[MyTaskFilters], paging: Query[PageParams]):
    actor = request.actor
    require_view(actor)
    # The acting unit: chosen in the header for a person, the key's organisation for an API key.
    units = [actor.organisation] if actor.organisation is not None else []
    qs = selectors.unit_tasks(
        actor=actor, units=units, status=_plain(filters.status) or "", search=filters.search
    ).select_related("responsible_leader")
    items, meta = paginate_queryset(qs.prefetch_related("cooperating_units"), paging)
    return {**meta, "items": [task_out(t) for t in items]}


@router.get("/tasks/{int:id}", response=TaskOut)
def get_task(request, id: int):
    return _task(request.actor, id)


@router.patch("/tasks/{int:id}", response=TaskOut)
def update_task(request, id: int, payload: TaskPatch):
    actor = request.actor
    task = selectors.task_get(actor=actor, pk=id)
    services.task_update(actor=actor, task=task, values=_task_values(actor, payload.dict(exclude_unset=True)))
    return _task(actor, id)


@router.delete("/tasks/{int:id}", response={204: None}, summary="Delete a task of a draft plan")
def delete_task(request, id: int):
    actor = request.actor
    services.task_delete(actor=actor, task=selectors.task_get(actor=actor, pk=id))
    return Status(204, None)


@router.get("/tasks/{int:id}/reports", response=list[ReportOut], summary="Progress reports, newest first")
def list_reports(request, id: int):
    task = selectors.task_get(actor=request.actor, pk=id)
    return [report_out(r) for r in selectors.task_reports(task=task)]


def _submit(actor, id: int, payload: ReportIn, files: list | None) -> Status:
    task = selectors.task_get(actor=actor, pk=id)
    data = payload.dict()
    unit = org(actor, data.pop("unit"), "unit")
    if unit is None:
        raise ValidationFailed({"unit": [_("Chọn đơn vị báo cáo.")]})
    report = services.progress_report_submit(actor=actor, task=task, unit=unit, values=data, files=files)
    return Status(201, report_out(selectors.task_reports(task=task).get(pk=report.pk)))


@router.post("/tasks/{int:id}/reports", response={201: ReportOut}, summary="Report progress for a unit")
def submit_report(request, id: int, payload: ReportIn):
    return _submit(request.actor, id, payload, None)


@router.post(
    "/tasks/{int:id}/reports/upload",
    response={201: ReportOut},
    summary="Report progress with evidence files (multipart form)",
)
def submit_report_with_evidence(request, id: int, payload: Form[ReportIn], evidence: File[list[UploadedFile]] = None):
    return _submit(request.actor, id, payload, evidence or [])


@router.post("/tasks/{int:id}/review", response={201: ReviewOut}, summary="Confirm completion or send it back")
def review_task(request, id: int, payload: ReviewIn):
    actor = request.actor
    task = selectors.task_get(actor=actor, pk=id)
    review = services.completion_review(
        actor=actor,
        task=task,
        decision=_plain(payload.decision),
        comment=payload.comment,
        completed_on=payload.completed_on,
    )
    return Status(
        201,
        {
            "id": review.pk,
            "task": review.task_id,
            "report": review.report_id,
            "decision": review.decision,
            "completed_on": review.completed_on,
            "comment": review.comment,
            "by": _by(review.by),
            "at": review.at,
        },
    )


@router.post("/tasks/{int:id}/urge", response={201: UrgeOut}, summary="Urge the lead unit")
def urge_task(request, id: int, payload: UrgeIn):
    actor = request.actor
    task = selectors.task_get(actor=actor, pk=id)
    urge = services.task_urge(actor=actor, task=task, message=payload.message)
    return Status(
        201,
        {
            "id": urge.pk,
            "task": urge.task_id,
            "kind": urge.kind,
            "to_unit": task.lead_unit.code,
            "recipients": [r["name"] for r in urge.recipients],
            "message": urge.message,
            "by": _by(urge.by),
            "at": urge.at,
        },
    )


@router.post("/tasks/{int:id}/deadline", response={201: DeadlineChangeOut}, summary="Change an issued task's deadline")
def change_deadline(request, id: int, payload: DeadlineIn):
    actor = request.actor
    task = selectors.task_get(actor=actor, pk=id)
    change = services.task_change_deadline(actor=actor, task=task, deadline=payload.deadline, reason=payload.reason)
    return Status(
        201,
        {
            "id": change.pk,
            "task": change.task_id,
            "old_deadline": change.old_text,
            "old_due_date": change.old_due_date,
            "new_deadline": change.new_text,
            "new_due_date": change.new_due_date,
            "reason": change.reason,
            "by": _by(change.by),
            "at": change.at,
        },
    )


@router.post("/tasks/{int:id}/drop", response=TaskOut, summary="Stop a task, with the reason")
def drop_task(request, id: int, payload: DropIn):
    actor = request.actor
    task = selectors.task_get(actor=actor, pk=id)
    services.task_drop(actor=actor, task=task, reason=payload.reason)
    return _task(actor, id)


@router.get("/tasks/{int:id}/history", response=list[EventOut], summary="The task's timeline, oldest first")
def task_history(request, id: int):
    task = selectors.task_get(actor=request.actor, pk=id)
    return [
        {"id": e.pk, "kind": e.kind, "summary": e.summary, "by": e.by_label, "at": e.at}
        for e in selectors.task_history(task=task)
    ]
