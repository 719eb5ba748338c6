"""The poller: take what the hub holds for this node's organisations, apply it, record it, then acknowledge.

Each delivery is verified (XML signature, certificate chain, sender = signer, attachment digests) and applied
in one transaction together with its `InboxMessage` row; only then is it acknowledged. A crash before the
acknowledgement means the hub delivers it again, and the row (or, for a package sent twice under new bytes, the
`ReceivedDocument` row) makes the second delivery a no-op: a document registers once per organisation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.documents.models import Document, FileRole, IncomingState
from egov.documents.services import common
from egov.documents.services.incoming import destroy_recalled_copy, receive_exchanged
from egov.exchange import edxml, keys, lease, mapping, signals
from egov.exchange.client import Delivery, HubClient, HubError
from egov.exchange.models import (
    InboxMessage,
    InboxState,
    MessageKind,
    OutboxMessage,
    ReceivedDocument,
    SentDocument,
    StatusEntry,
)
from egov.exchange.services import outbox
from egov.organisations.models import Organisation

logger = logging.getLogger(__name__)
SYSTEM = Actor.system("exchange")
# How far along the receiver's handling a status says it is (02 refused and 15 recalled end it).
STATUS_RANK = {"01": 1, "03": 2, "04": 3, "05": 4, "06": 5, "02": 6, "15": 7}


@dataclass
class PollReport:
    applied: int = 0
    duplicates: int = 0
    refused: int = 0
    acknowledged: int = 0
    errors: list[str] = field(default_factory=list)


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _record(hub: str, delivery: Delivery, state: str, *, code: str = "", error: str = "") -> None:
    InboxMessage.objects.create(
        hub=hub,
        delivery_id=delivery.id,
        hub_doc_id=delivery.doc_id[:64],
        kind=delivery.kind if delivery.kind in MessageKind.values else MessageKind.EDOC,
        from_code=delivery.from_code[:35],
        to_code=delivery.to_code[:35],
        document_id=delivery.document_id[:200],
        sha256=delivery.sha256[:64],
        size=delivery.size,
        state=state,
        error_code=code[:40],
        error=error[:500],
        received_at=timezone.now(),
    )


# --- packages -------------------------------------------------------------------------------------------
def _local_source(document_id: str) -> Document | None:
    sent = SentDocument.objects.filter(edxml_id=document_id).select_related("document").first()
    return sent.document if sent is not None else None


def _files(package: edxml.Package) -> list[tuple[str, str, bytes]]:
    """The first attachment is the document itself, the others its appendices (App. VI: one main file)."""
    return [
        (attachment.name, FileRole.MAIN if index == 0 else FileRole.APPENDIX, attachment.data)
        for index, attachment in enumerate(package.attachments)
    ]


def _register(organisation: Organisation, message: edxml.Message) -> str:
    package = message.package
    document_id = message.document_id
    if ReceivedDocument.objects.filter(organisation=organisation, edxml_id=document_id).exists():
        return InboxState.DUPLICATE
    source = _local_source(document_id)
    copy = receive_exchanged(
        organisation, mapping.incoming_values(package), _files(package), actor=SYSTEM, source=source, check_now=False
    )
    ReceivedDocument.objects.create(
        organisation=organisation,
        edxml_id=document_id,
        sender_code=message.sender_organ_id,
        document=copy,
        received_at=timezone.now(),
    )
    if source is not None:
        source.recipients.filter(organisation=organisation, delivered_copy__isnull=True).update(delivered_copy=copy)
    StatusEntry.objects.create(
        document=copy,
        direction="received",
        organ_code=message.sender_organ_id,
        code="received",
        description=package.business.reason[:500],
        occurred_at=package.traces[-1].timestamp if package.traces else timezone.now(),
        recorded_at=timezone.now(),
    )
    outbox.enqueue_status(copy, edxml.StatusCode.ARRIVED, actor=SYSTEM)
    return InboxState.APPLIED


def _target_copy(organisation: Organisation, package: edxml.Package) -> Document | None:
    document_id = package.business.document_id or package.header.document_id
    received = ReceivedDocument.objects.filter(organisation=organisation, edxml_id=document_id).first()
    return received.document if received is not None else None


def _recall(organisation: Organisation, message: edxml.Message) -> str:
    package = message.package
    copy = _target_copy(organisation, package)
    if copy is None:
        raise Refused("UNKNOWN_DOCUMENT", _("Không có văn bản được yêu cầu thu hồi."))
    reason = package.business.reason or _("Nơi gửi thu hồi văn bản.")
    StatusEntry.objects.create(
        document=copy,
        direction="received",
        organ_code=message.sender_organ_id,
        code="recall",
        description=reason[:500],
        occurred_at=timezone.now(),
        recorded_at=timezone.now(),
    )
    if copy.state == IncomingState.RECALLED:
        return InboxState.DUPLICATE
    destroy_recalled_copy(copy, actor=SYSTEM, reason=reason)
    outbox.enqueue_status(copy, edxml.StatusCode.RECALL_ACCEPTED, actor=SYSTEM, description=reason)
    return InboxState.APPLIED


def _update(organisation: Organisation, message: edxml.Message) -> str:
    package = message.package
    copy = _target_copy(organisation, package)
    if copy is None:
        raise Refused("UNKNOWN_DOCUMENT", _("Không có văn bản được yêu cầu cập nhật."))
    if copy.state in (IncomingState.RECALLED, IncomingState.RETURNED):
        outbox.enqueue_status(
            copy,
            edxml.StatusCode.RECALL_REFUSED,
            actor=SYSTEM,
            description=_("Văn bản đã bị thu hồi hoặc trả lại, không cập nhật được."),
        )
        return InboxState.REFUSED
    values = mapping.incoming_values(package)
    for name in (
        "subject",
        "description",
        "signer_prefix",
        "signer_position",
        "signer_name",
        "urgency",
        "page_count",
        "copies",
        "handling_due_on",
    ):
        setattr(copy, name, values[name])
    copy.save()
    old = common.current_files(copy)
    for position, (name, role, data) in enumerate(_files(package)):
        common.store_file(
            copy,
            data,
            name=name,
            role=role,
            stage="received",
            actor=SYSTEM,
            page_count=None,
            position=position,
            replaces=[f for f in old if f.role == role and f.position == position],
        )
    common.event(copy, "exchange.updated", actor=SYSTEM, note=package.business.reason)
    common.reindex(copy)
    outbox.enqueue_status(copy, edxml.StatusCode.RECALL_ACCEPTED, actor=SYSTEM, description=package.business.reason)
    return InboxState.APPLIED


def _apply_package(organisation: Organisation, message: edxml.Message) -> str:
    kind = message.package.business.doc_type
    if kind == edxml.BusinessDocType.RECALL:
        return _recall(organisation, message)
    if kind == edxml.BusinessDocType.UPDATE:
        return _update(organisation, message)
    state = _register(organisation, message)
    if kind == edxml.BusinessDocType.REPLACE and state == InboxState.APPLIED:
        for info in message.package.business.replacements:
            old = ReceivedDocument.objects.filter(organisation=organisation, edxml_id=info.document_id).first()
            if old is not None:
                common.event(old.document, "exchange.replaced", actor=SYSTEM, note=message.document_id)
    return state


# --- statuses -------------------------------------------------------------------------------------------
def _apply_status(to_code: str, message: edxml.Message) -> str:
    status = message.status
    sent = SentDocument.objects.filter(edxml_id=message.document_id).select_related("document").first()
    if sent is None or sent.document.organisation.code != to_code:
        raise Refused("UNKNOWN_DOCUMENT", _("Trạng thái cho văn bản không do cơ quan này gửi."))
    document = sent.document
    recipient = document.recipients.filter(organisation_code=message.sender_organ_id).first()
    code = str(status.status_code.value if hasattr(status.status_code, "value") else status.status_code)
    entry = StatusEntry.objects.create(
        document=document,
        recipient=recipient,
        direction="received",
        organ_code=message.sender_organ_id,
        code=code,
        description=status.description[:500],
        occurred_at=status.timestamp,
        recorded_at=timezone.now(),
    )
    signals.status_received.send(
        sender=StatusEntry,
        document=document,
        organ_code=message.sender_organ_id,
        code=code,
        description=status.description[:500],
        occurred_at=status.timestamp,
    )
    mapped = outbox.STATUS_DELIVERY.get(code)
    common.event(
        document,
        f"recipient.{mapped}" if mapped else f"exchange.status.{code}",
        actor=SYSTEM,
        note=(recipient.organisation_name if recipient else message.sender_organ_id),
        data={"code": code, "recipient": message.sender_organ_id, "description": status.description[:200]},
    )
    state = outbox.STATUS_DELIVERY.get(code)
    if recipient is not None and state is not None:
        # Statuses apply in the order they happened at the receiver: an older one arriving late changes nothing.
        # edXML timestamps have whole seconds: within one second, the further step of the handling wins.
        rank = STATUS_RANK.get(code, 0)
        applied = StatusEntry.objects.filter(
            recipient=recipient,
            direction="received",
            code__in=outbox.STATUS_DELIVERY,
            occurred_at__gte=status.timestamp,
        ).exclude(pk=entry.pk)
        later = any(
            other.occurred_at > status.timestamp or STATUS_RANK.get(other.code, 0) > rank
            for other in applied.only("occurred_at", "code")
        )
        recalled = recipient.delivery_state == "recalled" and code != "15"
        if not later and not recalled:
            recipient.delivery_state = state
            recipient.state_changed_at = timezone.now()
            if code == "02":
                recipient.note = status.description[:500]
            recipient.save(update_fields=["delivery_state", "state_changed_at", "note"])
    return InboxState.APPLIED


# --- one delivery ---------------------------------------------------------------------------------------
def _refuse_status(organisation: Organisation | None, delivery: Delivery, reason: str) -> None:
    """A package this organisation cannot accept is answered with status 02 (từ chối tiếp nhận), when it can be."""
    if organisation is None or delivery.kind != MessageKind.EDOC or not delivery.document_id:
        return
    OutboxMessage.objects.create(
        kind=MessageKind.STATUS,
        organisation=organisation,
        document=None,
        edxml_id=delivery.document_id[:200],
        to_codes=[delivery.from_code],
        status_code=edxml.StatusCode.REFUSED,
        description=reason[:500],
        next_attempt_at=timezone.now(),
        created_at=timezone.now(),
    )
    outbox.wake_after_commit()


def apply_delivery(hub: str, delivery: Delivery, body: bytes) -> str:
    """Verify and apply one delivery with its inbox row, in one transaction. Returns the inbox state."""
    try:
        with transaction.atomic():
            if InboxMessage.objects.filter(hub=hub, delivery_id=delivery.id).exists():
                return InboxState.DUPLICATE
            organisation = Organisation.objects.filter(code=delivery.to_code).first()
            try:
                if organisation is None:
                    raise Refused("UNKNOWN_RECIPIENT", _("Cơ quan nhận không có trên hệ thống này."))
                message = edxml.read_message(body, trust=keys.trust_store())
                if message.kind == "edoc":
                    if delivery.to_code not in message.recipient_organ_ids:
                        raise Refused("NOT_ADDRESSED", _("Gói tin không gửi đến cơ quan này."))
                    with transaction.atomic():
                        state = _apply_package(organisation, message)
                else:
                    with transaction.atomic():
                        state = _apply_status(delivery.to_code, message)
            except edxml.EdxmlError as exc:
                _refuse_status(organisation, delivery, exc.message)
                _record(hub, delivery, InboxState.REFUSED, code=exc.code, error=exc.message)
                return InboxState.REFUSED
            except Refused as exc:
                _refuse_status(organisation, delivery, exc.message)
                _record(hub, delivery, InboxState.REFUSED, code=exc.code, error=exc.message)
                return InboxState.REFUSED
            except (DatabaseError, HubError):
                raise  # the database or the network: the delivery waits at the hub for the next round
            except Exception:
                # A package that breaks the receiving code must not block every delivery behind it: refused, told.
                logger.exception("exchange: delivery %s could not be applied", delivery.id)
                reason = _("Hệ thống nhận gặp lỗi khi xử lý gói tin.")
                _refuse_status(organisation, delivery, reason)
                _record(hub, delivery, InboxState.REFUSED, code="INTERNAL_ERROR", error=reason)
                return InboxState.REFUSED
            _record(hub, delivery, state)
            return state
    except IntegrityError:
        # Another poller applied the same delivery (or the same DocumentId) at the same moment; anything else
        # is a real error and goes up (the delivery stays at the hub).
        if InboxMessage.objects.filter(hub=hub, delivery_id=delivery.id).exists() or (
            delivery.kind == MessageKind.EDOC
            and ReceivedDocument.objects.filter(
                organisation__code=delivery.to_code, edxml_id=delivery.document_id
            ).exists()
        ):
            return InboxState.DUPLICATE
        raise


def poll(client: HubClient, *, limit: int = 50) -> PollReport:
    """One round: take up to `limit` waiting deliveries, apply each, acknowledge them. Needs the poll lease."""
    report = PollReport()
    if not lease.acquire("poll"):
        return report
    hub = client.config.url
    try:
        deliveries = client.received(limit=limit, include_body=True)
    except HubError as exc:
        report.errors.append(str(exc))
        return report
    done = []
    # The round is one transaction (each delivery in its own savepoint): one durable commit for the batch, and
    # nothing acknowledged before it.
    with transaction.atomic():
        for delivery in deliveries:
            body = delivery.body
            try:
                if body is None:
                    body = client.get(delivery.id)
            except HubError as exc:
                report.errors.append(str(exc))
                break  # keep the order: the rest waits for the next round
            state = apply_delivery(hub, delivery, body)
            if state == InboxState.APPLIED:
                report.applied += 1
            elif state == InboxState.DUPLICATE:
                report.duplicates += 1
            else:
                report.refused += 1
            done.append(delivery.id)
    if done:
        try:
            report.acknowledged = client.ack(done)
        except HubError as exc:
            report.errors.append(str(exc))  # acknowledged next round: applying again is a no-op
    return report
