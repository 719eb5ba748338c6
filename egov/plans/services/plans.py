"""Plans: creation, editing and the lifecycle draft → issued → (amended) → closed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record, snapshot
from egov.calendar.workdays import MAX_YEAR, MIN_YEAR, WorkingCalendar
from egov.core.errors import InvalidTransition, ValidationFailed
from egov.organisations.models import Organisation
from egov.plans.models import PLAN_TRANSITIONS, Plan, PlanStatus, PlanTransition, SteeringCommittee, Task, TaskKind
from egov.plans.permissions import require_manage
from egov.plans.services._common import Errors, acting_user, check_pdf, number_symbol, text
from egov.plans.services.timing import apply_resolution

PLAN_FIELDS = (
    "organisation",
    "committee",
    "title",
    "number",
    "issued_on",
    "issuer",
    "signer",
    "source_title",
    "source_number",
    "source_date",
    "period_start",
    "period_end",
    "orientation_year",
    "due_soon_days",
    "recurring_report_days",
)
# Changing these moves every task's dates.
TIMING_FIELDS = ("due_soon_days", "recurring_report_days", "issued_on")


def _year(values: dict, name: str, errors: Errors, *, required: bool) -> int | None:
    value = values.get(name)
    if value in (None, ""):
        if required:
            errors.add(name, _("Trường này là bắt buộc."))
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        errors.add(name, _("Năm không hợp lệ."))
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        errors.add(name, _("Năm phải từ %(lo)d đến %(hi)d.") % {"lo": MIN_YEAR, "hi": MAX_YEAR})
        return None
    return year


def _small(values: dict, name: str, errors: Errors, default: int, lo: int, hi: int) -> int:
    value = values.get(name, default)
    try:
        number = int(value if value not in (None, "") else default)
    except (TypeError, ValueError):
        errors.add(name, _("Phải là một số."))
        return default
    if not lo <= number <= hi:
        errors.add(name, _("Phải từ %(lo)d đến %(hi)d.") % {"lo": lo, "hi": hi})
    return number


def _validate(values: dict[str, Any], files: dict, instance: Plan | None) -> dict[str, Any]:
    errors = Errors()
    data: dict[str, Any] = {
        "title": text(values, "title", errors, required=True, max_length=500),
        "number": number_symbol(values, "number", errors),
        "signer": text(values, "signer", errors, max_length=150),
        "source_title": text(values, "source_title", errors, max_length=500),
        "source_number": number_symbol(values, "source_number", errors),
        "period_start": _year(values, "period_start", errors, required=True),
        "period_end": _year(values, "period_end", errors, required=True),
        "orientation_year": _year(values, "orientation_year", errors, required=False),
        "due_soon_days": _small(values, "due_soon_days", errors, 5, 0, 60),
        "recurring_report_days": _small(values, "recurring_report_days", errors, 92, 7, 366),
    }
    for name in ("issued_on", "source_date"):
        value = values.get(name) or None
        if value is not None and not isinstance(value, dt.date):
            errors.add(name, _("Ngày không hợp lệ."))
            value = None
        data[name] = value
    for name in ("organisation", "issuer"):
        org = values.get(name)
        if not isinstance(org, Organisation):
            errors.add(name, _("Chọn một cơ quan."))
        data[name] = org
    committee = values.get("committee") or None
    if (
        committee is not None
        and isinstance(data["organisation"], Organisation)
        and (
            not isinstance(committee, SteeringCommittee)
            or not data["organisation"].path.startswith(committee.organisation.path)
        )
    ):
        errors.add("committee", _("Ban Chỉ đạo phải thuộc cơ quan của kế hoạch hoặc cơ quan cấp trên."))
    data["committee"] = committee
    start, end, orientation = data["period_start"], data["period_end"], data["orientation_year"]
    if start and end and end < start:
        errors.add("period_end", _("Năm kết thúc phải từ năm %(y)d trở đi.") % {"y": start})
    if orientation and end and orientation < end:
        errors.add("orientation_year", _("Năm định hướng phải từ năm kết thúc giai đoạn (%(y)d) trở đi.") % {"y": end})
    if data["source_date"] and data["issued_on"] and data["issued_on"] < data["source_date"]:
        errors.add("issued_on", _("Kế hoạch không thể ban hành trước văn bản mà nó triển khai."))
    check_pdf(files.get("file"), "file", errors)
    errors.raise_if_any()
    if instance is not None and instance.pk:
        _check_tasks_fit(instance, start, orientation or end)
    return data


def _check_tasks_fit(plan: Plan, start: int, last: int) -> None:
    """A narrower period must still hold every task's deadline."""
    from egov.plans.deadlines import deadline_of

    tasks = (
        plan.tasks.filter(kind=TaskKind.TASK)
        .exclude(deadline_kind="")
        .only("pk", "number", "deadline_kind", "deadline_year", "deadline_part", "deadline_start_year", "deadline_date")
    )
    bad = [t for t in tasks if not (start <= deadline_of(t).first_year and deadline_of(t).last_year <= last)]
    if bad:
        raise ValidationFailed(
            {
                "period_end": [
                    _("%(n)d đầu việc có thời hạn ngoài giai đoạn mới (STT: %(list)s).")
                    % {"n": len(bad), "list": ", ".join(t.number or str(t.pk) for t in bad[:10])}
                ]
            }
        )


