"""Reads of the audit trail, limited to the organisations where the actor may view it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from egov.accounts.actor import Actor
from egov.accounts.permissions import scope_paths
from egov.accounts.roles import Perm
from egov.audit.models import AuditEvent
from egov.core.errors import NotFound
from egov.organisations.models import Organisation


def events_visible(*, actor: Actor) -> QuerySet[AuditEvent]:
    paths = scope_paths(actor, Perm.AUDIT_VIEW)
    qs = AuditEvent.objects.order_by("-seq")
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    orgs = Organisation.objects.filter(Q(*[Q(path__startswith=p) for p in paths], _connector=Q.OR))
    return qs.filter(scope_org_id__in=orgs.values("pk"))


def event_list(
    *,
    actor: Actor,
    actor_id: int | None = None,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    qs = events_visible(actor=actor)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    if since:
        qs = qs.filter(occurred_at__date__gte=since)
    if until:
        qs = qs.filter(occurred_at__date__lte=until)
    return qs


def events_for_object(*, actor: Actor, object_type: str, object_id) -> QuerySet[AuditEvent]:
    return event_list(actor=actor, object_type=object_type, object_id=str(object_id))


def event_get(*, actor: Actor, seq: int) -> AuditEvent:
    event = events_visible(actor=actor).filter(seq=seq).first()
    if event is None:
        raise NotFound("Audit event not found")
    return event


def event_actions(*, actor: Actor) -> list[str]:
    return list(events_visible(actor=actor).order_by().values_list("action", flat=True).distinct())
