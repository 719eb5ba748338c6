"""The push worker: build, sign and send what is in the outbox, in order, and forget what the hub has stored.

A row's bytes are built and saved once before the first attempt, so every retry sends identical bytes: if the
hub stored them before a crash, it answers DUPLICATE and the row is done — nothing is delivered twice.
"""

from __future__ import annotations

import hashlib
import logging
import random
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.documents.models import DeliveryState, Recipient
from egov.documents.services import common
from egov.exchange import edxml, keys, lease, mapping
from egov.exchange.client import HubClient, HubError, SendResult
from egov.exchange.models import MessageKind, OutboxMessage, StatusEntry

logger = logging.getLogger(__name__)
SYSTEM = Actor.system("exchange")
MAX_BACKOFF_SECONDS = 300


@dataclass
class PushReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    errors: list[str] = field(default_factory=list)


def _backoff(row: OutboxMessage, message: str) -> None:
    row.attempts += 1
    delay = min(2**row.attempts, MAX_BACKOFF_SECONDS) * (0.5 + random.random() / 2)
    row.next_attempt_at = timezone.now() + timezone.timedelta(seconds=delay)
    row.last_error = message[:500]
    row.save(update_fields=["attempts", "next_attempt_at", "last_error"])


def _recipients(row: OutboxMessage) -> list[Recipient]:
    if row.document is None:
        return []
    return list(row.document.recipients.filter(organisation_code__in=row.to_codes))


def build(row: OutboxMessage) -> bytes:
    signer = keys.signer_for(row.organisation)
    if row.kind == MessageKind.EDOC:
        everyone = list(row.document.recipients.order_by("position", "pk"))
        names = {r.organisation_code: r.organisation_name for r in everyone if r.organisation_code}
        package = mapping.package_of(
            row.document,
            to_codes=row.to_codes,
            to_names=names,
            places=[r.organisation_name for r in everyone],
            business_type=row.business_type,
            reason=row.description,
            staff=row.staff,
        )
        return edxml.build_package(package, signer=signer)
    copy = row.document
    status = edxml.StatusMessage(
        response_for=edxml.ResponseFor(
            organ_id=row.to_codes[0],
            code=copy.number_symbol if copy is not None else "",
            promulgation_date=copy.issued_on if copy is not None else None,
            document_id=row.edxml_id,
        ),
        from_=mapping.organ_of(row.organisation),
        status_code=edxml.StatusCode(row.status_code),
        description=row.description,
        timestamp=row.created_at,
        staff_info=edxml.StaffInfo(**{k: row.staff.get(k, "") for k in ("department", "staff", "mobile", "email")}),
    )
    return edxml.build_status(status, signer=signer)


def _save_payload(row: OutboxMessage) -> None:
    if connection.vendor != "postgresql":
        row.save(update_fields=["payload", "sha256"])
        return
    # Server-side binding for this statement: the bytes go as a binary parameter instead of a hex literal twice
    # their size inside the SQL (which the project's client-side binding cursors would build).
    import psycopg

    connection.ensure_connection()
    table = OutboxMessage._meta.db_table
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"UPDATE {table} SET payload = %s, sha256 = %s WHERE id = %s",
            [bytes(row.payload), row.sha256, row.pk],
        )


@transaction.atomic  # the round's bytes are saved with one commit
def _prepare(rows: list[OutboxMessage], report: PushReport) -> list[OutboxMessage]:
    ready = []
    for row in rows:
        if row.payload:
            ready.append(row)
            continue
        try:
            payload = build(row)
        except keys.NoExchangeKey as exc:
            _backoff(row, str(exc))
            report.retried += 1
            report.errors.append(str(exc))
            continue
        except edxml.EdxmlError as exc:
            _fail(row, exc.code, exc.message)
            report.failed += 1
            continue
        row.payload = payload
        row.sha256 = hashlib.sha256(payload).hexdigest()
        _save_payload(row)
        ready.append(row)
    return ready


