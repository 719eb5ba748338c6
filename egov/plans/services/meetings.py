"""Họp định kỳ: review meetings of a committee — agenda, conclusions applied to the tasks, and the minutes.

A conclusion about a task is applied to it in the transaction that records the conclusion, through the same
services a person would use on the task's page, so the task's history shows the change and the meeting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record, snapshot
from egov.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from egov.organisations.models import Level, Organisation
from egov.plans import services
from egov.plans.deadlines import DeadlineError, check_within_plan, parse_deadline
from egov.plans.models import (
    ACTIVE_PLAN_STATES,
    AgendaItem,
    CommitteeRole,
    ConclusionKind,
    MeetingConclusion,
    MeetingStatus,
    Plan,
    ReviewDecision,
    ReviewMeeting,
    SteeringCommittee,
    Task,
    TaskEvent,
    TaskKind,
)
from egov.plans.permissions import can_change_deadline, can_confirm, require_manage
from egov.plans.selectors.meetings import agenda_candidates, meeting_plans, meeting_tasks
from egov.plans.services._common import Errors, acting_user, event, long_text, text
from egov.plans.status import TaskStatus, status_expression

MEETING_FIELDS = ("title", "held_at", "location", "chair_name", "participants", "plan", "minutes")
DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y")
TASK_KINDS = (ConclusionKind.CHANGE_DEADLINE, ConclusionKind.CLOSE_TASK, ConclusionKind.DROP_TASK)


# --- reading input ---------------------------------------------------------------------------------------


def _held_at(values: dict, errors: Errors) -> dt.datetime | None:
    raw = values.get("held_at")
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, str) and raw.strip():
        value = None
        for fmt in DATETIME_FORMATS:
            try:
                value = dt.datetime.strptime(raw.strip(), fmt)
                break
            except ValueError:
                continue
        if value is None:
            errors.add("held_at", _("Thời gian họp “%(v)s” không đúng dạng, ví dụ: 15/09/2019 14:00.") % {"v": raw})
            return None
    else:
        errors.add("held_at", _("Nhập thời gian họp."))
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _meeting_date(meeting: ReviewMeeting) -> dt.date:
    return timezone.localtime(meeting.held_at).date()


def _validate_meeting(committee: SteeringCommittee, values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors = Errors()
    data: dict[str, Any] = {
        "title": text(values, "title", errors, required=True, max_length=300),
        "held_at": _held_at(values, errors),
        "location": text(values, "location", errors, max_length=300),
        "chair_name": text(values, "chair_name", errors, required=True, max_length=200),
        "participants": long_text(values, "participants", errors, max_length=5000),
        "minutes": long_text(values, "minutes", errors, max_length=50000),
    }
    if creating:
        plan = values.get("plan") or None
        if plan is not None:
            # Read afresh: the status decides, and the caller's copy may be older than the plan's last transition.
            plan = Plan.objects.filter(pk=plan.pk).first() if isinstance(plan, Plan) else None
            if plan is None or plan.committee_id != committee.pk:
                errors.add("plan", _("Kế hoạch phải do Ban Chỉ đạo này theo dõi."))
                plan = None
            elif plan.status not in ACTIVE_PLAN_STATES:
                errors.add("plan", _("Chỉ rà soát kế hoạch đã ban hành và đang thực hiện."))
                plan = None
        data["plan"] = plan
    held = data["held_at"]
    if held is not None and committee.dissolved_on and timezone.localtime(held).date() > committee.dissolved_on:
        errors.add(
            "held_at",
            _("Ban Chỉ đạo đã giải thể ngày %(d)s.") % {"d": committee.dissolved_on.strftime("%d/%m/%Y")},
        )
    errors.raise_if_any()
    return data


def _require_open(meeting: ReviewMeeting) -> None:
    if meeting.status == MeetingStatus.CONCLUDED:
        raise InvalidTransition(_("Cuộc họp đã ban hành kết luận, không sửa được nữa."))


def _require_held(meeting: ReviewMeeting) -> None:
    if _meeting_date(meeting) > timezone.localdate():
        raise InvalidTransition(_("Cuộc họp chưa diễn ra, chưa ghi kết luận được."))


def _locked(meeting: ReviewMeeting) -> ReviewMeeting:
    return (
        ReviewMeeting.objects.select_for_update(of=("self",))
        .select_related("committee__organisation", "plan")
        .get(pk=meeting.pk)
    )


def _snapshot_item(meeting: ReviewMeeting, task: Task, order: int, status: str, note: str = "") -> AgendaItem:
    return AgendaItem(
        meeting=meeting,
        task=task,
        status_then=status,
        percent_then=task.percent,
        due_date_then=task.due_date,
        note=note,
        order=order,
    )


# --- meetings ------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *, actor: Actor, committee: SteeringCommittee, values: dict[str, Any], today: dt.date | None = None
) -> ReviewMeeting:
    """Schedule a review meeting; its agenda lists the unfinished tasks as they stand today."""
    committee = SteeringCommittee.objects.select_related("organisation").get(pk=committee.pk)
    require_manage(actor, committee.organisation)
    data = _validate_meeting(committee, values, creating=True)
    meeting = ReviewMeeting.objects.create(committee=committee, created_by=acting_user(actor), **data)
    tasks = list(agenda_candidates(committee=committee, plan=data["plan"], today=today))
    AgendaItem.objects.bulk_create(
        [_snapshot_item(meeting, task, i, task.status) for i, task in enumerate(tasks, start=1)]
    )
    audit_record(
        actor=actor,
        action="plans.meeting.create",
        obj=meeting,
        scope_org=committee.organisation,
        after=snapshot(meeting, MEETING_FIELDS) | {"agenda": [t.pk for t in tasks]},
    )
    return meeting


@transaction.atomic
def meeting_update(*, actor: Actor, meeting: ReviewMeeting, values: dict[str, Any]) -> ReviewMeeting:
    """Edit the details and the minutes text (the plan under review stays: the agenda was built from it)."""
    meeting = _locked(meeting)
    require_manage(actor, meeting.committee.organisation)
    _require_open(meeting)
    before = snapshot(meeting, MEETING_FIELDS)
    merged = {name: getattr(meeting, name) for name in MEETING_FIELDS} | values
    data = _validate_meeting(meeting.committee, merged, creating=False)
    for name, value in data.items():
        setattr(meeting, name, value)
    if meeting.minutes and meeting.status == MeetingStatus.PLANNED and _meeting_date(meeting) <= timezone.localdate():
        meeting.status = MeetingStatus.HELD
    meeting.save()
    after = snapshot(meeting, MEETING_FIELDS)
    if after != before:
        audit_record(
            actor=actor,
            action="plans.meeting.update",
            obj=meeting,
            scope_org=meeting.committee.organisation,
            before=before,
            after=after,
        )
    return meeting


@transaction.atomic
def agenda_add(
    *, actor: Actor, meeting: ReviewMeeting, task: Task, note: str = "", today: dt.date | None = None
) -> AgendaItem:
    """Put one more task of the meeting's plans on the agenda."""
    meeting = _locked(meeting)
    require_manage(actor, meeting.committee.organisation)
    _require_open(meeting)
    errors = Errors()
    note = text({"note": note}, "note", errors, max_length=1000)
    found = (
        meeting_tasks(meeting).annotate(status=status_expression(today or timezone.localdate())).filter(pk=task.pk)
    ).first()
    if found is None:
        errors.add("task", _("Đầu việc không thuộc kế hoạch được rà soát tại cuộc họp này."))
    elif meeting.agenda.filter(task=found).exists():
        errors.add("task", _("Đầu việc đã có trong chương trình họp."))
    errors.raise_if_any()
    order = (meeting.agenda.aggregate(m=Max("order"))["m"] or 0) + 1
    item = _snapshot_item(meeting, found, order, found.status, note)
    item.save()
    audit_record(
        actor=actor,
        action="plans.meeting.agenda_add",
        obj=meeting,
        scope_org=meeting.committee.organisation,
        after={"task": found.pk, "status": found.status, "note": note},
    )
    return item


