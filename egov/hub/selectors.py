"""Reads scoped to the calling system: what waits for it, what it sent, and the operators' figures."""

from __future__ import annotations

import base64
import uuid

from django.db.models import Count, Min, Q
from django.utils import timezone

from egov.hub.auth import SystemCredentials
from egov.hub.conf import hub_setting
from egov.hub.models import DeliveryState, HubDelivery, HubMessage, HubRejection, HubSystem, MessageKind

_LIST_FIELDS = (
    "id",
    "recipient_organ",
    "message__doc_id",
    "message__kind",
    "message__sender_organ",
    "message__document_id",
    "message__business_doc_type",
    "message__status_code",
    "message__size",
    "message__sha256",
    "message__received_at",
)


def _row(values: dict) -> dict:
    row = {
        "Id": values["id"],
        "DocId": str(values["message__doc_id"]),
        "MessageType": values["message__kind"],
        "From": values["message__sender_organ"],
        "To": values["recipient_organ"],
        "DocumentId": values["message__document_id"],
    }
    if values["message__kind"] == MessageKind.EDOC:
        row["BusinessDocType"] = values["message__business_doc_type"]
    else:
        row["StatusCode"] = values["message__status_code"]
    row["Size"] = values["message__size"]
    row["Sha256"] = values["message__sha256"]
    row["ReceivedAt"] = values["message__received_at"].isoformat()
    return row


def waiting(caller: SystemCredentials):
    return HubDelivery.objects.filter(recipient_system_id=caller.pk, state=DeliveryState.WAITING)


def received_list(*, caller: SystemCredentials, limit: int, include_body: bool) -> list[dict]:
    """Deliveries waiting for the caller, in the order the hub accepted them (one query; bodies capped)."""
    fields = (*_LIST_FIELDS, "message__body") if include_body else _LIST_FIELDS
    rows = []
    cap = int(hub_setting("EGOV_HUB_RECEIVED_BODY_CAP"))
    total = 0
    for values in waiting(caller).order_by("id").values(*fields)[:limit]:
        row = _row(values)
        if include_body:
            body = bytes(values["message__body"] or b"")
            if rows and total + len(body) > cap:
                break  # the rest comes with the next call
            total += len(body)
            row["Body"] = base64.b64encode(body).decode("ascii")
        rows.append(row)
    return rows


def delivery_body(*, caller: SystemCredentials, delivery_id: int) -> tuple[dict, bytes] | None:
    """One of the caller's deliveries with its bytes, or None (not the caller's, expired or purged)."""
    values = (
        HubDelivery.objects.filter(id=delivery_id, recipient_system_id=caller.pk)
        .exclude(state=DeliveryState.EXPIRED)
        .values("message__doc_id", "message__sha256", "message__kind", "message__body")
        .first()
    )
    if values is None or values["message__body"] is None:
        return None
    return values, bytes(values["message__body"])


def sent_list(*, caller: SystemCredentials, limit: int, after: str = "") -> list[dict] | None:
    """The caller's sent messages after a DocId or sequence number, with each recipient's state (2 queries)."""
    messages = HubMessage.objects.filter(sender_system_id=caller.pk)
    if after:
        if after.isdigit():
            messages = messages.filter(id__gt=int(after))
        else:
            try:
                doc_id = uuid.UUID(after)
            except ValueError:
                return None
            anchor = HubMessage.objects.filter(sender_system_id=caller.pk, doc_id=doc_id).values_list("id", flat=True)
            anchor_id = anchor.first()
            if anchor_id is None:
                return None
            messages = messages.filter(id__gt=anchor_id)
    page = list(
        messages.order_by("id").values("id", "doc_id", "kind", "document_id", "sender_organ", "received_at")[:limit]
    )
    recipients: dict[int, list[dict]] = {row["id"]: [] for row in page}
    for delivery in (
        HubDelivery.objects.filter(message_id__in=list(recipients))
        .order_by("id")
        .values("message_id", "recipient_organ", "state", "acked_at")
    ):
        recipients[delivery["message_id"]].append(
            {
                "To": delivery["recipient_organ"],
                "State": delivery["state"],
                "AcknowledgedAt": delivery["acked_at"].isoformat() if delivery["acked_at"] else None,
            }
        )
    return [
        {
            "Sequence": row["id"],
            "DocId": str(row["doc_id"]),
            "MessageType": row["kind"],
            "DocumentId": row["document_id"],
            "From": row["sender_organ"],
            "SentAt": row["received_at"].isoformat(),
            "Recipients": recipients[row["id"]],
        }
        for row in page
    ]