@transaction.atomic
def _done(row: OutboxMessage, result: SendResult) -> None:
    if row.kind == MessageKind.EDOC and row.document is not None:
        now = timezone.now()
        for recipient in _recipients(row):
            StatusEntry.objects.create(
                document=row.document,
                recipient=recipient,
                direction="sent",
                organ_code=recipient.organisation_code,
                code="sent",
                description=result.doc_id,
                occurred_at=now,
                recorded_at=now,
            )
            if row.business_type == 0 and recipient.delivery_state == DeliveryState.AWAITING_EXCHANGE:
                recipient.delivery_state = DeliveryState.SENT
                recipient.state_changed_at = now
                recipient.save(update_fields=["delivery_state", "state_changed_at"])
    OutboxMessage.objects.filter(pk=row.pk).delete()


@transaction.atomic
def _fail(row: OutboxMessage, code: str, message: str) -> None:
    """The hub refused the message for good: kept, marked, and shown on the document for a person to act on."""
    row.failed = True
    row.last_error = f"{code}: {message}"[:500]
    row.save(update_fields=["failed", "last_error"])
    if row.document is not None:
        note = _("Trục liên thông từ chối gói tin: %(reason)s") % {"reason": message or code}
        common.event(row.document, "exchange.refused", actor=SYSTEM, note=note, data={"code": code})
        for recipient in _recipients(row):
            recipient.note = note[:500]
            recipient.save(update_fields=["note"])


def _conversation(organisation_id: int, edxml_id: str, to_codes: list[str]) -> tuple:
    return (organisation_id, edxml_id, tuple(to_codes))


def _due(limit: int) -> list[OutboxMessage]:
    """The oldest rows due now, at most one per conversation (a document's messages to one recipient).

    A conversation's messages reach the hub in the order they were queued: a row waits while an older one of
    its conversation is backing off, and only the oldest of a conversation goes in a batch, so a status 03
    never overtakes the 01 before it, nor a recall the package it recalls.
    """
    now = timezone.now()
    candidates = list(
        OutboxMessage.objects.filter(failed=False, next_attempt_at__lte=now)
        .select_related("organisation", "document", "document__organisation")
        .order_by("id")[: limit * 2]
    )
    if not candidates:
        return []
    oldest_waiting: dict[tuple, int] = {}
    waiting = OutboxMessage.objects.filter(
        failed=False,
        next_attempt_at__gt=now,
        id__lt=candidates[-1].id,
        edxml_id__in={row.edxml_id for row in candidates},
    ).values_list("id", "organisation_id", "edxml_id", "to_codes")
    for pk, organisation_id, edxml_id, to_codes in waiting:
        key = _conversation(organisation_id, edxml_id, to_codes)
        oldest_waiting[key] = min(pk, oldest_waiting.get(key, pk))
    rows, seen = [], set()
    for row in candidates:
        key = _conversation(row.organisation_id, row.edxml_id, row.to_codes)
        if key in seen or oldest_waiting.get(key, row.id) < row.id:
            seen.add(key)
            continue
        seen.add(key)
        rows.append(row)
        if len(rows) == limit:
            break
    return rows


def push(client: HubClient, *, limit: int = 50) -> PushReport:
    """One round: up to `limit` rows due now, oldest first, sent as one batch. Needs the push lease."""
    report = PushReport()
    if not lease.acquire("push"):
        return report
    ready = _prepare(_due(limit), report)
    if not ready:
        return report
    try:
        results = client.send_batch([bytes(row.payload) for row in ready])
    except HubError as exc:
        for row in ready:
            _backoff(row, f"{exc.code}: {exc.message}")
        report.retried += len(ready)
        report.errors.append(str(exc))
        return report
    with transaction.atomic():  # one commit for the round's bookkeeping
        for row, result in zip(ready, results, strict=True):
            if result.ok:
                _done(row, result)
                report.sent += 1
            elif result.transient:
                _backoff(row, f"{result.code}: {result.message}")
                report.retried += 1
            else:
                _fail(row, result.code, result.message)
                report.failed += 1
                report.errors.append(f"{result.code}: {result.message}")
    return report


def pending_count() -> int:
    return OutboxMessage.objects.filter(failed=False).count()
