"""Dossiers in hand: accept, ask for more, refuse, pass along the route, pause for payment, resolve, return.

Each function is one transaction that checks the actor, moves the state machine (`states.move`, which puts the
move on the timeline and in the audit trail) and keeps the clock and the control sheet (`DossierStep`) right.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can, require
from egov.accounts.roles import Perm
from egov.audit.services import audit_record
from egov.calendar.hours import localise
from egov.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from egov.core.validation import acting_user
from egov.services import permissions
from egov.services.dossiers import clock, common, states
from egov.services.dossiers.uploads import Upload
from egov.services.models import Dossier, DossierFile, DossierState, DossierStep, OnlineClass, StepKind

S = DossierState
# Who carries out a route step: its role's permission at the agency.
STEP_PERMS = {
    "one_stop_officer": Perm.SERVICES_INTAKE,
    "specialist": Perm.SERVICES_PROCESS,
    "leader": Perm.SERVICES_APPROVE,
    "deputy_leader": Perm.SERVICES_APPROVE,
}


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().select_related("agency", "version").get(pk=dossier.pk)


def _reason(reason: str, field: str = "reason", *, required: bool = True) -> str:
    text = " ".join((reason or "").split())
    if required and not text:
        raise ValidationFailed({field: [_("Hãy nêu lý do.")]})
    if len(text) > 1000:
        raise ValidationFailed({field: [_("Tối đa %(n)d ký tự.") % {"n": 1000}]})
    return text


def _route(dossier: Dossier) -> list:
    return list(dossier.version.route.order_by("position"))


def _open_step(dossier: Dossier) -> DossierStep | None:
    return dossier.steps.filter(finished_at__isnull=True).order_by("-started_at", "-pk").first()


def _step_perm(kind_role: str) -> str:
    return STEP_PERMS.get(kind_role, Perm.SERVICES_PROCESS)


def _start_step(dossier: Dossier, position: int, *, at: dt.datetime, assignee=None) -> DossierStep:
    step = next(s for s in _route(dossier) if s.position == position)
    if assignee is not None and not can(Actor(user=assignee), _step_perm(step.role), dossier.agency):
        raise ValidationFailed(
            {
                "assignee": [
                    _("%(name)s không có quyền thực hiện bước “%(step)s”.")
                    % {"name": assignee.full_name, "step": step.name}
                ]
            }
        )
    dossier.current_step = position
    return DossierStep.objects.create(
        dossier=dossier,
        position=position,
        kind=step.kind,
        name=step.name,
        unit=dossier.agency,
        assignee=assignee,
        started_at=at,
        due_at=clock.step_due(step.budget, at, dossier.agency),
    )


def _finish_open_step(dossier: Dossier, *, at: dt.datetime, note: str = "") -> DossierStep | None:
    step = _open_step(dossier)
    if step is not None:
        step.finished_at = at
        step.note = note[:1000]
        step.save(update_fields=["finished_at", "note"])
    return step


def _next_position(dossier: Dossier, after: int | None, *, kind: str | None = None) -> int | None:
    for step in _route(dossier):
        if (after is None or step.position > after) and (kind is None or step.kind == kind):
            return step.position
    return None


def _require_step(actor: Actor, dossier: Dossier) -> DossierStep:
    """The open step, which the actor may act on: its assignee, or anyone holding its permission at the agency."""
    step = _open_step(dossier)
    if step is None:
        raise InvalidTransition(_("Hồ sơ không có bước xử lý đang mở."), field="state")
    user = acting_user(actor)
    if step.assignee_id is not None and user is not None and step.assignee_id == user.pk:
        return step
    route_step = next((s for s in _route(dossier) if s.position == step.position), None)
    require(actor, _step_perm(route_step.role if route_step else ""), dossier.agency)
    return step


def _holds_step(actor: Actor, dossier: Dossier) -> bool:
    try:
        _require_step(actor, dossier)
    except (PermissionDenied, InvalidTransition):
        return False
    return True


def _needs_payment(dossier: Dossier) -> bool:
    return dossier.fee_total > 0 and dossier.paid_at is None and dossier.version.online_class == OnlineClass.FULL


def _proceed(dossier: Dossier, *, actor: Actor, at: dt.datetime, assignee=None) -> None:
    """After acceptance, payment or a supplement: wait for the fee, or hand the dossier to the next step."""
    if _needs_payment(dossier):
        dossier.paused_at = at
        states.move(
            dossier,
            S.AWAITING_PAYMENT,
            actor=actor,
            note=_("Chờ nộp phí, lệ phí: %(n)s đồng.") % {"n": f"{dossier.fee_total:,}".replace(",", ".")},
        )
        return
    if _open_step(dossier) is None:
        position = _next_position(dossier, dossier.current_step)
        if position is not None:
            _start_step(dossier, position, at=at, assignee=assignee)
    states.move(dossier, S.PROCESSING, actor=actor)


def _start_clock(dossier: Dossier, at: dt.datetime) -> None:
    counted_from, due = clock.due_at(dossier.version, at, dossier.agency)
    dossier.received_at = at
    dossier.counted_from = counted_from
    dossier.due_at = due
    dossier.first_due_at = due


# --- intake -----------------------------------------------------------------------------------------------
@transaction.atomic
def dossier_accept(*, actor: Actor, dossier: Dossier, assignee=None) -> Dossier:
    """The papers are complete: receipt (Mẫu 01), the clock starts, the dossier goes to the next step."""
    dossier = _locked(dossier)
    require(actor, Perm.SERVICES_INTAKE, dossier.agency)
    now = timezone.now()
    _start_clock(dossier, now)
    states.move(dossier, S.RECEIVED, actor=actor, data={"due_at": localise(dossier.due_at).isoformat()})
    intake = _next_position(dossier, None, kind=StepKind.INTAKE)
    if intake is not None:
        step = _start_step(dossier, intake, at=dossier.submitted_at if dossier.channel == "online" else now)
        step.assignee = acting_user(actor)
        step.finished_at = now
        step.save(update_fields=["assignee", "finished_at"])
    _proceed(dossier, actor=actor, at=now, assignee=assignee)
    return dossier


@transaction.atomic
def dossier_request_supplement(*, actor: Actor, dossier: Dossier, items: list[dict]) -> Dossier:
    """Phiếu yêu cầu bổ sung (Mẫu 02): within the rule's working days of receipt; the clock restarts on completion."""
    dossier = _locked(dossier)
    # The counter issues the form; after acceptance the one handling the open step may ask too.
    if dossier.state == S.SUBMITTED or not _holds_step(actor, dossier):
        require(actor, Perm.SERVICES_INTAKE, dossier.agency)
    cleaned = []
    for index, item in enumerate(items or []):
        name = " ".join(str(item.get("name", "")).split())[:300]
        reason = " ".join(str(item.get("reason", "")).split())[:500]
        if not name or not reason:
            raise ValidationFailed({f"items.{index}": [_("Hãy nêu giấy tờ cần bổ sung và lý do.")]})
        cleaned.append({"name": name, "reason": reason})
    if not cleaned:
        raise ValidationFailed({"items": [_("Hãy nêu ít nhất một giấy tờ cần bổ sung, hoàn thiện.")]})
    now = timezone.now()
    since = dossier.received_at or dossier.submitted_at
    if not clock.within_supplement_window(since, now, dossier.agency):
        rule = clock.rule_in_force(localise(since).date())
        raise InvalidTransition(
            _("Đã quá %(n)d ngày làm việc kể từ khi tiếp nhận: không còn được yêu cầu bổ sung hồ sơ (%(rule)s).")
            % {"n": rule.supplement_days, "rule": rule.instrument},
            field="items",
        )
    _finish_open_step(dossier, at=now, note=_("Yêu cầu bổ sung hồ sơ"))
    dossier.supplement_requested_at = now
    states.move(dossier, S.SUPPLEMENT, actor=actor, note="; ".join(i["name"] for i in cleaned), data={"items": cleaned})
    return dossier