def waiting_count(*, caller: SystemCredentials) -> dict:
    counts = waiting(caller).aggregate(
        edoc=Count("id", filter=Q(message__kind=MessageKind.EDOC)),
        status=Count("id", filter=Q(message__kind=MessageKind.STATUS)),
    )
    return {"Waiting": counts["edoc"] + counts["status"], "Edoc": counts["edoc"], "Status": counts["status"]}


# --- operators' figures ---------------------------------------------------------------------------------
def queue_figures() -> dict[int, dict]:
    """Per system pk: waiting deliveries and when the oldest of them was accepted."""
    rows = (
        HubDelivery.objects.filter(state=DeliveryState.WAITING)
        .values("recipient_system_id")
        .annotate(waiting=Count("id"), oldest=Min("created_at"))
    )
    return {row["recipient_system_id"]: {"waiting": row["waiting"], "oldest": row["oldest"]} for row in rows}


def accepted_totals(since=None) -> dict[int, int]:
    messages = HubMessage.objects.all() if since is None else HubMessage.objects.filter(received_at__gte=since)
    return dict(messages.values("sender_system_id").annotate(n=Count("id")).values_list("sender_system_id", "n"))


def acknowledged_totals(since=None) -> dict[int, int]:
    deliveries = HubDelivery.objects.filter(state=DeliveryState.ACKNOWLEDGED)
    if since is not None:
        deliveries = deliveries.filter(acked_at__gte=since)
    return dict(
        deliveries.values("recipient_system_id").annotate(n=Count("id")).values_list("recipient_system_id", "n")
    )


def rejected_totals() -> list[tuple[str, str, int]]:
    """(system id or "", error code, count)."""
    # Labelled by the authenticated system only: ids claimed by failed callers must not create new series.
    rows = (
        HubRejection.objects.values("system__system_id", "code")
        .annotate(n=Count("id"))
        .order_by("system__system_id", "code")
    )
    return [(row["system__system_id"] or "", row["code"], row["n"]) for row in rows]


def recent_rejections(limit: int = 50) -> list[HubRejection]:
    return list(HubRejection.objects.order_by("-id")[:limit])


def systems_overview() -> list[dict]:
    """Each system with its organisations, queue and throughput: what the admin page shows (a fixed few queries)."""
    now = timezone.now()
    queues = queue_figures()
    accepted_5m = accepted_totals(now - timezone.timedelta(minutes=5))
    accepted_24h = accepted_totals(now - timezone.timedelta(hours=24))
    delivered_5m = acknowledged_totals(now - timezone.timedelta(minutes=5))
    delivered_24h = acknowledged_totals(now - timezone.timedelta(hours=24))
    overview = []
    for system in HubSystem.objects.prefetch_related("organisations").order_by("system_id"):
        queue = queues.get(system.pk, {"waiting": 0, "oldest": None})
        overview.append(
            {
                "system": system,
                "organs": [organisation.organ_id for organisation in system.organisations.all()],
                "waiting": queue["waiting"],
                "oldest": queue["oldest"],
                "accepted_5m": accepted_5m.get(system.pk, 0),
                "accepted_24h": accepted_24h.get(system.pk, 0),
                "delivered_5m": delivered_5m.get(system.pk, 0),
                "delivered_24h": delivered_24h.get(system.pk, 0),
            }
        )
    return overview