@transaction.atomic
def plan_create(*, actor: Actor, values: dict[str, Any], files: dict | None = None) -> Plan:
    files = files or {}
    data = _validate(values, files, None)
    require_manage(actor, data["organisation"])
    plan = Plan(status=PlanStatus.DRAFT, **data)
    if files.get("file") is not None:
        plan.file.save(files["file"].name, files["file"], save=False)
    plan.save()
    audit_record(
        actor=actor,
        action="plans.plan.create",
        obj=plan,
        scope_org=plan.organisation,
        after=snapshot(plan, PLAN_FIELDS),
    )
    return plan


@transaction.atomic
def plan_update(*, actor: Actor, plan: Plan, values: dict[str, Any], files: dict | None = None) -> Plan:
    files = files or {}
    plan = Plan.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=plan.pk)
    require_manage(actor, plan.organisation)
    if plan.status == PlanStatus.CLOSED:
        raise InvalidTransition(_("Kế hoạch đã kết thúc, không sửa được."))
    merged = {name: getattr(plan, name) for name in PLAN_FIELDS} | values
    data = _validate(merged, files, plan)
    require_manage(actor, data["organisation"])
    if plan.status != PlanStatus.DRAFT and data["issued_on"] is None:
        raise ValidationFailed({"issued_on": [_("Kế hoạch đã ban hành phải có ngày ban hành.")]})
    before = snapshot(plan, PLAN_FIELDS)
    retime = any(data[name] != getattr(plan, name) for name in TIMING_FIELDS)
    for name, value in data.items():
        setattr(plan, name, value)
    if files.get("file") is not None:
        plan.file.save(files["file"].name, files["file"], save=False)
    plan.save()
    if retime:
        retime_plan(plan)
    audit_record(
        actor=actor,
        action="plans.plan.update",
        obj=plan,
        scope_org=plan.organisation,
        before=before,
        after=snapshot(plan, PLAN_FIELDS),
    )
    return plan


def retime_plan(plan: Plan, calendar: WorkingCalendar | None = None) -> int:
    """Resolve every task's deadline again (after the plan's timing or the calendar changed)."""
    calendar = calendar or WorkingCalendar()
    tasks = list(plan.tasks.filter(kind=TaskKind.TASK).exclude(deadline_kind=""))
    for task in tasks:
        apply_resolution(task, plan, calendar)
    Task.objects.bulk_update(tasks, ["window_start", "due_date", "due_soon_from", "report_due"], batch_size=500)
    return len(tasks)


@transaction.atomic
def plan_transition(
    *,
    actor: Actor,
    plan: Plan,
    to: str,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    reason: str = "",
) -> Plan:
    """Move a plan along its lifecycle; issuing and amending need the decision's number and date."""
    plan = Plan.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=plan.pk)
    require_manage(actor, plan.organisation)
    if to not in PLAN_TRANSITIONS.get(plan.status, ()):
        raise InvalidTransition(
            _("Không thể chuyển kế hoạch từ “%(a)s” sang “%(b)s”.")
            % {"a": PlanStatus(plan.status).label, "b": PlanStatus(to).label if to in PlanStatus.values else to}
        )
    errors = Errors()
    values = {"decision_number": decision_number, "reason": reason}
    number = number_symbol(values, "decision_number", errors, required=to in (PlanStatus.ISSUED, PlanStatus.AMENDED))
    reason = text(values, "reason", errors, required=to == PlanStatus.AMENDED, max_length=1000)
    if to in (PlanStatus.ISSUED, PlanStatus.AMENDED) and decision_date is None:
        errors.add("decision_date", _("Nhập ngày của quyết định."))
    if to == PlanStatus.ISSUED:
        if not plan.tasks.filter(kind=TaskKind.TASK).exists():
            errors.add("__all__", _("Kế hoạch chưa có đầu việc nào, chưa ban hành được."))
        if decision_date and plan.source_date and decision_date < plan.source_date:
            errors.add("decision_date", _("Kế hoạch không thể ban hành trước văn bản mà nó triển khai."))
    if to == PlanStatus.AMENDED and decision_date and plan.issued_on and decision_date < plan.issued_on:
        errors.add("decision_date", _("Quyết định sửa đổi không thể trước ngày ban hành kế hoạch."))
    errors.raise_if_any()
    before = {"status": plan.status, "number": plan.number, "issued_on": plan.issued_on}
    PlanTransition.objects.create(
        plan=plan,
        from_status=plan.status,
        to_status=to,
        decision_number=number,
        decision_date=decision_date,
        reason=reason,
        by=acting_user(actor),
    )
    plan.status = to
    if to == PlanStatus.ISSUED:
        plan.number, plan.issued_on = number, decision_date
    plan.save(update_fields=["status", "number", "issued_on", "updated_at"])
    if to == PlanStatus.ISSUED:
        retime_plan(plan)
    audit_record(
        actor=actor,
        action=f"plans.plan.{to}",
        obj=plan,
        scope_org=plan.organisation,
        before=before,
        after={
            "status": plan.status,
            "number": plan.number,
            "issued_on": plan.issued_on,
            "decision": number,
            "reason": reason,
        },
    )
    return plan