@transaction.atomic
def agenda_remove(*, actor: Actor, meeting: ReviewMeeting, item: AgendaItem) -> None:
    meeting = _locked(meeting)
    require_manage(actor, meeting.committee.organisation)
    _require_open(meeting)
    if item.meeting_id != meeting.pk:
        raise ValidationFailed({"item": [_("Mục này không thuộc chương trình cuộc họp.")]})
    task_id = item.task_id
    item.delete()
    audit_record(
        actor=actor,
        action="plans.meeting.agenda_remove",
        obj=meeting,
        scope_org=meeting.committee.organisation,
        before={"task": task_id},
    )


# --- conclusions ---------------------------------------------------------------------------------------------


def _remap(exc: ValidationFailed, mapping: dict[str, str]) -> ValidationFailed:
    return ValidationFailed({mapping.get(name, name): messages for name, messages in exc.errors.items()})


def _conclusion_task(meeting: ReviewMeeting, values: dict, errors: Errors) -> Task | None:
    task = values.get("task")
    if task is None:
        errors.add("task", _("Chọn đầu việc mà kết luận đề cập."))
        return None
    if not isinstance(task, Task) or not meeting_tasks(meeting).filter(pk=task.pk).exists():
        errors.add("task", _("Đầu việc không thuộc kế hoạch được rà soát tại cuộc họp này."))
        return None
    return Task.objects.select_related("plan__organisation", "lead_unit").get(pk=task.pk)