@transaction.atomic
def dossier_supplement(*, actor: Actor, dossier: Dossier, files: list[Upload], answers: dict | None = None) -> Dossier:
    """The applicant (or the counter for them) hands in what was asked: back to the check, or on with a new clock."""
    from egov.services import eforms
    from egov.services.dossiers.submission import check_papers

    dossier = _locked(dossier)
    permissions.require_owner_or_intake(actor, dossier)
    if dossier.state != S.SUPPLEMENT:
        raise InvalidTransition(_("Hồ sơ không ở trạng thái chờ bổ sung."), field="state")
    if not files and answers is None:
        raise ValidationFailed({"files": [_("Hãy gửi giấy tờ hoặc nội dung cần bổ sung.")]})
    check_papers(dossier.version, files, complete=False)
    if answers is not None:
        dossier.form_data = eforms.validate_answers(dossier.version.form_schema, answers)
    for upload in files:
        common.store_file(dossier, upload, kind=DossierFile.Kind.SUBMITTED, actor=actor, requirement=upload.requirement)
    now = timezone.now()
    if dossier.received_at is None:
        states.move(dossier, S.SUBMITTED, actor=actor, note=_("Đã bổ sung hồ sơ"))
        return dossier
    # Accepted before: complete again now, so the processing time runs afresh from today.
    _start_clock(dossier, now)
    position = dossier.current_step if dossier.current_step is not None else _next_position(dossier, None)
    if position is not None:
        _start_step(dossier, position, at=now)
    states.move(
        dossier,
        S.PROCESSING,
        actor=actor,
        note=_("Đã bổ sung hồ sơ"),
        data={"due_at": localise(dossier.due_at).isoformat()},
    )
    return dossier


