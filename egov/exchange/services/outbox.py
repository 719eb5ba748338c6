"""Writing to the outbox, inside the transaction of the change that causes the message.

The row only says what to send; the push worker builds and signs the bytes (once) and sends them. Nothing here
talks to the hub, so issuing a document or registering an incoming one never waits for the network.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.documents.models import DeliveryState, Document, Recipient
from egov.exchange import mapping, signals
from egov.exchange.models import MessageKind, OutboxMessage, ReceivedDocument, SentDocument, StatusEntry

# What the sender shows when a status code arrives (App. VI III.1k/1o: the receiver's handling, seen by the sender).
STATUS_DELIVERY = {
    "01": DeliveryState.DELIVERED,
    "02": DeliveryState.RETURNED,
    "03": DeliveryState.RECEIVED,
    "04": DeliveryState.HANDLING,
    "05": DeliveryState.HANDLING,
    "06": DeliveryState.COMPLETED,
    "15": DeliveryState.RECALLED,
}
# The receiver's handling states the documents app reports, as status codes.
DELIVERY_STATUS = {
    DeliveryState.RECEIVED: "03",
    DeliveryState.HANDLING: "04",
    DeliveryState.COMPLETED: "06",
    DeliveryState.RETURNED: "02",
    "in_progress": "05",
}


def wake_after_commit() -> None:
    from egov.exchange import tasks

    transaction.on_commit(tasks.wake_pusher)


def _entry(document, *, recipient=None, direction, organ_code, code, description="", at=None) -> StatusEntry:
    now = timezone.now()
    return StatusEntry.objects.create(
        document=document,
        recipient=recipient,
        direction=direction,
        organ_code=organ_code,
        code=code,
        description=description[:500],
        occurred_at=at or now,
        recorded_at=now,
    )


def sent_document_id(document: Document) -> str:
    row = SentDocument.objects.filter(document=document).first()
    if row is not None:
        return row.edxml_id
    document_id = mapping.document_id_of(document)
    SentDocument.objects.create(document=document, edxml_id=document_id, created_at=timezone.now())
    return document_id


def enqueue_package(
    document: Document, recipients: list[Recipient], *, actor: Actor, business_type: int = 0, reason: str = ""
) -> list[OutboxMessage]:
    """Queue the package carrying `document` (or its recall/update), one per recipient, in the caller's transaction.

    One package per recipient: a recipient the hub does not know, or a retry, concerns that recipient only.
    """
    sendable = [r for r in recipients if r.organisation_code]
    if not sendable:
        return []
    document_id = sent_document_id(document)
    staff = mapping.staff_of(actor)
    staff_values = {"department": staff.department, "staff": staff.staff, "mobile": staff.mobile, "email": staff.email}
    now = timezone.now()
    code = {0: "queued", 1: "recall", 2: "update", 3: "replace"}[business_type]
    rows = []
    for recipient in {r.organisation_code: r for r in sendable}.values():
        rows.append(
            OutboxMessage.objects.create(
                kind=MessageKind.EDOC,
                organisation=document.organisation,
                document=document,
                edxml_id=document_id,
                to_codes=[recipient.organisation_code],
                business_type=business_type,
                description=reason[:500],
                staff=staff_values,
                next_attempt_at=now,
                created_at=now,
            )
        )
        _entry(
            document,
            recipient=recipient,
            direction="sent",
            organ_code=recipient.organisation_code,
            code=code,
            description=reason,
        )
    audit_record(
        actor=actor,
        action="exchange.outbox.package",
        obj=document,
        scope_org=document.organisation,
        after={"document_id": document_id, "to": [r.to_codes[0] for r in rows], "business_type": business_type},
    )
    signals.package_queued.send(
        sender=OutboxMessage,
        document=document,
        to_codes=[r.to_codes[0] for r in rows],
        business_type=business_type,
        actor=actor,
    )
    wake_after_commit()
    return rows


def enqueue_status(copy: Document, code: str, *, actor: Actor, description: str = "") -> OutboxMessage | None:
    """Queue a status message about an incoming copy that came through the exchange (none for other copies)."""
    received = ReceivedDocument.objects.filter(document=copy).first()
    if received is None:
        return None
    staff = mapping.staff_of(actor)
    row = OutboxMessage.objects.create(
        kind=MessageKind.STATUS,
        organisation=received.organisation,
        document=copy,
        edxml_id=received.edxml_id,
        to_codes=[received.sender_code],
        status_code=code,
        description=description[:500],
        staff={"department": staff.department, "staff": staff.staff, "mobile": staff.mobile, "email": staff.email},
        next_attempt_at=timezone.now(),
        created_at=timezone.now(),
    )
    _entry(copy, direction="sent", organ_code=received.sender_code, code=code, description=description)
    wake_after_commit()
    return row