def _new_deadline(plan: Plan, values: dict, errors: Errors) -> str:
    raw = text(values, "new_deadline_text", errors, required=True, max_length=100)
    if raw:
        try:
            parsed = parse_deadline(raw, default_end_year=plan.last_year)
            check_within_plan(
                parsed, period_start=plan.period_start, last_year=plan.last_year, field="new_deadline_text"
            )
        except DeadlineError as exc:
            errors.add("new_deadline_text", str(exc))
        except ValidationFailed as exc:
            errors.add("new_deadline_text", exc.message)
    return raw


def _add_task_plan(meeting: ReviewMeeting, values: dict, errors: Errors) -> Plan | None:
    if meeting.plan_id is not None:
        return meeting.plan
    plan = values.get("plan")
    if not isinstance(plan, Plan) or not meeting_plans(meeting).filter(pk=plan.pk).exists():
        errors.add("plan", _("Chọn kế hoạch (do Ban Chỉ đạo theo dõi) để bổ sung đầu việc."))
        return None
    return plan


def _apply(actor: Actor, meeting: ReviewMeeting, values: dict[str, Any], order: int) -> MeetingConclusion:
    """Validate one conclusion, apply it to its task through the task services, and record it."""
    errors = Errors()
    kind = values.get("kind")
    if kind not in ConclusionKind.values:
        raise ValidationFailed({"kind": [_("Chọn loại kết luận.")]})
    note = long_text(values, "text", errors, required=kind == ConclusionKind.GENERAL, max_length=5000)
    reason = ""
    deadline_text = ""
    task = None
    if kind in TASK_KINDS:
        task = _conclusion_task(meeting, values, errors)
    if kind in (ConclusionKind.CHANGE_DEADLINE, ConclusionKind.DROP_TASK):
        reason = text(values, "reason", errors, required=True, max_length=1000)
    if kind == ConclusionKind.CHANGE_DEADLINE and task is not None:
        deadline_text = _new_deadline(task.plan, values, errors)
    if kind == ConclusionKind.ADD_TASK:
        plan = _add_task_plan(meeting, values, errors)
        if plan is not None:
            deadline_text = _new_deadline(plan, values, errors)
    errors.raise_if_any()

    summary = note
    if kind == ConclusionKind.CHANGE_DEADLINE:
        old = task.deadline_text
        try:
            services.task_change_deadline(
                actor=actor, task=task, deadline=deadline_text, reason=reason, meeting=meeting
            )
        except ValidationFailed as exc:
            raise _remap(exc, {"deadline": "new_deadline_text"}) from None
        task.refresh_from_db()
        default = _("Điều chỉnh thời hạn đầu việc “%(t)s” từ “%(a)s” sang “%(b)s”. Lý do: %(r)s") % {
            "t": task.title[:300],
            "a": old,
            "b": task.deadline_text,
            "r": reason,
        }
    elif kind == ConclusionKind.ADD_TASK:
        task_values = {
            "title": values.get("title"),
            "product": values.get("product"),
            "lead_unit": values.get("lead_unit"),
            "cooperating_units": values.get("cooperating_units") or [],
            "deadline": deadline_text,
            "parent": values.get("parent"),
            "priority": values.get("priority"),
        }
        try:
            task = services.task_create(actor=actor, plan=plan, values=task_values)
        except ValidationFailed as exc:
            raise _remap(exc, {"deadline": "new_deadline_text"}) from None
        default = _("Bổ sung đầu việc “%(t)s”, đơn vị chủ trì: %(u)s, thời hạn: %(d)s.") % {
            "t": task.title[:300],
            "u": task.lead_unit.name,
            "d": task.deadline_text,
        }
    elif kind == ConclusionKind.CLOSE_TASK:
        if task.completion_requested and can_confirm(actor, task):
            services.completion_review(
                actor=actor,
                task=task,
                decision=ReviewDecision.CONFIRMED,
                comment=_("Theo kết luận cuộc họp “%(m)s”.") % {"m": meeting.title[:200]},
            )
        else:
            task_close_at_meeting(actor=actor, task=task, meeting=meeting)
        default = _("Kết thúc đầu việc “%(t)s” (đã hoàn thành).") % {"t": task.title[:300]}
    elif kind == ConclusionKind.DROP_TASK:
        services.task_drop(actor=actor, task=task, reason=reason, on=_meeting_date(meeting), meeting=meeting)
        default = _("Dừng thực hiện đầu việc “%(t)s”. Lý do: %(r)s") % {"t": task.title[:300], "r": reason}
    else:
        default = note
    conclusion = MeetingConclusion.objects.create(
        meeting=meeting,
        kind=kind,
        task=task,
        text=summary or default,
        new_deadline_text=task.deadline_text if kind == ConclusionKind.CHANGE_DEADLINE else deadline_text,
        reason=reason,
        order=order,
        recorded_by=acting_user(actor),
    )
    audit_record(
        actor=actor,
        action="plans.meeting.conclusion_add",
        obj=meeting,
        scope_org=meeting.committee.organisation,
        after={"conclusion": conclusion.pk, "kind": kind, "task": conclusion.task_id, "text": conclusion.text},
    )
    return conclusion


