"""Handling incoming documents: /{id}/assign, /assignments/{id}/start|forward|complete, /{id}/urge."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Status

from egov.core.errors import ValidationFailed
from egov.documents.api.common import (
    assignment_out,
    org_by_code,
    person_by_username,
)
from egov.documents.api.schemas import AssignmentOut, UrgeOut
from egov.documents.api.schemas_in import AssignIn, CompleteIn, ForwardIn, TargetIn, UrgeIn
from egov.documents.models import Assignment
from egov.documents.selectors.documents import assignment_get, document_get
from egov.documents.services import assignments

router = Router(tags=["documents: handling"])


def _target(target: TargetIn | None, field: str) -> str | None:
    """The service's "unit:<id>" / "person:<id>" for a unit code or a username (exactly one of them)."""
    if target is None:
        return None
    unit, person = (target.unit or "").strip(), (target.person or "").strip()
    if bool(unit) == bool(person):
        raise ValidationFailed({field: [_("Chọn một đơn vị hoặc một cá nhân.")]})
    if unit:
        return f"unit:{org_by_code(unit, field).pk}"
    return f"person:{person_by_username(person, field).pk}"


def _out(rows: list[Assignment]) -> list[dict]:
    fresh = Assignment.objects.filter(pk__in=[r.pk for r in rows]).select_related(
        "unit", "person", "assigned_by", "completed_by"
    )
    return [assignment_out(a) for a in fresh.order_by("pk")]


@router.post(
    "/{int:id}/assign",
    response={201: list[AssignmentOut]},
    summary="Leader: assign the lead (chủ trì), cooperating (phối hợp) and informed (để biết), with a deadline",
)
def assign(request, id: int, payload: AssignIn):
    actor = request.actor
    document = document_get(actor, id)
    values = {
        "lead": _target(payload.lead, "lead"),
        "cooperate": [_target(t, f"cooperate.{i}") for i, t in enumerate(payload.cooperate)],
        "inform": [_target(t, f"inform.{i}") for i, t in enumerate(payload.inform)],
        "due_on": payload.due_on,
        "due_in_days": payload.due_in_days,
        "instructions": payload.instructions,
    }
    rows = assignments.document_assign(actor=actor, document=document, values=values)
    return Status(201, _out(rows))


@router.post("/assignments/{int:id}/start", response=AssignmentOut, summary="Take up an assignment")
def start(request, id: int):
    actor = request.actor
    row = assignments.assignment_start(actor=actor, assignment=assignment_get(actor, id))
    return _out([row])[0]


@router.post(
    "/assignments/{int:id}/forward",
    response={201: AssignmentOut},
    summary="Give the assignment on to a person or unit (the new, child assignment is returned)",
)
def forward(request, id: int, payload: ForwardIn):
    actor = request.actor
    row = assignment_get(actor, id)
    values = {"to": _target(payload.to, "to"), "due_on": payload.due_on, "instructions": payload.instructions}
    child = assignments.assignment_forward(actor=actor, assignment=row, values=values)
    return Status(201, _out([child])[0])


@router.post("/assignments/{int:id}/complete", response=AssignmentOut, summary="Report the result (kết quả)")
def complete(request, id: int, payload: CompleteIn):
    actor = request.actor
    row = assignments.assignment_complete(actor=actor, assignment=assignment_get(actor, id), result=payload.result)
    return _out([row])[0]


@router.post("/{int:id}/urge", response=UrgeOut, summary="Urge everyone still holding open work on the document")
def urge(request, id: int, payload: UrgeIn):
    actor = request.actor
    document = document_get(actor, id)
    notified = assignments.document_urge(actor=actor, document=document, message=payload.message)
    return {"document": document.pk, "notified": notified}
