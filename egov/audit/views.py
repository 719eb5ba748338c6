"""Pages of the audit trail: all events, by person, by object, one event, and chain verification."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.models import User
from egov.accounts.permissions import can, can_globally
from egov.accounts.roles import Perm
from egov.audit import selectors
from egov.audit.services import audit_verify
from egov.core.errors import PermissionDenied
from egov.core.views_helpers import paginate


def _require(actor):
    if not can(actor, Perm.AUDIT_VIEW):
        raise PermissionDenied(_("Bạn không có quyền xem nhật ký hệ thống."))


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def event_list(request):
    actor = request.actor
    _require(actor)
    person = None
    actor_id = request.GET.get("person")
    if actor_id and actor_id.isdigit():
        person = User.objects.filter(pk=int(actor_id)).first()
    filters = {
        "action": request.GET.get("action", ""),
        "object_type": request.GET.get("object_type", ""),
        "object_id": request.GET.get("object_id", ""),
        "since": _date(request.GET.get("since")),
        "until": _date(request.GET.get("until")),
    }
    events = selectors.event_list(actor=actor, actor_id=person.pk if person else None, **filters)
    return render(
        request,
        "audit/list.html",
        {
            "page_obj": paginate(request, events, 50),
            "person": person,
            "filters": filters,
            "actions": sorted(selectors.event_actions(actor=actor)),
            "can_verify": can_globally(actor, Perm.AUDIT_VIEW),
        },
    )


@login_required
def event_detail(request, seq: int):
    actor = request.actor
    _require(actor)
    event = selectors.event_get(actor=actor, seq=seq)
    before, after = event.before or {}, event.after or {}
    changes = [
        {"field": key, "before": before.get(key), "after": after.get(key), "changed": before.get(key) != after.get(key)}
        for key in sorted(set(before) | set(after))
    ]
    return render(request, "audit/detail.html", {"event": event, "changes": changes})


@login_required
@require_POST
def chain_verify(request):
    if not can_globally(request.actor, Perm.AUDIT_VIEW):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được kiểm tra toàn bộ chuỗi nhật ký."))
    report = audit_verify()
    return render(request, "audit/verify.html", {"report": report})
