"""Review meetings of a committee (họp định kỳ): /api/v1/plans/committees/{id}/meetings, /api/v1/plans/meetings/….

Every write goes through `egov.plans.services.meetings`, which checks plans.manage at the committee's
organisation, applies conclusions to the tasks through the task services and records the audit.
"""

from __future__ import annotations

import enum

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from egov.core.api_utils import Page, PageParams, paginate_queryset
from egov.core.errors import NotFound, ValidationFailed
from egov.plans import selectors
from egov.plans.api.common import org, orgs, task_ref
from egov.plans.api.schemas_meetings import (
    AgendaIn,
    AgendaItemOut,
    ConcludeIn,
    ConclusionIn,
    ConclusionOut,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
)
from egov.plans.models import ReviewMeeting
from egov.plans.selectors import meetings as selectors_meetings
from egov.plans.services import meetings as services_meetings

router = Router(tags=["plans: meetings"])


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value


def _username(user) -> str | None:
    return user.username if user is not None else None


def meeting_out(meeting: ReviewMeeting) -> dict:
    """A meeting; it carries `agenda_count` and `conclusion_count` (meeting_list annotates them, _counted too)."""
    return {
        "id": meeting.pk,
        "committee": meeting.committee_id,
        "plan": meeting.plan_id,
        "title": meeting.title,
        "held_at": meeting.held_at,
        "location": meeting.location,
        "chair_name": meeting.chair_name,
        "participants": meeting.participants,
        "status": meeting.status,
        "created_by": _username(meeting.created_by),
        "created_at": meeting.created_at,
        "concluded_at": meeting.concluded_at,
        "agenda_count": meeting.agenda_count,
        "conclusion_count": meeting.conclusion_count,
    }


def agenda_item_out(item) -> dict:
    task = item.task
    return {
        "id": item.pk,
        "order": item.order,
        "task": task.pk,
        "plan": task.plan_id,
        "number": task.number,
        "title": task.title,
        "lead_unit": task.lead_unit.code if task.lead_unit_id else None,
        "status_then": item.status_then,
        "percent_then": item.percent_then,
        "due_date_then": item.due_date_then,
        "note": item.note,
    }


def conclusion_out(conclusion) -> dict:
    return {
        "id": conclusion.pk,
        "order": conclusion.order,
        "kind": conclusion.kind,
        "task": conclusion.task_id,
        "task_title": conclusion.task.title if conclusion.task_id else None,
        "text": conclusion.text,
        "new_deadline_text": conclusion.new_deadline_text,
        "reason": conclusion.reason,
        "recorded_by": _username(conclusion.recorded_by),
        "recorded_at": conclusion.recorded_at,
    }


def _detail(actor, pk: int) -> dict:
    """Read afresh through the selectors, so the answer shows exactly what was saved."""
    meeting = selectors_meetings.meeting_get(actor=actor, pk=pk)
    agenda = selectors_meetings.meeting_agenda(meeting=meeting)
    conclusions = selectors_meetings.meeting_conclusions(meeting=meeting)
    meeting.agenda_count, meeting.conclusion_count = len(agenda), len(conclusions)
    return {
        **meeting_out(meeting),
        "minutes": meeting.minutes,
        "agenda": [agenda_item_out(i) for i in agenda],
        "conclusions": [conclusion_out(c) for c in conclusions],
    }


def _plan_ref(actor, pk: int | None, field: str):
    if pk is None:
        return None
    try:
        return selectors.plan_get(actor=actor, pk=pk)
    except NotFound:
        raise ValidationFailed({field: [_("Không tìm thấy kế hoạch số %(pk)d.") % {"pk": pk}]}) from None


def _conclusion_values(actor, data: ConclusionIn, prefix: str = "") -> dict:
    """The service's keys, with ids and codes turned into objects (a 422 names the field as the client sent it)."""
    values = {name: _plain(value) for name, value in data.dict().items()}
    values["task"] = task_ref(actor, values["task"], f"{prefix}task")
    values["plan"] = _plan_ref(actor, values["plan"], f"{prefix}plan")
    values["parent"] = task_ref(actor, values["parent"], f"{prefix}parent")
    values["lead_unit"] = org(actor, values["lead_unit"], f"{prefix}lead_unit")
    values["cooperating_units"] = orgs(actor, values["cooperating_units"], f"{prefix}cooperating_units")
    return values


