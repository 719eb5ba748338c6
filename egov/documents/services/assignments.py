"""Giải quyết văn bản đến: assignment (chủ trì, phối hợp, để biết), handling, forwarding, results, urging."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.roles import Perm
from egov.audit.services import audit_record
from egov.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from egov.core.validation import Errors, acting_user, long_text
from egov.documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    DeliveryState,
    Document,
    IncomingState,
)
from egov.documents.permissions import member_org_ids, require_at, require_see
from egov.documents.services import common, metadata
from egov.documents.services.incoming import update_sender
from egov.organisations.models import Organisation


@dataclass(frozen=True)
class Target:
    role: str
    unit: Organisation | None = None
    person: object | None = None


def _resolve(items, role: str, field: str, document: Document, errors: Errors) -> list[Target]:
    """Each item is "unit:<id>" or "person:<id>" (or a dict with unit/person ids), within the organisation."""
    from egov.accounts.models import Membership, User

    root = document.organisation
    found: list[Target] = []
    for index, item in enumerate(items or []):
        key = field if field in ("lead", "to") else f"{field}.{index}"
        if isinstance(item, dict):
            kind, raw = ("unit", item.get("unit")) if item.get("unit") else ("person", item.get("person"))
        else:
            kind, _sep, raw = str(item).partition(":")
        if kind == "unit" and str(raw).isdigit():
            unit = Organisation.objects.filter(pk=raw).first()
            if unit is None or not unit.path.startswith(root.path):
                errors.add(key, _("Chỉ giao cho đơn vị thuộc %(org)s.") % {"org": root.name})
                continue
            found.append(Target(role, unit=unit))
        elif kind == "person" and str(raw).isdigit():
            person = User.objects.filter(pk=raw, is_active=True).first()
            inside = (
                person is not None
                and Membership.objects.filter(user=person, organisation__path__startswith=root.path).exists()
            )
            if not inside:
                errors.add(key, _("Chỉ giao cho cán bộ của %(org)s.") % {"org": root.name})
                continue
            found.append(Target(role, person=person))
        else:
            errors.add(key, _("Không nhận ra nơi được giao “%(v)s”.") % {"v": item})
    return found


def _due_on(values: dict, document: Document, errors: Errors) -> dt.date | None:
    from egov.calendar.workdays import add_working_days, is_working_day

    due = metadata.date_value(values, "due_on", errors)
    days = metadata.small_int(values, "due_in_days", errors, maximum=365)
    if due is None and days:
        due = add_working_days(timezone.localdate(), days)
    if due is None:
        due = document.handling_due_on
    if due is not None:
        if due < timezone.localdate():
            errors.add("due_on", _("Hạn giải quyết không thể trước hôm nay."))
        elif not is_working_day(due):
            errors.add(
                "due_on", _("Ngày %(d)s là ngày nghỉ; chọn một ngày làm việc.") % {"d": due.strftime("%d/%m/%Y")}
            )
    return due


def _create(document, target: Target, *, due_on, instructions, actor, parent=None) -> Assignment:
    row = Assignment.objects.create(
        document=document,
        parent=parent,
        role=target.role,
        unit=target.unit,
        person=target.person,
        due_on=due_on,
        instructions=instructions,
        assigned_by=acting_user(actor),
    )
    if document.is_secret and target.person is not None:
        from egov.documents.services.access import grant_implicitly

        grant_implicitly(document, target.person, actor=actor, reason=_("Được giao giải quyết văn bản mật"))
    return row


def _notify(document: Document, rows: list[Assignment]) -> None:
    from egov.documents.people import unit_members
    from egov.notifications.services import notify_users

    people: dict[int, object] = {}
    for row in rows:
        for person in [row.person] if row.person else unit_members(row.unit):
            people[person.pk] = person
    if not people:
        return
    notify_users(
        users=people.values(),
        topic="documents.assigned",
        title=_("Được giao giải quyết văn bản %(ns)s") % {"ns": document.number_symbol or ""},
        body=document.subject,
        url=f"/documents/{document.pk}/",
        obj=document,
    )


@transaction.atomic
def document_assign(*, actor: Actor, document: Document, values: dict) -> list[Assignment]:
    """Lãnh đạo phân công: one lead (chủ trì), cooperating units (phối hợp), for information (để biết)."""
    document = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    require_see(actor, document)
    require_at(
        actor,
        Perm.DOCS_ASSIGN,
        document.organisation,
        _("Chỉ lãnh đạo %(org)s được phân công giải quyết văn bản.") % {"org": document.organisation.name},
    )
    common.require_not_frozen(document)
    if document.state not in (IncomingState.REGISTERED, IncomingState.ASSIGNED, IncomingState.COMPLETED):
        raise InvalidTransition(_("Chỉ phân công văn bản đến đã vào sổ."))
    errors = Errors()
    lead_raw = values.get("lead")
    lead = _resolve([lead_raw] if lead_raw else [], AssignmentRole.LEAD, "lead", document, errors)
    if not lead_raw:
        errors.add("lead", _("Chọn đơn vị hoặc cá nhân chủ trì giải quyết."))
    cooperate = _resolve(values.get("cooperate"), AssignmentRole.COOPERATE, "cooperate", document, errors)
    inform = _resolve(values.get("inform"), AssignmentRole.INFORM, "inform", document, errors)
    due_on = _due_on(values, document, errors)
    instructions = long_text(values, "instructions", errors, max_length=2000)
    if document.is_secret and any(t.unit is not None for t in lead + cooperate + inform):
        errors.add("lead", _("Văn bản mật chỉ giao cho cá nhân được chỉ định, không giao cho cả đơn vị."))
    errors.raise_if_any()
    document.assignments.filter(
        state__in=[AssignmentState.OPEN, AssignmentState.IN_PROGRESS], parent__isnull=True
    ).update(state=AssignmentState.FORWARDED)
    rows = [
        _create(
            document,
            target,
            due_on=due_on if target.role != AssignmentRole.INFORM else None,
            instructions=instructions,
            actor=actor,
        )
        for target in lead + cooperate + inform
    ]
    if due_on and due_on != document.handling_due_on:
        document.handling_due_on = due_on
        document.save(update_fields=["handling_due_on", "updated_at"])
    common.transition(
        document,
        IncomingState.ASSIGNED,
        actor=actor,
        note=instructions,
        data={"assignments": [r.pk for r in rows], "due_on": due_on.isoformat() if due_on else None},
    )
    update_sender(document, DeliveryState.HANDLING, actor=actor)
    _notify(document, rows)
    return rows


def _require_assignee(actor: Actor, row: Assignment) -> None:
    user = acting_user(actor)
    if user is not None and row.person_id == user.pk:
        return
    if row.unit_id and row.unit_id in member_org_ids(actor):
        return
    raise PermissionDenied(_("Việc này không được giao cho bạn hoặc đơn vị của bạn."))


def _lock(row: Assignment) -> Assignment:
    return Assignment.objects.select_for_update(of=("self",)).select_related("document").get(pk=row.pk)


@transaction.atomic
def assignment_start(*, actor: Actor, assignment: Assignment) -> Assignment:
    row = _lock(assignment)
    _require_assignee(actor, row)
    common.require_not_frozen(row.document)
    if row.state != AssignmentState.OPEN:
        raise InvalidTransition(_("Việc này đã được nhận xử lý."))
    row.state = AssignmentState.IN_PROGRESS
    row.save(update_fields=["state"])
    common.event(row.document, "assignment.started", actor=actor, data={"assignment": row.pk})
    if row.role == AssignmentRole.LEAD and row.parent_id is None:
        update_sender(row.document, "in_progress", actor=actor)
    audit_record(actor=actor, action="documents.assignment.start", obj=row, scope_org=row.document.organisation)
    return row


@transaction.atomic
def assignment_forward(*, actor: Actor, assignment: Assignment, values: dict) -> Assignment:
    """Chuyển tiếp or giao tiếp: the unit's head gives the work to a person; the parent stays open with it."""
    row = _lock(assignment)
    _require_assignee(actor, row)
    document = row.document
    common.require_not_frozen(document)
    if row.state not in (AssignmentState.OPEN, AssignmentState.IN_PROGRESS):
        raise InvalidTransition(_("Việc này đã xong hoặc đã chuyển tiếp."))
    errors = Errors()
    to = _resolve([values.get("to")] if values.get("to") else [], row.role, "to", document, errors)
    if not values.get("to"):
        errors.add("to", _("Chọn người hoặc đơn vị nhận việc."))
    due_on = _due_on(
        {"due_on": values.get("due_on") or (row.due_on.isoformat() if row.due_on else "")}, document, errors
    )
    if due_on and row.due_on and due_on > row.due_on:
        errors.add(
            "due_on",
            _("Hạn giao tiếp không được sau hạn của việc được giao (%(d)s).") % {"d": row.due_on.strftime("%d/%m/%Y")},
        )
    instructions = long_text(values, "instructions", errors, max_length=2000)
    if document.is_secret and to and to[0].unit is not None:
        errors.add("to", _("Văn bản mật chỉ giao cho cá nhân được chỉ định."))
    errors.raise_if_any()
    child = _create(document, to[0], due_on=due_on, instructions=instructions, actor=actor, parent=row)
    if row.state == AssignmentState.OPEN:
        row.state = AssignmentState.IN_PROGRESS
        row.save(update_fields=["state"])
    common.event(
        document, "assignment.forwarded", actor=actor, note=instructions, data={"from": row.pk, "to": child.pk}
    )
    audit_record(
        actor=actor,
        action="documents.assignment.forward",
        obj=child,
        scope_org=document.organisation,
        after={"parent": row.pk, "unit": child.unit_id, "person": child.person_id},
    )
    _notify(document, [child])
    return child


