"""Audit trail API: /api/v1/audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema

from egov.accounts.permissions import can, can_globally
from egov.accounts.roles import Perm
from egov.audit import selectors
from egov.audit.services import audit_verify
from egov.core.api_utils import Page, PageParams, paginate_queryset
from egov.core.errors import PermissionDenied

router = Router(tags=["audit"])


class EventOut(Schema):
    seq: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_label: str
    api_key_id: int | None
    acting_org_id: int | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ip_address: str
    request_id: str
    prev_hash: str
    hash: str


class Filters(Schema):
    person: int | None = None
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


class ProblemOut(Schema):
    seq: int
    kind: str
    detail: str


class VerifyOut(Schema):
    ok: bool
    checked: int
    last_seq: int
    last_hash: str
    problems: list[ProblemOut]


def _require(actor):
    if not can(actor, Perm.AUDIT_VIEW):
        raise PermissionDenied("audit.view required")


@router.get("/events", response=Page[EventOut])
def list_events(request, filters: Query[Filters], paging: Query[PageParams]):
    _require(request.actor)
    qs = selectors.event_list(
        actor=request.actor,
        actor_id=filters.person,
        action=filters.action,
        object_type=filters.object_type,
        object_id=filters.object_id,
        since=filters.since,
        until=filters.until,
    )
    items, meta = paginate_queryset(qs, paging)
    return {**meta, "items": items}


@router.get("/events/{int:seq}", response=EventOut)
def get_event(request, seq: int):
    _require(request.actor)
    return selectors.event_get(actor=request.actor, seq=seq)


@router.get("/verify", response=VerifyOut, summary="Verify the whole hash chain (system administrators)")
def verify(request):
    if not can_globally(request.actor, Perm.AUDIT_VIEW):
        raise PermissionDenied("Only system administrators verify the whole chain")
    report = audit_verify()
    return {
        "ok": report.ok,
        "checked": report.checked,
        "last_seq": report.last_seq,
        "last_hash": report.last_hash,
        "problems": [p.__dict__ for p in report.problems],
    }