@transaction.atomic
def dossier_refuse(*, actor: Actor, dossier: Dossier, reason: str) -> Dossier:
    """Phiếu từ chối (Mẫu 03): at intake, or later while the processing time has not run out."""
    dossier = _locked(dossier)
    reason = _reason(reason)
    if dossier.state in (S.SUBMITTED, S.SUPPLEMENT):
        require(actor, Perm.SERVICES_INTAKE, dossier.agency)
    else:
        require(actor, Perm.SERVICES_APPROVE, dossier.agency)
        if dossier.due_at is not None and timezone.now() > dossier.due_at:
            raise InvalidTransition(
                _("Đã quá hạn giải quyết: việc từ chối phải trong thời hạn; hãy xin lỗi và hẹn lại hoặc giải quyết."),
                field="reason",
            )
    _finish_open_step(dossier, at=timezone.now(), note=reason)
    states.move(dossier, S.REFUSED, actor=actor, note=reason)
    return dossier


# --- along the route ------------------------------------------------------------------------------------
@transaction.atomic
def dossier_hand_over(*, actor: Actor, dossier: Dossier, assignee=None, note: str = "") -> Dossier:
    """Finish the open step and start the next one of the route (Mẫu 05 records each hand-over)."""
    dossier = _locked(dossier)
    if dossier.state != S.PROCESSING:
        raise InvalidTransition(_("Chỉ chuyển bước khi hồ sơ đang xử lý."), field="state")
    step = _require_step(actor, dossier)
    if step.kind == StepKind.OTHER_AGENCY:
        from egov.services.dossiers.interagency import require_answered

        require_answered(dossier, step, note=note)
    next_position = _next_position(dossier, step.position)
    if next_position is None or next(s for s in _route(dossier) if s.position == next_position).kind == StepKind.RETURN:
        raise InvalidTransition(_("Đây là bước cuối trước khi trả kết quả: hãy phê duyệt kết quả."), field="state")
    now = timezone.now()
    _finish_open_step(dossier, at=now, note=_reason(note, "note", required=False))
    new = _start_step(dossier, next_position, at=now, assignee=assignee)
    dossier.save()
    states.event(dossier, "step", actor=actor, note=new.name, data={"position": new.position})
    audit_record(
        actor=actor,
        action="services.dossier.hand_over",
        obj=dossier,
        scope_org=dossier.agency,
        before={"step": step.position},
        after={"step": new.position, "assignee": assignee.pk if assignee is not None else None},
    )
    return dossier


@transaction.atomic
def dossier_resolve(*, actor: Actor, dossier: Dossier, result: Upload | None = None, note: str = "") -> Dossier:
    """The leader approves the result (Đã xử lý xong); the one-stop officer then returns it."""
    dossier = _locked(dossier)
    require(actor, Perm.SERVICES_APPROVE, dossier.agency)
    if dossier.state != S.PROCESSING:
        raise InvalidTransition(_("Chỉ phê duyệt kết quả khi hồ sơ đang xử lý."), field="state")
    now = timezone.now()
    if result is not None:
        if not result.data.startswith(b"%PDF-"):
            raise ValidationFailed({"result": [_("Kết quả giải quyết phải là tệp PDF.")]})
        common.store_file(dossier, result, kind=DossierFile.Kind.RESULT, actor=actor, requirement="")
    _finish_open_step(dossier, at=now, note=_reason(note, "note", required=False))
    dossier.resolved_at = now
    dossier.resolved_timeliness = clock.classify(dossier, now)
    position = _next_position(dossier, dossier.current_step, kind=StepKind.RETURN)
    if position is not None:
        _start_step(dossier, position, at=now)
    states.move(dossier, S.RESOLVED, actor=actor, data={"timeliness": dossier.resolved_timeliness})
    return dossier


@transaction.atomic
def dossier_return(*, actor: Actor, dossier: Dossier, note: str = "") -> Dossier:
    """The result handed to the applicant (at the counter, by post, or online): Đã trả kết quả."""
    dossier = _locked(dossier)
    require(actor, Perm.SERVICES_INTAKE, dossier.agency)
    if dossier.state != S.RESOLVED:
        raise InvalidTransition(_("Hồ sơ chưa có kết quả được phê duyệt."), field="state")
    now = timezone.now()
    _finish_open_step(dossier, at=now, note=_reason(note, "note", required=False))
    dossier.returned_at = now
    states.move(dossier, S.RETURNED, actor=actor)
    return dossier


