"""Progress reports by the lead and cooperating units, completion reviews by a leader, and manual urging."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.core.errors import InvalidTransition, PermissionDenied
from egov.organisations.models import Organisation
from egov.plans import notify
from egov.plans.models import (
    CompletionReview,
    ProgressEvidence,
    ProgressReport,
    ReportKind,
    ReviewDecision,
    Task,
    TaskEvent,
    TaskKind,
    Urge,
    UrgeKind,
)
from egov.plans.permissions import can_report_for, require_confirm, require_urge
from egov.plans.recipients import unit_recipients
from egov.plans.services._common import Errors, acting_user, event, long_text, sha256_of, text
from egov.plans.services.timing import recurring_report_due

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_MAX_FILES = 10
# Evidence a unit sends: PDF, office documents, images, archives — checked by content, not by name.
EVIDENCE_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"PK\x03\x04": "application/zip",  # docx, xlsx, odt and zip
    b"\xd0\xcf\x11\xe0": "application/msword",  # doc, xls
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def _sniff(upload) -> str | None:
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type in EVIDENCE_SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


def _active_task(task: Task) -> None:
    if task.kind != TaskKind.TASK:
        raise InvalidTransition(_("Mục không có tiến độ; hãy báo cáo ở từng đầu việc."))
    if not task.plan.is_active:
        raise InvalidTransition(_("Kế hoạch chưa ban hành hoặc đã kết thúc: không nhận báo cáo tiến độ."))
    if task.dropped_on is not None:
        raise InvalidTransition(_("Đầu việc đã dừng thực hiện."))


@transaction.atomic
def progress_report_submit(
    *,
    actor: Actor,
    task: Task,
    unit: Organisation,
    values: dict[str, Any],
    files: list | None = None,
) -> ProgressReport:
    """A report by the lead unit (percent, narrative, products, evidence) or a cooperating unit's contribution."""
    task = (
        Task.objects.select_for_update(of=("self",)).select_related("plan__organisation", "lead_unit").get(pk=task.pk)
    )
    _active_task(task)
    cooperating = set(task.cooperating_units.values_list("pk", flat=True))
    if unit.pk == task.lead_unit_id:
        kind = ReportKind.LEAD
    elif unit.pk in cooperating:
        kind = ReportKind.CONTRIBUTION
    else:
        raise PermissionDenied(
            _("%(unit)s không được giao chủ trì hay phối hợp đầu việc này.") % {"unit": unit.name}, field="unit"
        )
    if not can_report_for(actor, unit):
        raise PermissionDenied(
            _("Bạn không có quyền báo cáo tiến độ thay mặt %(unit)s.") % {"unit": unit.name}, field="unit"
        )
    errors = Errors()
    narrative = long_text(values, "narrative", errors, required=True, max_length=20000)
    products = long_text(values, "products", errors, max_length=5000)
    reason = text(values, "reason", errors, max_length=1000)
    requests_completion = bool(values.get("requests_completion"))
    today = timezone.localdate()
    reported_on = values.get("reported_on") or today
    if not isinstance(reported_on, dt.date):
        errors.add("reported_on", _("Ngày không hợp lệ."))
        reported_on = today
    elif reported_on > today:
        errors.add("reported_on", _("Ngày báo cáo không thể sau hôm nay."))
    elif task.plan.issued_on and reported_on < task.plan.issued_on:
        errors.add("reported_on", _("Ngày báo cáo không thể trước ngày ban hành kế hoạch."))
    percent = None
    if kind == ReportKind.LEAD:
        if task.completed_on is not None:
            raise InvalidTransition(_("Đầu việc đã được xác nhận hoàn thành."))
        if task.completion_requested:
            raise InvalidTransition(_("Đầu việc đang chờ lãnh đạo xác nhận hoàn thành."))
        raw = values.get("percent")
        try:
            percent = int(raw)
        except (TypeError, ValueError):
            errors.add("percent", _("Nhập tiến độ từ 0 đến 100 (%)."))
        else:
            if not 0 <= percent <= 100:
                errors.add("percent", _("Tiến độ phải từ 0 đến 100%% (đã nhập %(p)d%%).") % {"p": percent})
            elif percent < task.percent and not reason:
                errors.add(
                    "reason",
                    _("Tiến độ giảm từ %(a)d%% xuống %(b)d%%: cần ghi lý do.") % {"a": task.percent, "b": percent},
                )
            elif requests_completion and percent != 100:
                errors.add("percent", _("Đề nghị xác nhận hoàn thành khi tiến độ là 100%."))
    elif requests_completion:
        errors.add("requests_completion", _("Chỉ đơn vị chủ trì đề nghị xác nhận hoàn thành."))
    files = list(files or [])
    if len(files) > EVIDENCE_MAX_FILES:
        errors.add("evidence", _("Tối đa %(n)d tệp minh chứng mỗi báo cáo.") % {"n": EVIDENCE_MAX_FILES})
    checked = []
    for upload in files:
        if upload.size > EVIDENCE_MAX_BYTES:
            errors.add("evidence", _("Tệp “%(name)s” lớn hơn 20 MB.") % {"name": upload.name})
            continue
        content_type = _sniff(upload)
        if content_type is None:
            errors.add(
                "evidence",
                _("Tệp “%(name)s” không phải PDF, văn bản Office, ảnh PNG/JPEG hay tệp nén ZIP.")
                % {"name": upload.name},
            )
            continue
        checked.append((upload, content_type))
    errors.raise_if_any()

    report = ProgressReport.objects.create(
        task=task,
        kind=kind,
        unit=unit,
        percent=percent,
        previous_percent=task.percent if kind == ReportKind.LEAD else None,
        narrative=narrative,
        products=products,
        reason=reason,
        requests_completion=requests_completion,
        reported_on=reported_on,
        submitted_by=acting_user(actor),
    )
    for upload, content_type in checked:
        evidence = ProgressEvidence(
            report=report,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            sha256=sha256_of(upload),
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
    if kind == ReportKind.LEAD:
        task.percent = percent
        task.completion_requested = requests_completion
    if task.last_report_on is None or reported_on >= task.last_report_on:
        task.last_report_on = reported_on
    task.report_due = recurring_report_due(task, task.plan)
    task.save(update_fields=["percent", "completion_requested", "last_report_on", "report_due", "updated_at"])
    if kind == ReportKind.LEAD:
        summary = _("%(unit)s báo cáo tiến độ %(p)d%%.") % {"unit": unit.name, "p": percent}
        if requests_completion:
            summary += " " + _("Đề nghị xác nhận hoàn thành.")
        event(task, TaskEvent.Kind.REPORTED, summary, actor, {"report": report.pk, "percent": percent})
    else:
        event(
            task,
            TaskEvent.Kind.CONTRIBUTED,
            _("%(unit)s gửi ý kiến phối hợp.") % {"unit": unit.name},
            actor,
            {"report": report.pk},
        )
    audit_record(
        actor=actor,
        action="plans.task.report",
        obj=task,
        scope_org=task.plan.organisation,
        after={
            "report": report.pk,
            "kind": kind,
            "unit": unit.pk,
            "percent": percent,
            "previous_percent": report.previous_percent,
            "requests_completion": requests_completion,
            "evidence": [e.sha256 for e in report.evidence.all()],
        },
    )
    if requests_completion:
        transaction.on_commit(lambda: notify.completion_requested(task_id=task.pk, report_id=report.pk))
    return report


@transaction.atomic
def completion_review(
    *, actor: Actor, task: Task, decision: str, comment: str = "", completed_on: dt.date | None = None
) -> CompletionReview:
    """A leader confirms the lead unit's completion (on the day it reports, unless told otherwise) or sends it back."""
    task = Task.objects.select_for_update(of=("self",)).select_related("plan__organisation").get(pk=task.pk)
    require_confirm(actor, task)
    _active_task(task)
    if not task.completion_requested:
        raise InvalidTransition(_("Đơn vị chủ trì chưa đề nghị xác nhận hoàn thành đầu việc này."))
    errors = Errors()
    if decision not in ReviewDecision.values:
        errors.add("decision", _("Chọn xác nhận hoặc trả lại."))
    comment = text(
        {"comment": comment}, "comment", errors, required=decision == ReviewDecision.RETURNED, max_length=2000
    )
    report = task.reports.filter(kind=ReportKind.LEAD, requests_completion=True).order_by("-pk").first()
    today = timezone.localdate()
    completed_on = completed_on or (report.reported_on if report else today)
    if decision == ReviewDecision.CONFIRMED and completed_on > today:
        errors.add("completed_on", _("Ngày hoàn thành không thể sau hôm nay."))
    errors.raise_if_any()
    review = CompletionReview.objects.create(
        task=task,
        report=report,
        decision=decision,
        completed_on=completed_on if decision == ReviewDecision.CONFIRMED else None,
        comment=comment,
        by=acting_user(actor),
    )
    task.completion_requested = False
    if decision == ReviewDecision.CONFIRMED:
        task.completed_on = completed_on
        task.percent = 100
        event(
            task,
            TaskEvent.Kind.CONFIRMED,
            _("Xác nhận hoàn thành ngày %(d)s.") % {"d": completed_on.strftime("%d/%m/%Y")},
            actor,
            {"review": review.pk},
        )
    else:
        event(task, TaskEvent.Kind.RETURNED, _("Trả lại: %(c)s") % {"c": comment}, actor, {"review": review.pk})
    task.save(update_fields=["completion_requested", "completed_on", "percent", "updated_at"])
    audit_record(
        actor=actor,
        action=f"plans.task.{decision}",
        obj=task,
        scope_org=task.plan.organisation,
        after={"decision": decision, "completed_on": review.completed_on, "comment": comment},
    )
    transaction.on_commit(lambda: notify.reviewed(review_id=review.pk))
    return review


@transaction.atomic
def task_urge(*, actor: Actor, task: Task, message: str) -> Urge:
    """Urge the lead unit (đôn đốc): recorded with who urged whom, when and what was said; the unit is notified."""
    task = (
        Task.objects.select_for_update(of=("self",)).select_related("plan__organisation", "lead_unit").get(pk=task.pk)
    )
    require_urge(actor, task)
    _active_task(task)
    errors = Errors()
    message = long_text({"message": message}, "message", errors, required=True, max_length=5000)
    if task.completed_on is not None:
        errors.add("__all__", _("Đầu việc đã hoàn thành, không cần đôn đốc."))
    errors.raise_if_any()
    people = unit_recipients(task)
    urge = Urge.objects.create(
        task=task,
        kind=UrgeKind.MANUAL,
        to_unit=task.lead_unit,
        recipients=[{"id": u.pk, "name": u.full_name} for u in people],
        message=message,
        by=acting_user(actor),
    )
    event(
        task,
        TaskEvent.Kind.URGED,
        _("Đôn đốc %(unit)s: %(m)s") % {"unit": task.lead_unit.name, "m": message[:500]},
        actor,
        {"urge": urge.pk},
    )
    audit_record(
        actor=actor,
        action="plans.task.urge",
        obj=task,
        scope_org=task.plan.organisation,
        after={"urge": urge.pk, "to_unit": task.lead_unit_id, "recipients": [u.pk for u in people], "message": message},
    )
    transaction.on_commit(lambda: notify.urged(urge_id=urge.pk))
    return urge