@router.get(
    "/committees/{int:id}/meetings", response=Page[MeetingOut], summary="A committee's review meetings, newest first"
)
def list_meetings(request, id: int, paging: Query[PageParams]):
    committee = selectors.committee_get(actor=request.actor, pk=id)
    qs = selectors_meetings.meeting_list(committee=committee).select_related("created_by")
    items, meta = paginate_queryset(qs, paging)
    return {**meta, "items": [meeting_out(m) for m in items]}


@router.post(
    "/committees/{int:id}/meetings",
    response={201: MeetingDetailOut},
    summary="Schedule a review meeting; its agenda lists the unfinished tasks as they stand today",
)
def create_meeting(request, id: int, payload: MeetingIn):
    actor = request.actor
    committee = selectors.committee_get(actor=actor, pk=id)
    values = payload.dict()
    values["plan"] = _plan_ref(actor, values["plan"], "plan")
    meeting = services_meetings.meeting_create(actor=actor, committee=committee, values=values)
    return Status(201, _detail(actor, meeting.pk))


@router.get("/meetings/{int:id}", response=MeetingDetailOut, summary="A meeting with its agenda and conclusions")
def get_meeting(request, id: int):
    return _detail(request.actor, id)


@router.patch("/meetings/{int:id}", response=MeetingDetailOut, summary="Edit a meeting's details or its minutes")
def update_meeting(request, id: int, payload: MeetingPatch):
    actor = request.actor
    meeting = selectors_meetings.meeting_get(actor=actor, pk=id)
    services_meetings.meeting_update(actor=actor, meeting=meeting, values=payload.dict(exclude_unset=True))
    return _detail(actor, id)


@router.post("/meetings/{int:id}/agenda", response={201: AgendaItemOut}, summary="Put one more task on the agenda")
def add_agenda_item(request, id: int, payload: AgendaIn):
    actor = request.actor
    meeting = selectors_meetings.meeting_get(actor=actor, pk=id)
    task = task_ref(actor, payload.task, "task")
    item = services_meetings.agenda_add(actor=actor, meeting=meeting, task=task, note=payload.note)
    saved = next(i for i in selectors_meetings.meeting_agenda(meeting=meeting) if i.pk == item.pk)
    return Status(201, agenda_item_out(saved))


@router.delete("/meetings/{int:id}/agenda/{int:item_id}", response={204: None}, summary="Take a task off the agenda")
def remove_agenda_item(request, id: int, item_id: int):
    actor = request.actor
    meeting = selectors_meetings.meeting_get(actor=actor, pk=id)
    item = meeting.agenda.filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("Không tìm thấy mục trong chương trình họp."))
    services_meetings.agenda_remove(actor=actor, meeting=meeting, item=item)
    return Status(204, None)


@router.post(
    "/meetings/{int:id}/conclusions",
    response={201: ConclusionOut},
    summary="Record one conclusion and apply it to its task now",
)
def add_conclusion(request, id: int, payload: ConclusionIn):
    actor = request.actor
    meeting = selectors_meetings.meeting_get(actor=actor, pk=id)
    conclusion = services_meetings.conclusion_add(
        actor=actor, meeting=meeting, values=_conclusion_values(actor, payload)
    )
    saved = next(c for c in selectors_meetings.meeting_conclusions(meeting=meeting) if c.pk == conclusion.pk)
    return Status(201, conclusion_out(saved))


@router.post(
    "/meetings/{int:id}/conclude",
    response=MeetingDetailOut,
    summary="Issue the conclusions (the given ones are applied all or nothing) and close the meeting",
)
def conclude_meeting(request, id: int, payload: ConcludeIn):
    actor = request.actor
    meeting = selectors_meetings.meeting_get(actor=actor, pk=id)
    # References are resolved first, each 422 naming its place in the list ("conclusions.1.task").
    conclusions = [_conclusion_values(actor, c, f"conclusions.{i}.") for i, c in enumerate(payload.conclusions)]
    services_meetings.meeting_conclude(actor=actor, meeting=meeting, conclusions=conclusions)
    return _detail(actor, id)


@router.get(
    "/meetings/{int:id}/minutes.pdf",
    response={200: None},
    summary="The minutes (biên bản) as PDF, laid out after Decree 30/2020",
    openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}},
)
def minutes_pdf(request, id: int):
    meeting = selectors_meetings.meeting_get(actor=request.actor, pk=id)
    response = HttpResponse(services_meetings.meeting_minutes_pdf(meeting=meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-ban-hop-{meeting.pk}.pdf"'
    return response