# --- the applicant, the clock, the fee ---------------------------------------------------------------------
@transaction.atomic
def dossier_withdraw(*, actor: Actor, dossier: Dossier, reason: str) -> Dossier:
    """Công dân rút hồ sơ: the applicant's request, online or at the counter."""
    dossier = _locked(dossier)
    permissions.require_owner_or_intake(actor, dossier)
    reason = _reason(reason)
    _finish_open_step(dossier, at=timezone.now(), note=reason)
    states.move(dossier, S.WITHDRAWN, actor=actor, note=reason)
    return dossier


@transaction.atomic
def dossier_stop(*, actor: Actor, dossier: Dossier, reason: str) -> Dossier:
    """Dừng xử lý, by the agency's leader, with the reason."""
    dossier = _locked(dossier)
    require(actor, Perm.SERVICES_APPROVE, dossier.agency)
    reason = _reason(reason)
    _finish_open_step(dossier, at=timezone.now(), note=reason)
    states.move(dossier, S.STOPPED, actor=actor, note=reason)
    return dossier


@transaction.atomic
def dossier_apologise(*, actor: Actor, dossier: Dossier, new_due_at: dt.datetime, reason: str) -> Dossier:
    """Phiếu xin lỗi và hẹn lại (Mẫu 04): once, at least a working day before the due date, to a later date."""
    dossier = _locked(dossier)
    require(actor, Perm.SERVICES_APPROVE, dossier.agency)
    reason = _reason(reason)
    if dossier.state not in (S.RECEIVED, S.PROCESSING, S.AWAITING_PAYMENT) or dossier.due_at is None:
        raise InvalidTransition(_("Chỉ xin lỗi, hẹn lại với hồ sơ đang giải quyết."), field="state")
    now = timezone.now()
    allowed, rule = clock.apology_allowed(dossier.due_at, now, dossier.agency)
    if dossier.apologies >= rule.apologies_allowed:
        raise InvalidTransition(
            _("Hồ sơ đã được xin lỗi và hẹn lại %(n)d lần; không được hẹn lại thêm (%(rule)s).")
            % {"n": dossier.apologies, "rule": rule.instrument},
            field="new_due_at",
        )
    if not allowed:
        raise InvalidTransition(
            _("Phải xin lỗi, hẹn lại trước hạn trả kết quả ít nhất %(n)d ngày làm việc (%(rule)s).")
            % {"n": rule.apology_lead_days, "rule": rule.instrument},
            field="new_due_at",
        )
    if new_due_at <= dossier.due_at:
        raise ValidationFailed({"new_due_at": [_("Ngày hẹn mới phải sau ngày hẹn trả kết quả hiện tại.")]})
    before = dossier.due_at
    dossier.due_at = new_due_at
    dossier.apologies += 1
    dossier.save()
    states.event(
        dossier,
        "apology",
        actor=actor,
        note=reason,
        data={"from": localise(before).isoformat(), "to": localise(new_due_at).isoformat()},
    )
    audit_record(
        actor=actor,
        action="services.dossier.apology",
        obj=dossier,
        scope_org=dossier.agency,
        before={"due_at": before.isoformat()},
        after={"due_at": new_due_at.isoformat(), "reason": reason},
    )
    return dossier


@transaction.atomic
def dossier_mark_paid(*, actor: Actor, dossier: Dossier, reference: str) -> Dossier:
    """The fee is paid (a gateway's confirmed callback, or cash at the counter): the clock runs again."""
    dossier = _locked(dossier)
    if not actor.is_system and not can(actor, Perm.SERVICES_INTAKE, dossier.agency):
        raise PermissionDenied(_("Chỉ bộ phận một cửa hoặc cổng thanh toán xác nhận việc nộp phí."))
    if dossier.paid_at is not None:
        return dossier  # a callback repeated: already applied
    now = timezone.now()
    dossier.paid_at = now
    states.event(dossier, "paid", actor=actor, note=reference[:200], data={"amount": dossier.fee_total})
    if dossier.state == S.AWAITING_PAYMENT:
        if dossier.paused_at is not None and dossier.due_at is not None:
            dossier.due_at = clock.extend_by_pause(dossier.due_at, dossier.paused_at, now, dossier.agency)
        dossier.paused_at = None
        _proceed(dossier, actor=actor, at=now)
    else:
        dossier.save()
    return dossier