@transaction.atomic
def conclusion_add(*, actor: Actor, meeting: ReviewMeeting, values: dict[str, Any]) -> MeetingConclusion:
    """Record one conclusion and apply it to its task now (the meeting stays open for more)."""
    meeting = _locked(meeting)
    require_manage(actor, meeting.committee.organisation)
    _require_open(meeting)
    _require_held(meeting)
    order = (meeting.conclusions.aggregate(m=Max("order"))["m"] or 0) + 1
    conclusion = _apply(actor, meeting, values, order)
    if meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
    return conclusion


@transaction.atomic
def meeting_conclude(
    *, actor: Actor, meeting: ReviewMeeting, conclusions: list[dict[str, Any]] | None = None
) -> ReviewMeeting:
    """Issue the meeting's conclusions: apply the given ones (all or nothing) and close the meeting."""
    meeting = _locked(meeting)
    require_manage(actor, meeting.committee.organisation)
    if meeting.status == MeetingStatus.CONCLUDED:
        raise InvalidTransition(_("Cuộc họp đã ban hành kết luận."))
    _require_held(meeting)
    order = meeting.conclusions.aggregate(m=Max("order"))["m"] or 0
    for values in conclusions or []:
        order += 1
        _apply(actor, meeting, values, order)
    if not meeting.conclusions.exists():
        raise ValidationFailed({"conclusions": [_("Cuộc họp chưa có kết luận nào.")]})
    meeting.status = MeetingStatus.CONCLUDED
    meeting.concluded_at = timezone.now()
    meeting.save(update_fields=["status", "concluded_at"])
    audit_record(
        actor=actor,
        action="plans.meeting.conclude",
        obj=meeting,
        scope_org=meeting.committee.organisation,
        after={"conclusions": list(meeting.conclusions.values_list("pk", flat=True))},
    )
    return meeting


