"""Steering committees and their members: /api/v1/plans/committees, /api/v1/plans/members."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from ninja import Query, Router, Status

from egov.core.api_utils import Page, PageParams, paginate_queryset
from egov.core.text import clean
from egov.plans import selectors, services
from egov.plans.api.common import committee_out, member_out, org, orgs, person
from egov.plans.api.schemas import (
    CommitteeDetailOut,
    CommitteeFilters,
    CommitteeIn,
    CommitteeOut,
    CommitteePatch,
    MemberIn,
    MemberLeaveIn,
    MemberOut,
    MemberPatch,
)
from egov.plans.permissions import require_view

router = Router(tags=["plans: committees"])

_ORG_FIELDS = ("organisation", "decision_issuer")


def _committee_values(actor, data: dict) -> dict:
    """Replace organisation codes by organisations; other fields go to the service as they are."""
    for name in _ORG_FIELDS:
        if name in data:
            data[name] = org(actor, data[name], name)
    return data


def _detail(actor, pk: int) -> dict:
    committee = selectors.committee_get(actor=actor, pk=pk)
    return committee_out(committee, selectors.committee_members(committee=committee))


@router.get("/committees", response=Page[CommitteeOut], summary="List the steering committees the caller may see")
def list_committees(request, filters: Query[CommitteeFilters], paging: Query[PageParams]):
    actor = request.actor
    require_view(actor)
    qs = selectors.committees_visible(actor=actor)
    search = clean(filters.search)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(decision_number__icontains=search))
    if filters.organisation:
        within = org(actor, filters.organisation, "organisation")
        qs = qs.filter(organisation__path__startswith=within.path)
    items, meta = paginate_queryset(qs.order_by("-decision_date", "-pk"), paging)
    return {**meta, "items": [committee_out(c) for c in items]}


@router.get("/committees/{int:id}", response=CommitteeDetailOut, summary="One committee with its members")
def get_committee(request, id: int):
    return _detail(request.actor, id)


@router.post("/committees", response={201: CommitteeDetailOut}, summary="Record a committee (its founding decision)")
def create_committee(request, payload: CommitteeIn):
    actor = request.actor
    data = payload.dict()
    data["decision_issuer"] = data["decision_issuer"] or data["organisation"]
    committee = services.committee_create(actor=actor, values=_committee_values(actor, data))
    return Status(201, committee_out(committee, []))


@router.patch("/committees/{int:id}", response=CommitteeDetailOut)
def update_committee(request, id: int, payload: CommitteePatch):
    actor = request.actor
    committee = selectors.committee_get(actor=actor, pk=id)
    values = _committee_values(actor, payload.dict(exclude_unset=True))
    services.committee_update(actor=actor, committee=committee, values=values)
    return _detail(actor, id)


def _member_values(actor, data: dict) -> tuple[dict, list | None]:
    if "member_organisation" in data:
        data["member_organisation"] = org(actor, data["member_organisation"], "member_organisation")
    if "username" in data:
        data["user"] = person(actor, data.pop("username"), "username")
    followed = data.pop("followed_units", None)
    return data, (orgs(actor, followed, "followed_units") if followed is not None else None)


@router.post("/committees/{int:id}/members", response={201: MemberOut}, summary="Add a member")
def add_member(request, id: int, payload: MemberIn):
    actor = request.actor
    committee = selectors.committee_get(actor=actor, pk=id)
    data = payload.dict()
    joined_on, decision_number = data.pop("joined_on"), data.pop("decision_number")
    values, followed = _member_values(actor, data)
    member = services.member_add(
        actor=actor,
        committee=committee,
        values=values,
        followed_units=followed or [],
        joined_on=joined_on,
        decision_number=decision_number,
    )
    return Status(201, member_out(selectors.committee_member_get(actor=actor, pk=member.pk)))


@router.patch("/members/{int:id}", response=MemberOut, summary="Change a member's role, position or duties")
def update_member(request, id: int, payload: MemberPatch):
    actor = request.actor
    member = selectors.committee_member_get(actor=actor, pk=id)
    data = payload.dict(exclude_unset=True)
    effective_on = data.pop("effective_on", None) or timezone.localdate()
    decision_number, note = data.pop("decision_number", ""), data.pop("note", "")
    values, followed = _member_values(actor, data)
    services.member_update(
        actor=actor,
        member=member,
        values=values,
        followed_units=followed,
        effective_on=effective_on,
        decision_number=decision_number,
        note=note,
    )
    return member_out(selectors.committee_member_get(actor=actor, pk=id))


@router.post("/members/{int:id}/leave", response=MemberOut, summary="Record that a member leaves the committee")
def leave_member(request, id: int, payload: MemberLeaveIn):
    actor = request.actor
    member = selectors.committee_member_get(actor=actor, pk=id)
    services.member_leave(
        actor=actor, member=member, left_on=payload.left_on, decision_number=payload.decision_number, note=payload.note
    )
    return member_out(selectors.committee_member_get(actor=actor, pk=id))
