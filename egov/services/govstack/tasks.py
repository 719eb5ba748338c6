"""Tasks: the open step of each dossier (DossierStep), plus the intake a submitted dossier waits for.

A task's id says which: `step-<DossierStep id>` or `intake-<dossier code>`. Completing one calls the dossier
service that finishes that step: accept for intake, hand over along the route, resolve before the return step,
return for the return step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.accounts.selectors import people_visible
from egov.core.errors import NotFound, ValidationFailed
from egov.core.validation import acting_user
from egov.services import permissions
from egov.services.dossiers import processing
from egov.services.govstack import documents
from egov.services.models import Dossier, DossierState, DossierStep, StepKind

S = DossierState
# The states in which a dossier has a task: waiting for intake, or on its route.
TASK_STATES = (S.SUBMITTED, S.PROCESSING, S.RESOLVED)
INTAKE = "intake"


@dataclass(frozen=True)
class Task:
    id: str
    dossier: Dossier
    step: DossierStep | None  # None: the intake of a submitted dossier
    kind: str
    name: str
    role: str
    created: dt.datetime
    due: dt.datetime | None

    @property
    def assignee(self):
        return self.step.assignee if self.step is not None else None


def _open_steps() -> Prefetch:
    rows = (
        DossierStep.objects.filter(finished_at__isnull=True).select_related("assignee").order_by("-started_at", "-pk")
    )
    return Prefetch("steps", queryset=rows, to_attr="open_steps")


def with_tasks(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The dossiers with what task_of() reads, prefetched (three queries whatever the count)."""
    return dossiers.select_related("agency", "version__procedure", "applicant").prefetch_related(
        _open_steps(), "version__route"
    )


def task_of(dossier: Dossier) -> Task | None:
    """The dossier's open task (needs with_tasks())."""
    if dossier.state == S.SUBMITTED:
        route = sorted(dossier.version.route.all(), key=lambda s: s.position)
        intake = next((s for s in route if s.kind == StepKind.INTAKE), None)
        return Task(
            id=f"{INTAKE}-{dossier.code}",
            dossier=dossier,
            step=None,
            kind=StepKind.INTAKE,
            name=intake.name if intake is not None else str(StepKind.INTAKE.label),
            role=intake.role if intake is not None else "one_stop_officer",
            created=dossier.submitted_at,
            due=None,
        )
    if dossier.state not in TASK_STATES or not dossier.open_steps:
        return None
    step = dossier.open_steps[0]
    route_step = next((s for s in dossier.version.route.all() if s.position == step.position), None)
    return Task(
        id=f"step-{step.pk}",
        dossier=dossier,
        step=step,
        kind=step.kind,
        name=step.name,
        role=route_step.role if route_step is not None else "",
        created=step.started_at,
        due=step.due_at,
    )


def holds(actor: Actor, task: Task) -> bool:
    """The caller may complete it: its assignee, or one holding the step's permission at the agency."""
    user = acting_user(actor)
    if task.step is None:
        return can(actor, Perm.SERVICES_INTAKE, task.dossier.agency)
    if user is not None and task.step.assignee_id == user.pk:
        return True
    return can(actor, processing.STEP_PERMS.get(task.role, Perm.SERVICES_PROCESS), task.dossier.agency)


def _staff_dossiers(actor: Actor) -> QuerySet[Dossier]:
    return Dossier.objects.filter(permissions.staff_q(actor))


def tasks_held(actor: Actor, *, dossier_code: str | None = None, assignee: str | None = None) -> list[Task]:
    """The open tasks the caller may complete, of the agencies where they work."""
    rows = _staff_dossiers(actor).filter(state__in=TASK_STATES)
    if dossier_code:
        rows = rows.filter(code=dossier_code)
    tasks = [task for task in (task_of(d) for d in with_tasks(rows)) if task is not None and holds(actor, task)]
    if assignee:
        tasks = [t for t in tasks if t.assignee is not None and t.assignee.username == assignee]
    return tasks


def _parse(task_id: str) -> tuple[str, str] | None:
    kind, sep, rest = (task_id or "").partition("-")
    if not sep or not rest or kind not in (INTAKE, "step") or (kind == "step" and not rest.isdigit()):
        return None
    return kind, rest