@transaction.atomic
def assignment_complete(*, actor: Actor, assignment: Assignment, result: str) -> Assignment:
    """Kết quả giải quyết; the lead's result completes the document and tells the sender."""
    row = _lock(assignment)
    _require_assignee(actor, row)
    document = Document.objects.select_for_update(of=("self",)).get(pk=row.document_id)
    common.require_not_frozen(document)
    if row.state not in (AssignmentState.OPEN, AssignmentState.IN_PROGRESS):
        raise InvalidTransition(_("Việc này đã xong hoặc đã chuyển tiếp."))
    errors = Errors()
    value = long_text({"result": result}, "result", errors, required=row.role != AssignmentRole.INFORM, max_length=4000)
    errors.raise_if_any()
    now = timezone.now()
    done = [row]
    parent = row.parent
    while row.role == AssignmentRole.LEAD and parent is not None and parent.role == AssignmentRole.LEAD:
        done.append(parent)
        parent = parent.parent
    for item in done:
        item.state = AssignmentState.DONE
        item.result = value
        item.completed_at = now
        item.completed_by = acting_user(actor)
        item.save(update_fields=["state", "result", "completed_at", "completed_by"])
    common.event(document, "assignment.completed", actor=actor, note=value, data={"assignment": row.pk})
    audit_record(
        actor=actor,
        action="documents.assignment.complete",
        obj=row,
        scope_org=document.organisation,
        after={"result": value[:200]},
    )
    lead_finished = row.role == AssignmentRole.LEAD and (done[-1].parent_id is None)
    if lead_finished and document.state == IncomingState.ASSIGNED:
        common.transition(document, IncomingState.COMPLETED, actor=actor, note=value)
        update_sender(document, DeliveryState.COMPLETED, actor=actor)
    return row


