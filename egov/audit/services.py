"""Writing audit events. Call `audit_record` inside the transaction of the change it describes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from egov.audit.chain import GENESIS, HASHED_FIELDS, event_hash, verify
from egov.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from egov.accounts.actor import Actor
    from egov.organisations.models import Organisation


def _plain(data: dict | None) -> dict | None:
    """JSON-safe primitives, so the stored value reads back exactly as it was hashed."""
    if data is None:
        return None
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(instance: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of a model instance, foreign keys by id, for before/after."""
    data = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = value.pk
        data[name] = value
    return _plain(data)


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_repr: str | None = None,
    scope_org: Organisation | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = str(obj) if object_repr is None else object_repr
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    values = {
        "seq": head.last_seq + 1,
        "occurred_at": timezone.now(),
        "actor_id": user.pk if user else None,
        "actor_label": actor.label[:300],
        "api_key_id": actor.api_key.pk if actor.api_key is not None else None,
        "acting_org_id": actor.organisation.pk if actor.organisation is not None else None,
        "action": action,
        "object_type": object_type or "",
        "object_id": "" if object_id is None else str(object_id),
        "object_repr": (object_repr or "")[:300],
        "scope_org_id": scope_org.pk if scope_org is not None else None,
        "before": _plain(before),
        "after": _plain(after),
        "ip_address": actor.ip_address or "",
        "request_id": actor.request_id or "",
        "prev_hash": head.last_hash,
    }
    values["hash"] = event_hash(values)
    event = AuditEvent.objects.create(**values)
    head.last_seq, head.last_hash = values["seq"], values["hash"]
    head.save(update_fields=["last_seq", "last_hash"])
    return event


def audit_verify(chunk_size: int = 2000):
    """Verify the whole chain in the database; returns a chain.VerifyReport."""
    head = AuditChainHead.objects.filter(pk=1).first()
    rows = AuditEvent.objects.order_by("seq").values("hash", *HASHED_FIELDS).iterator(chunk_size=chunk_size)
    return verify(rows, head.last_seq if head else 0, head.last_hash if head else GENESIS)