@transaction.atomic
def task_close_at_meeting(*, actor: Actor, task: Task, meeting: ReviewMeeting) -> Task:
    """Record a task as completed because a review meeting concluded so (no completion request from the unit)."""
    task = Task.objects.select_for_update(of=("self",)).select_related("plan__organisation").get(pk=task.pk)
    if not can_change_deadline(actor, task):
        raise PermissionDenied(
            _("Chỉ lãnh đạo, Tổ giúp việc của %(org)s được kết thúc đầu việc này.")
            % {"org": task.plan.organisation.name}
        )
    errors = Errors()
    if task.kind != TaskKind.TASK:
        errors.add("task", _("Mục không có tiến độ; hãy kết thúc từng đầu việc."))
    elif not task.plan.is_active:
        errors.add("task", _("Kế hoạch chưa ban hành hoặc đã kết thúc."))
    elif task.completed_on is not None or task.dropped_on is not None:
        errors.add("task", _("Đầu việc đã kết thúc."))
    errors.raise_if_any()
    completed_on = min(_meeting_date(meeting), timezone.localdate())
    task.completed_on = completed_on
    task.percent = 100
    task.completion_requested = False
    task.save(update_fields=["completed_on", "percent", "completion_requested", "updated_at"])
    event(
        task,
        TaskEvent.Kind.CONFIRMED,
        _("Kết thúc (hoàn thành ngày %(d)s) theo kết luận cuộc họp “%(m)s”.")
        % {"d": completed_on.strftime("%d/%m/%Y"), "m": meeting.title[:300]},
        actor,
        {"meeting": meeting.pk},
    )
    audit_record(
        actor=actor,
        action="plans.task.close_at_meeting",
        obj=task,
        scope_org=task.plan.organisation,
        after={"completed_on": completed_on, "meeting": meeting.pk},
    )
    return task


# --- the minutes ---------------------------------------------------------------------------------------------


def place_name(organisation: Organisation) -> str:
    """The place on the date line (địa danh, Decree 30): the province of the body, Hà Nội for central bodies."""
    root = organisation
    if organisation.depth > 1:
        root = Organisation.objects.filter(path=organisation.path[: organisation.steplen]).first() or organisation
    if root.level != Level.PROVINCE:
        return "Hà Nội"
    name = root.name
    for prefix in ("Ủy ban nhân dân tỉnh ", "Ủy ban nhân dân thành phố ", "UBND tỉnh ", "UBND thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def minutes_context(meeting: ReviewMeeting) -> dict[str, Any]:
    committee = meeting.committee
    agenda = list(meeting.agenda.select_related("task__lead_unit", "task__plan"))
    for item in agenda:
        item.status_label = TaskStatus(item.status_then).label if item.status_then in TaskStatus.values else ""
    secretary = committee.members.filter(role=CommitteeRole.SECRETARY, left_on__isnull=True).order_by("order").first()
    held = timezone.localtime(meeting.held_at)
    return {
        "meeting": meeting,
        "committee": committee,
        "organisation": committee.organisation,
        "place": place_name(committee.organisation),
        "held": held,
        # Decree 30 writes days below 10 and months below 3 with a leading zero ("ngày 05 tháng 02").
        "date_day": f"{held.day:02d}",
        "date_month": f"{held.month:02d}" if held.month < 3 else str(held.month),
        "agenda": agenda,
        "conclusions": list(meeting.conclusions.select_related("task")),
        "secretary_name": secretary.full_name
        if secretary
        else (meeting.created_by.full_name if meeting.created_by else ""),
    }


def meeting_minutes_pdf(*, meeting: ReviewMeeting) -> bytes:
    """Biên bản cuộc họp, laid out after Decree 30/2020 (header, motto, place and date, signatures)."""
    from egov.core.pdf import render_pdf

    return render_pdf("plans/meetings/minutes_pdf.html", minutes_context(meeting))
