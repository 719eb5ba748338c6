"""Tasks and sections of a plan: create, edit, move in the tree, change a deadline, drop, link documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.models import User
from egov.audit.services import audit_record, snapshot
from egov.calendar.workdays import WorkingCalendar
from egov.core.errors import InvalidTransition, ValidationFailed
from egov.core.text import fold
from egov.organisations.models import Organisation
from egov.plans.deadlines import Deadline, DeadlineError, check_within_plan, parse_deadline
from egov.plans.models import DeadlineChange, Plan, PlanStatus, Priority, Task, TaskEvent, TaskKind, TaskLink
from egov.plans.permissions import can_change_deadline, require_confirm, require_manage
from egov.plans.services._common import Errors, acting_user, event, number_symbol, text
from egov.plans.services.timing import apply_resolution, set_deadline

TASK_FIELDS = (
    "kind",
    "number",
    "title",
    "product",
    "lead_unit",
    "responsible_leader",
    "priority",
    "deadline_text",
    "due_date",
    "parent",
)
SORT_STEP = 5  # digits per level of sort_key


def _key(position: int) -> str:
    return f"{position:0{SORT_STEP}d}"


def _validate(
    plan: Plan, values: dict[str, Any], instance: Task | None, errors: Errors
) -> tuple[dict[str, Any], list[Organisation], Deadline | None]:
    kind = values.get("kind") or TaskKind.TASK
    if kind not in TaskKind.values:
        errors.add("kind", _("Loại không hợp lệ."))
        kind = TaskKind.TASK
    data: dict[str, Any] = {
        "kind": kind,
        "number": text(values, "number", errors, max_length=20),
        "title": text(values, "title", errors, required=True, max_length=2000),
        "product": text(values, "product", errors, max_length=2000),
    }
    priority = values.get("priority") or Priority.NORMAL
    if priority not in Priority.values:
        errors.add("priority", _("Mức ưu tiên không hợp lệ."))
    data["priority"] = priority
    parent = values.get("parent")
    if parent is not None:
        if not isinstance(parent, Task) or parent.plan_id != plan.pk:
            errors.add("parent", _("Mục cha phải thuộc cùng kế hoạch."))
            parent = None
        elif instance is not None and _is_descendant_or_self(parent, instance):
            errors.add(
                "parent",
                _("Không thể đặt đầu việc “%(task)s” vào trong chính nó hoặc một đầu việc con của nó (vòng lặp).")
                % {"task": instance.number or instance.title[:60]},
            )
            parent = None
    data["parent"] = parent
    cooperating: list[Organisation] = list(values.get("cooperating_units") or [])
    deadline = None
    if kind == TaskKind.SECTION:
        data["lead_unit"] = None
        data["responsible_leader"] = None
        cooperating = []
    else:
        lead = values.get("lead_unit")
        if not isinstance(lead, Organisation):
            errors.add("lead_unit", _("Chọn đúng một đơn vị chủ trì."))
            lead = None
        data["lead_unit"] = lead
        if lead is not None and any(u.pk == lead.pk for u in cooperating):
            errors.add(
                "cooperating_units",
                _("Đơn vị chủ trì (%(unit)s) không thể đồng thời là đơn vị phối hợp.") % {"unit": lead.name},
            )
        if len({u.pk for u in cooperating}) != len(cooperating):
            errors.add("cooperating_units", _("Một đơn vị phối hợp được chọn hai lần."))
        leader = values.get("responsible_leader") or None
        if leader is not None and not isinstance(leader, User):
            errors.add("responsible_leader", _("Chọn một người."))
            leader = None
        data["responsible_leader"] = leader
        raw = values.get("deadline")
        try:
            deadline = parse_deadline(raw, default_end_year=plan.last_year)
        except DeadlineError as exc:
            errors.add("deadline", str(exc))
        else:
            try:
                check_within_plan(deadline, period_start=plan.period_start, last_year=plan.last_year)
            except ValidationFailed as exc:
                for message in exc.errors["deadline"]:
                    errors.add("deadline", message)
                deadline = None
    return data, cooperating, deadline


def _is_descendant_or_self(candidate: Task, task: Task) -> bool:
    """True if `candidate` is `task` or below it (walks up from the candidate; stops on a corrupt loop)."""
    seen: set[int] = set()
    node: Task | None = candidate
    while node is not None:
        if node.pk == task.pk:
            return True
        if node.pk in seen:
            return True
        seen.add(node.pk)
        node = Task.objects.filter(pk=node.parent_id).only("pk", "parent_id").first() if node.parent_id else None
    return False


def _require_editable(plan: Plan) -> None:
    if plan.status == PlanStatus.CLOSED:
        raise InvalidTransition(_("Kế hoạch đã kết thúc, không thêm, sửa đầu việc được."))


def _place(task: Task, plan: Plan, parent: Task | None) -> None:
    siblings = Task.objects.filter(plan=plan, parent=parent).exclude(pk=task.pk)
    last = siblings.order_by("-position").values_list("position", flat=True).first() or 0
    task.position = last + 1
    task.sort_key = (parent.sort_key if parent else "") + _key(task.position)


def _refresh_subtree_keys(task: Task) -> None:
    """After a move, children's sort keys follow their parent's (breadth first, a query per level)."""
    level = [task]
    while level:
        children = list(Task.objects.filter(parent__in=[t.pk for t in level]))
        by_parent = {t.pk: t for t in level}
        for child in children:
            child.sort_key = by_parent[child.parent_id].sort_key + _key(child.position)
        Task.objects.bulk_update(children, ["sort_key"], batch_size=500)
        level = children


def folded(task: Task) -> str:
    return fold(f"{task.title} {task.product}")


def build_task(
    *,
    plan: Plan,
    values: dict[str, Any],
    calendar: WorkingCalendar,
    errors: Errors,
) -> tuple[Task, list[Organisation]] | None:
    """Validate and build an unsaved task (for the service and for a spreadsheet import)."""
    data, cooperating, deadline = _validate(plan, values, None, errors)
    if errors.errors:
        return None
    task = Task(plan=plan, **data)
    if deadline is not None:
        set_deadline(task, deadline)
        apply_resolution(task, plan, calendar)
    task.folded_text = folded(task)
    return task, cooperating


def save_new_task(task: Task, cooperating: list[Organisation], actor: Actor) -> Task:
    _place(task, task.plan, task.parent)
    if not task.number:
        task.number = ((task.parent.number + ".") if task.parent and task.parent.number else "") + str(task.position)
    task.save()
    if cooperating:
        task.cooperating_units.set(cooperating)
    event(task, TaskEvent.Kind.CREATED, _("Tạo đầu việc “%(t)s”.") % {"t": task.title[:200]}, actor)
    return task


def _state(task: Task) -> dict[str, Any]:
    state = snapshot(task, TASK_FIELDS)
    state["cooperating_units"] = sorted(task.cooperating_units.values_list("pk", flat=True)) if task.pk else []
    return state


@transaction.atomic
def task_create(*, actor: Actor, plan: Plan, values: dict[str, Any], calendar: WorkingCalendar | None = None) -> Task:
    plan = Plan.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=plan.pk)
    require_manage(actor, plan.organisation)
    _require_editable(plan)
    errors = Errors()
    built = build_task(plan=plan, values=values, calendar=calendar or WorkingCalendar(), errors=errors)
    errors.raise_if_any()
    task, cooperating = built
    save_new_task(task, cooperating, actor)
    audit_record(actor=actor, action="plans.task.create", obj=task, scope_org=plan.organisation, after=_state(task))
    return task


@transaction.atomic
def task_update(*, actor: Actor, task: Task, values: dict[str, Any]) -> Task:
    """Edit a task's text, units, leader, priority, position in the tree; the deadline only while a draft
    (afterwards a deadline changes with a reason, through `task_change_deadline`)."""
    task = Task.objects.select_for_update(of=("self",)).select_related("plan__organisation").get(pk=task.pk)
    plan = task.plan
    require_manage(actor, plan.organisation)
    _require_editable(plan)
    before = _state(task)
    merged: dict[str, Any] = {
        "kind": task.kind,
        "number": task.number,
        "title": task.title,
        "product": task.product,
        "priority": task.priority,
        "lead_unit": task.lead_unit,
        "responsible_leader": task.responsible_leader,
        "parent": task.parent,
        "cooperating_units": list(task.cooperating_units.all()),
        "deadline": task.deadline_text or None,
    } | values
    if "deadline" in values and plan.status != PlanStatus.DRAFT and values["deadline"] != task.deadline_text:
        raise ValidationFailed(
            {
                "deadline": [
                    _("Kế hoạch đã ban hành: điều chỉnh thời hạn bằng chức năng “Điều chỉnh thời hạn”, có lý do.")
                ]
            }
        )
    if merged["kind"] != task.kind and task.children.exists():
        raise ValidationFailed({"kind": [_("Mục còn đầu việc con, không đổi loại được.")]})
    errors = Errors()
    data, cooperating, deadline = _validate(plan, merged, task, errors)
    errors.raise_if_any()
    old_parent_id = task.parent_id
    for name, value in data.items():
        setattr(task, name, value)
    if deadline is not None:
        set_deadline(task, deadline)
        apply_resolution(task, plan, WorkingCalendar())
    elif task.kind == TaskKind.SECTION:
        task.deadline_kind = ""
        task.deadline_text = ""
        apply_resolution(task, plan, WorkingCalendar())
    moved = task.parent_id != old_parent_id
    if moved:
        _place(task, plan, task.parent)
    task.folded_text = folded(task)
    task.save()
    task.cooperating_units.set(cooperating)
    if moved:
        _refresh_subtree_keys(task)
    after = _state(task)
    if after != before:
        event(task, TaskEvent.Kind.UPDATED, _("Sửa thông tin đầu việc."), actor, {"before": before, "after": after})
        audit_record(
            actor=actor, action="plans.task.update", obj=task, scope_org=plan.organisation, before=before, after=after
        )
    return task


@transaction.atomic
def task_delete(*, actor: Actor, task: Task) -> None:
    """Only a draft plan loses tasks; once issued a task is dropped with a reason instead."""
    task = Task.objects.select_for_update(of=("self",)).select_related("plan__organisation").get(pk=task.pk)
    plan = task.plan
    require_manage(actor, plan.organisation)
    if plan.status != PlanStatus.DRAFT:
        raise InvalidTransition(_("Kế hoạch đã ban hành: không xóa đầu việc, hãy dừng thực hiện và ghi lý do."))
    if task.children.exists():
        raise InvalidTransition(_("Mục còn đầu việc con, hãy xóa hoặc chuyển chúng trước."))
    before = _state(task)
    pk = task.pk
    task.delete()
    audit_record(
        actor=actor,
        action="plans.task.delete",
        object_type="plans.task",
        object_id=pk,
        object_repr=before["title"][:300],
        scope_org=plan.organisation,
        before=before,
    )


@transaction.atomic
def task_change_deadline(
    *, actor: Actor, task: Task, deadline: str | dt.date, reason: str, meeting=None
) -> DeadlineChange:
    """Change an issued task's deadline, with a reason kept in its history (a leader, or a meeting's conclusion)."""
    task = Task.objects.select_for_update(of=("self",)).select_related("plan__organisation").get(pk=task.pk)
    plan = task.plan
    if not can_change_deadline(actor, task):
        require_confirm(actor, task)
    _require_editable(plan)
    errors = Errors()
    reason = text({"reason": reason}, "reason", errors, required=True, max_length=1000)
    if task.kind != TaskKind.TASK:
        errors.add("deadline", _("Mục không có thời hạn."))
    elif task.completed_on is not None or task.dropped_on is not None:
        errors.add("deadline", _("Đầu việc đã kết thúc, không điều chỉnh thời hạn."))
    new = None
    if not errors.errors:
        try:
            new = parse_deadline(deadline, default_end_year=plan.last_year)
            check_within_plan(new, period_start=plan.period_start, last_year=plan.last_year)
        except DeadlineError as exc:
            errors.add("deadline", str(exc))
        except ValidationFailed as exc:
            errors.add("deadline", exc.message)
    if new is not None and new.text() == task.deadline_text:
        errors.add("deadline", _("Thời hạn mới trùng thời hạn hiện tại."))
    errors.raise_if_any()
    old_text, old_due = task.deadline_text, task.due_date
    set_deadline(task, new)
    apply_resolution(task, plan, WorkingCalendar())
    task.save()
    change = DeadlineChange.objects.create(
        task=task,
        old_text=old_text,
        old_due_date=old_due,
        new_text=task.deadline_text,
        new_due_date=task.due_date,
        reason=reason,
        meeting=meeting,
        by=acting_user(actor),
    )
    event(
        task,
        TaskEvent.Kind.DEADLINE_CHANGED,
        _("Điều chỉnh thời hạn từ “%(a)s” sang “%(b)s”: %(r)s") % {"a": old_text, "b": task.deadline_text, "r": reason},
        actor,
        {"old": old_text, "new": task.deadline_text, "meeting": meeting.pk if meeting else None},
    )
    audit_record(
        actor=actor,
        action="plans.task.change_deadline",
        obj=task,
        scope_org=plan.organisation,
        before={"deadline": old_text, "due_date": old_due},
        after={"deadline": task.deadline_text, "due_date": task.due_date, "reason": reason},
    )
    return change


@transaction.atomic
def task_drop(*, actor: Actor, task: Task, reason: str, on: dt.date | None = None, meeting=None) -> Task:
    """Stop a task (không tiếp tục thực hiện), with the reason; it leaves the unfinished lists."""
    from django.utils import timezone

    task = Task.objects.select_for_update(of=("self",)).select_related("plan__organisation").get(pk=task.pk)
    plan = task.plan
    if not can_change_deadline(actor, task):
        require_confirm(actor, task)
    _require_editable(plan)
    errors = Errors()
    reason = text({"reason": reason}, "reason", errors, required=True, max_length=1000)
    if task.completed_on is not None or task.dropped_on is not None:
        errors.add("__all__", _("Đầu việc đã kết thúc."))
    errors.raise_if_any()
    task.dropped_on = on or timezone.localdate()
    task.dropped_reason = reason
    task.completion_requested = False
    task.save(update_fields=["dropped_on", "dropped_reason", "completion_requested", "updated_at"])
    event(
        task,
        TaskEvent.Kind.DROPPED,
        _("Dừng thực hiện: %(r)s") % {"r": reason},
        actor,
        {"meeting": meeting.pk if meeting else None},
    )
    audit_record(
        actor=actor,
        action="plans.task.drop",
        obj=task,
        scope_org=plan.organisation,
        after={"dropped_on": task.dropped_on, "reason": reason},
    )
    return task


@transaction.atomic
def task_link_add(*, actor: Actor, task: Task, values: dict[str, Any]) -> TaskLink:
    """Link a document (number and symbol, date, subject, address) or another task to a task."""
    task = Task.objects.select_related("plan__organisation").get(pk=task.pk)
    require_manage(actor, task.plan.organisation)
    errors = Errors()
    related = values.get("related_task")
    if related is not None:
        if not isinstance(related, Task) or related.pk == task.pk:
            errors.add("related_task", _("Chọn một đầu việc khác."))
        errors.raise_if_any()
        link = TaskLink.objects.create(
            task=task,
            kind=TaskLink.Kind.RELATED_TASK,
            related_task=related,
            created_by=acting_user(actor),
            title=text(values, "title", errors, max_length=500),
        )
    else:
        number = number_symbol(values, "document_number", errors, required=True)
        title = text(values, "title", errors, required=True, max_length=500)
        url = text(values, "url", errors, max_length=500)
        if url and not url.startswith(("https://", "http://", "/")):
            errors.add("url", _("Địa chỉ phải bắt đầu bằng https://"))
        date = values.get("document_date") or None
        if date is not None and not isinstance(date, dt.date):
            errors.add("document_date", _("Ngày không hợp lệ."))
        errors.raise_if_any()
        link = TaskLink.objects.create(
            task=task,
            kind=TaskLink.Kind.DOCUMENT,
            document_number=number,
            document_date=date,
            title=title,
            url=url,
            created_by=acting_user(actor),
        )
    event(task, TaskEvent.Kind.LINKED, _("Liên kết: %(t)s") % {"t": str(link)}, actor)
    audit_record(
        actor=actor,
        action="plans.task.link",
        obj=task,
        scope_org=task.plan.organisation,
        after={
            "link": link.pk,
            "kind": link.kind,
            "document_number": link.document_number,
            "related_task": link.related_task_id,
        },
    )
    return link