@transaction.atomic
def document_urge(*, actor: Actor, document: Document, message: str = "") -> int:
    """Đôn đốc: a notice to everyone still holding open work on the document; returns how many were told."""
    from egov.documents.people import unit_members
    from egov.notifications.services import notify_users

    require_see(actor, document)
    require_at(
        actor,
        Perm.DOCS_ASSIGN,
        document.organisation,
        _("Chỉ lãnh đạo %(org)s được đôn đốc giải quyết văn bản.") % {"org": document.organisation.name},
    )
    open_rows = list(
        document.assignments.filter(state__in=[AssignmentState.OPEN, AssignmentState.IN_PROGRESS])
        .exclude(role=AssignmentRole.INFORM)
        .select_related("person", "unit")
    )
    if not open_rows:
        raise ValidationFailed({"__all__": [_("Văn bản không còn việc nào đang giải quyết để đôn đốc.")]})
    people = {}
    for row in open_rows:
        for person in [row.person] if row.person else unit_members(row.unit):
            people[person.pk] = person
    text = " ".join((message or "").split())[:1000]
    notify_users(
        users=people.values(),
        topic="documents.urge",
        title=_("Đôn đốc giải quyết văn bản %(ns)s") % {"ns": document.number_symbol},
        body=text or document.subject,
        url=f"/documents/{document.pk}/",
        obj=document,
    )
    common.event(document, "urged", actor=actor, note=text, data={"people": sorted(people)})
    audit_record(
        actor=actor,
        action="documents.urge",
        obj=document,
        scope_org=document.organisation,
        after={"people": len(people)},
    )
    return len(people)
