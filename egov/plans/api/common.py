"""What the plans API routers share: turning codes and usernames into objects, and objects into output dicts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.selectors import people_visible
from egov.core.errors import NotFound, ValidationFailed
from egov.organisations.models import Organisation
from egov.organisations.selectors import organisation_get
from egov.plans import selectors
from egov.plans.models import CommitteeMember, Plan, SteeringCommittee, Task, TaskKind
from egov.plans.services.tasks import SORT_STEP


def org(actor: Actor, code: str | None, field: str) -> Organisation | None:
    """The organisation with this identifier code, or a 422 naming `field` (unknown and invisible look the same)."""
    if code is None or not code.strip():
        return None
    try:
        return organisation_get(actor=actor, code=code)
    except NotFound:
        raise ValidationFailed(
            {field: [_("Không tìm thấy cơ quan, đơn vị có mã định danh “%(code)s”.") % {"code": code.strip()}]}
        ) from None


def orgs(actor: Actor, codes: list[str], field: str) -> list[Organisation]:
    return [org(actor, code, field) for code in codes if code and code.strip()]


def person(actor: Actor, username: str | None, field: str):
    if username is None or not username.strip():
        return None
    user = people_visible(actor=actor).filter(username=username.strip()).first()
    if user is None:
        raise ValidationFailed({field: [_("Không tìm thấy người dùng “%(u)s”.") % {"u": username.strip()}]})
    return user


def committee_ref(actor: Actor, pk: int | None, field: str = "committee") -> SteeringCommittee | None:
    if pk is None:
        return None
    try:
        return selectors.committee_get(actor=actor, pk=pk)
    except NotFound:
        raise ValidationFailed({field: [_("Không tìm thấy Ban Chỉ đạo số %(pk)d.") % {"pk": pk}]}) from None


def task_ref(actor: Actor, pk: int | None, field: str = "parent") -> Task | None:
    if pk is None:
        return None
    try:
        return selectors.task_get(actor=actor, pk=pk)
    except NotFound:
        raise ValidationFailed({field: [_("Không tìm thấy đầu việc số %(pk)d.") % {"pk": pk}]}) from None


# --- output -------------------------------------------------------------------------------------------------


def _username(user) -> str | None:
    return user.username if user is not None else None


def member_out(member: CommitteeMember) -> dict:
    return {
        "id": member.pk,
        "committee": member.committee_id,
        "full_name": member.full_name,
        "username": _username(member.user),
        "role": member.role,
        "position": member.position,
        "member_organisation": member.member_organisation.code,
        "member_organisation_name": member.member_organisation.name,
        "part_time": member.part_time,
        "responsibilities": member.responsibilities,
        "followed_units": sorted(u.code for u in member.followed_units.all()),
        "joined_on": member.joined_on,
        "left_on": member.left_on,
        "is_current": member.is_current,
    }


def committee_out(committee: SteeringCommittee, members: list[CommitteeMember] | None = None) -> dict:
    data = {
        "id": committee.pk,
        "name": committee.name,
        "organisation": committee.organisation.code,
        "organisation_name": committee.organisation.name,
        "decision_number": committee.decision_number,
        "decision_date": committee.decision_date,
        "decision_issuer": committee.decision_issuer.code,
        "decision_signer": committee.decision_signer,
        "regulation_number": committee.regulation_number,
        "regulation_date": committee.regulation_date,
        "duties": committee.duties,
        "dissolved_on": committee.dissolved_on,
        "has_decision_file": bool(committee.decision_file),
        "has_regulation_file": bool(committee.regulation_file),
    }
    if members is not None:
        data["members"] = [member_out(m) for m in members]
    return data


def plan_out(plan: Plan, *, transitions: bool = False) -> dict:
    data = {
        "id": plan.pk,
        "title": plan.title,
        "number": plan.number,
        "status": plan.status,
        "organisation": plan.organisation.code,
        "organisation_name": plan.organisation.name,
        "issuer": plan.issuer.code,
        "committee": plan.committee_id,
        "signer": plan.signer,
        "issued_on": plan.issued_on,
        "source_title": plan.source_title,
        "source_number": plan.source_number,
        "source_date": plan.source_date,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "orientation_year": plan.orientation_year,
        "due_soon_days": plan.due_soon_days,
        "recurring_report_days": plan.recurring_report_days,
        "has_file": bool(plan.file),
    }
    if transitions:
        data["transitions"] = [
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "decision_number": t.decision_number,
                "decision_date": t.decision_date,
                "reason": t.reason,
                "by": _username(t.by),
                "at": t.at,
            }
            for t in plan.transitions.select_related("by")
        ]
    return data


def task_out(task: Task) -> dict:
    """One task; it must carry the `status` annotation (plan_tasks, task_get and unit_tasks give it)."""
    section = task.kind == TaskKind.SECTION
    return {
        "id": task.pk,
        "plan": task.plan_id,
        "parent": task.parent_id,
        "kind": task.kind,
        "depth": max(1, len(task.sort_key) // SORT_STEP),
        "number": task.number,
        "title": task.title,
        "product": task.product,
        "lead_unit": task.lead_unit.code if task.lead_unit_id else None,
        "lead_unit_name": task.lead_unit.name if task.lead_unit_id else None,
        # Codes come from the prefetch (sorted here rather than in SQL so the prefetch is reused).
        "cooperating_units": sorted(u.code for u in task.cooperating_units.all()),
        "responsible_leader": _username(task.responsible_leader),
        "priority": task.priority,
        "deadline": task.deadline_text,
        "deadline_kind": task.deadline_kind or None,
        "due_date": task.due_date,
        "percent": task.percent,
        "status": None if section else task.status,
        "last_report_on": task.last_report_on,
        "completion_requested": task.completion_requested,
        "completed_on": task.completed_on,
        "dropped_on": task.dropped_on,
        "dropped_reason": task.dropped_reason,
    }


def report_out(report) -> dict:
    return {
        "id": report.pk,
        "task": report.task_id,
        "kind": report.kind,
        "unit": report.unit.code,
        "unit_name": report.unit.name,
        "percent": report.percent,
        "previous_percent": report.previous_percent,
        "narrative": report.narrative,
        "products": report.products,
        "reason": report.reason,
        "requests_completion": report.requests_completion,
        "reported_on": report.reported_on,
        "submitted_by": _username(report.submitted_by),
        "submitted_at": report.submitted_at,
        "evidence": [
            {"id": e.pk, "name": e.original_name, "content_type": e.content_type, "size": e.size, "sha256": e.sha256}
            for e in report.evidence.all()
        ],
    }