def task_get(actor: Actor, task_id: str, *, lock: bool = False) -> Task:
    """An open task of a dossier the caller sees as staff; NotFound for anything else (finished, unknown, hidden)."""
    parsed = _parse(task_id)
    if parsed is None:
        raise NotFound(_("Không tìm thấy công việc “%(id)s”.") % {"id": task_id})
    kind, rest = parsed
    rows = _staff_dossiers(actor)
    pk = (
        rows.filter(code=rest).values_list("pk", flat=True).first()
        if kind == INTAKE
        else rows.filter(steps__pk=int(rest)).values_list("pk", flat=True).first()
    )
    if pk is not None and lock:
        Dossier.objects.select_for_update().filter(pk=pk).first()
    dossier = with_tasks(Dossier.objects.filter(pk=pk)).first() if pk is not None else None
    task = task_of(dossier) if dossier is not None else None
    if task is None or task.id != task_id:
        raise NotFound(_("Không tìm thấy công việc “%(id)s”.") % {"id": task_id})
    return task


# --- completion -------------------------------------------------------------------------------------------------
ACTION_VARIABLES = {
    "accept": {"assignee"},
    "hand_over": {"assignee", "note"},
    "resolve": {"note", "result"},
    "return": {"note"},
}


def action_for(task: Task) -> str:
    if task.step is None:
        return "accept"
    if task.kind == StepKind.RETURN or task.dossier.state == S.RESOLVED:
        return "return"
    later = sorted(
        (s for s in task.dossier.version.route.all() if s.position > task.step.position), key=lambda s: s.position
    )
    if later and later[0].kind != StepKind.RETURN:
        return "hand_over"
    return "resolve"


def _text(data: dict, name: str) -> str | None:
    if name not in data:
        return None
    value = data[name].get("value")
    if not isinstance(value, str):
        raise ValidationFailed({f"data.{name}.value": [_("Giá trị phải là một chuỗi ký tự.")]})
    return value


def _inputs(actor: Actor, action: str, data: dict) -> dict:
    allowed = ACTION_VARIABLES[action]
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed(
            {
                f"data.{unknown[0]}": [
                    _("Biến không dùng được khi hoàn thành công việc này; chỉ nhận: %(names)s.")
                    % {"names": ", ".join(sorted(allowed))}
                ]
            }
        )
    inputs: dict = {}
    username = _text(data, "assignee")
    if username is not None:
        user = people_visible(actor=actor).filter(username=username.strip()).first()
        if user is None:
            raise ValidationFailed({"data.assignee.value": [_("Không tìm thấy người dùng “%(u)s”.") % {"u": username}]})
        inputs["assignee"] = user
    note = _text(data, "note")
    if note is not None:
        inputs["note"] = note
    result = _text(data, "result")
    if result is not None:
        inputs["result"] = documents.document_take(actor=actor, ref=result, field="data.result.value").upload
    return inputs


@transaction.atomic
def task_complete(*, actor: Actor, task_id: str, data: dict) -> tuple[Task, str, Dossier]:
    """Finish the task with the dossier service its step calls for; the dossier stays locked meanwhile."""
    task = task_get(actor, task_id, lock=True)
    action = action_for(task)
    inputs = _inputs(actor, action, data)
    dossier = task.dossier
    if action == "accept":
        dossier = processing.dossier_accept(actor=actor, dossier=dossier, assignee=inputs.get("assignee"))
    elif action == "hand_over":
        dossier = processing.dossier_hand_over(
            actor=actor, dossier=dossier, assignee=inputs.get("assignee"), note=inputs.get("note", "")
        )
    elif action == "resolve":
        dossier = processing.dossier_resolve(
            actor=actor, dossier=dossier, result=inputs.get("result"), note=inputs.get("note", "")
        )
    else:
        dossier = processing.dossier_return(actor=actor, dossier=dossier, note=inputs.get("note", ""))
    return task, action, dossier


def next_task(dossier: Dossier) -> Task | None:
    fresh = with_tasks(Dossier.objects.filter(pk=dossier.pk)).first()
    return task_of(fresh) if fresh is not None else None
