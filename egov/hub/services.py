"""Every write the hub makes: accepting messages, acknowledging deliveries, registering systems, purging."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.hub import auth, codec
from egov.hub.auth import SystemCredentials
from egov.hub.conf import hub_setting
from egov.hub.errors import HubError, too_large
from egov.hub.models import (
    DeliveryState,
    HubDelivery,
    HubMessage,
    HubOrganisation,
    HubRejection,
    HubSystem,
    MessageKind,
)

log = logging.getLogger("egov.hub")


# --- accepting messages ---------------------------------------------------------------------------------
@dataclass
class Verified:
    """A message that passed every check and is ready to be stored."""

    kind: str
    sender_organ: str
    document_id: str
    business_doc_type: int | None
    status_code: str
    sha256: str
    body: bytes
    recipients: list[tuple[str, int]]  # (organ id, system pk)
    original_id: int | None = None


@dataclass
class Outcome:
    """What one message got: the stored (or already stored) DocId, or the refusal."""

    sha256: str = ""
    size: int = 0
    doc_id: str = ""
    recipients: list[str] = field(default_factory=list)
    error: HubError | None = None
    verified: Verified | None = None

    @property
    def http_status(self) -> int:
        return self.error.status if self.error else 201

    def reply(self) -> dict:
        if self.error is not None:
            return self.error.as_dict()
        data = {"status": "OK", "ErrorCode": "0", "ErrorDesc": "", "DocId": self.doc_id}
        if self.verified is not None and self.verified.kind == MessageKind.EDOC:
            data["Recipients"] = self.recipients
        return data


def _duplicate(doc_id) -> HubError:
    return HubError(
        "DUPLICATE",
        _("Hệ thống đã gửi đúng gói tin này trước đây; gói tin không được lưu lại lần nữa."),
        409,
        extra={"DocId": str(doc_id)},
    )


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _edoc_recipients(message) -> list[tuple[str, int]]:
    organs = _unique(str(organ) for organ in message.recipient_organ_ids)
    if not organs:
        raise HubError("UNKNOWN_RECIPIENT", _("Gói tin không có đơn vị nhận."), 422, field="To.OrganId")
    owners = dict(
        HubOrganisation.objects.filter(organ_id__in=organs, system__active=True).values_list("organ_id", "system_id")
    )
    for organ in organs:
        if organ not in owners:
            raise HubError(
                "UNKNOWN_RECIPIENT",
                _("Đơn vị nhận %(organ)s chưa kết nối với trục liên thông.") % {"organ": organ},
                422,
                field="To.OrganId",
                extra={"OrganId": organ},
            )
    return [(organ, owners[organ]) for organ in organs]


def _status_route(message, sender_organ: str) -> tuple[list[tuple[str, int]], int]:
    """The status goes back to the organisation that sent the package it answers, to its system today."""
    original = (
        HubDelivery.objects.filter(
            recipient_organ=sender_organ,
            message__kind=MessageKind.EDOC,
            message__document_id=message.document_id,
        )
        .order_by("-message_id")
        .values("message_id", "message__sender_organ", "message__sender_system_id")
        .first()
    )
    if original is None:
        raise HubError(
            "UNKNOWN_DOCUMENT",
            _("Không có văn bản %(document)s gửi tới đơn vị %(organ)s qua trục liên thông.")
            % {"document": message.document_id, "organ": sender_organ},
            404,
            field="ResponseFor.DocumentId",
        )
    organ = original["message__sender_organ"]
    system_pk = (
        HubOrganisation.objects.filter(organ_id=organ, system__active=True).values_list("system_id", flat=True).first()
    )
    return [(organ, system_pk or original["message__sender_system_id"])], original["message_id"]


def verify(*, caller: SystemCredentials, body: bytes, expected_kind: str | None = None) -> Outcome:
    """Check one message without storing it; the Outcome carries either the Verified message or the refusal."""
    outcome = Outcome(size=len(body))
    limit = int(hub_setting("EGOV_HUB_MAX_BYTES"))
    try:
        if len(body) > limit:
            raise too_large(limit)
        outcome.sha256 = hashlib.sha256(body).hexdigest()
        existing = (
            HubMessage.objects.filter(sender_system_id=caller.pk, sha256=outcome.sha256)
            .values_list("doc_id", flat=True)
            .first()
        )
        if existing is not None:
            raise _duplicate(existing)
        message = codec.read(body)
        kind = str(message.kind)
        if expected_kind and kind != expected_kind:
            raise HubError(
                "WRONG_MESSAGE_TYPE",
                _("Gói tin trạng thái phải gửi tới hub/v1/statuses, gói tin văn bản tới hub/v1/edocs."),
                400,
            )
        sender_organ = str(message.sender_organ_id)
        if sender_organ not in caller.organs:
            raise HubError(
                "SENDER_NOT_OWNED",
                _("Đơn vị gửi %(organ)s không thuộc hệ thống %(system)s.")
                % {"organ": sender_organ, "system": caller.system_id},
                403,
                field="From.OrganId",
            )
        original_id = None
        business_doc_type = None
        status_code = ""
        if kind == MessageKind.EDOC:
            recipients = _edoc_recipients(message)
            business_doc_type = int(message.package.business.doc_type)
        else:
            recipients, original_id = _status_route(message, sender_organ)
            status_code = str(getattr(message.status.status_code, "value", message.status.status_code))
        outcome.verified = Verified(
            kind=kind,
            sender_organ=sender_organ,
            document_id=str(message.document_id or ""),
            business_doc_type=business_doc_type,
            status_code=status_code,
            sha256=outcome.sha256,
            body=body,
            recipients=recipients,
            original_id=original_id,
        )
        outcome.recipients = [organ for organ, _system in recipients]
    except HubError as exc:
        outcome.error = exc
    return outcome


def _message_row(caller: SystemCredentials, verified: Verified, now) -> HubMessage:
    return HubMessage(
        kind=verified.kind,
        sender_system_id=caller.pk,
        sender_organ=verified.sender_organ,
        document_id=verified.document_id[:255],
        business_doc_type=verified.business_doc_type,
        status_code=verified.status_code,
        original_id=verified.original_id,
        sha256=verified.sha256,
        size=len(verified.body),
        body=verified.body,
        received_at=now,
    )


def _store(caller: SystemCredentials, outcomes: list[Outcome]) -> None:
    """Store every verified outcome and its deliveries in one transaction; committed when this returns."""
    pending = [outcome for outcome in outcomes if outcome.verified is not None]
    if not pending:
        return
    now = timezone.now()
    with transaction.atomic():
        messages = HubMessage.objects.bulk_create([_message_row(caller, o.verified, now) for o in pending])
        deliveries = [
            HubDelivery(message=message, recipient_organ=organ, recipient_system_id=system_pk, created_at=now)
            for message, outcome in zip(messages, pending, strict=True)
            for organ, system_pk in outcome.verified.recipients
        ]
        HubDelivery.objects.bulk_create(deliveries)
    for message, outcome in zip(messages, pending, strict=True):
        outcome.doc_id = str(message.doc_id)


def _resolve_race(caller: SystemCredentials, outcomes: list[Outcome]) -> None:
    """Another request stored some of these bytes between our check and our insert: those become duplicates."""
    shas = [outcome.sha256 for outcome in outcomes if outcome.verified is not None]
    existing = dict(
        HubMessage.objects.filter(sender_system_id=caller.pk, sha256__in=shas).values_list("sha256", "doc_id")
    )
    for outcome in outcomes:
        if outcome.verified is not None and outcome.sha256 in existing:
            outcome.verified = None
            outcome.error = _duplicate(existing[outcome.sha256])


def message_accept(*, caller: SystemCredentials, body: bytes, expected_kind: str, remote_address: str = "") -> Outcome:
    """Gửi gói tin — verify one message and store it for its recipients; refusals are recorded."""
    outcome = verify(caller=caller, body=body, expected_kind=expected_kind)
    _store_with_retry(caller, [outcome])
    if outcome.error is not None:
        rejections_record(caller=caller, operation=expected_kind, outcomes=[outcome], remote_address=remote_address)
    return outcome


def batch_accept(*, caller: SystemCredentials, bodies: list[bytes], remote_address: str = "") -> list[Outcome]:
    """Verify every item first, then store all the accepted ones in one transaction."""
    outcomes: list[Outcome] = []
    seen: dict[str, Outcome] = {}
    for body in bodies:
        sha = hashlib.sha256(body).hexdigest()
        first = seen.get(sha)
        if first is not None and first.verified is not None:
            # The same bytes twice in one batch: stored once, the second copy answered as a duplicate below.
            outcomes.append(Outcome(sha256=sha, size=len(body), error=HubError("DUPLICATE", "", 409)))
            continue
        outcome = verify(caller=caller, body=body)
        seen.setdefault(sha, outcome)
        outcomes.append(outcome)
    _store_with_retry(caller, outcomes)
    for outcome in outcomes:
        if outcome.error is not None and outcome.error.code == "DUPLICATE" and not outcome.error.message:
            stored = seen[outcome.sha256]
            outcome.error = stored.error or _duplicate(stored.doc_id)
    rejections_record(
        caller=caller,
        operation="batch",
        outcomes=[outcome for outcome in outcomes if outcome.error is not None],
        remote_address=remote_address,
    )
    return outcomes


def _store_with_retry(caller: SystemCredentials, outcomes: list[Outcome]) -> None:
    try:
        _store(caller, outcomes)
    except IntegrityError:
        _resolve_race(caller, outcomes)
        _store(caller, outcomes)


def rejections_record(
    *, caller: SystemCredentials | None, operation: str, outcomes: list[Outcome], remote_address: str = ""
) -> None:
    """Keep the refusals for the operators (duplicates are answered, not refused: they are not kept)."""
    rows = [
        HubRejection(
            system_id=caller.pk if caller else None,
            system_label=caller.system_id if caller else "",
            operation=operation,
            code=outcome.error.code[:64],
            description=outcome.error.message[:1000],
            size=outcome.size,
            sha256=outcome.sha256,
            remote_address=remote_address[:64],
        )
        for outcome in outcomes
        if outcome.error is not None and outcome.error.code != "DUPLICATE"
    ]
    if rows:
        HubRejection.objects.bulk_create(rows)


def rejection_record(
    *, system_label: str, operation: str, error: HubError, remote_address: str = "", system_pk: int | None = None
) -> None:
    HubRejection.objects.create(
        system_id=system_pk,
        system_label=system_label[:64],
        operation=operation,
        code=error.code,
        description=error.message[:1000],
        remote_address=remote_address[:64],
    )


# --- acknowledging --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AckResult:
    acknowledged: int
    not_found: list[int]


def deliveries_ack(*, caller: SystemCredentials, ids: list[int]) -> AckResult:
    """Đã nhận — the caller has the messages; acknowledging one twice changes nothing."""
    wanted = list(dict.fromkeys(ids))
    now = timezone.now()
    with transaction.atomic():
        HubDelivery.objects.filter(id__in=wanted, recipient_system_id=caller.pk, state=DeliveryState.WAITING).update(
            state=DeliveryState.ACKNOWLEDGED, acked_at=now
        )
        done = set(
            HubDelivery.objects.filter(
                id__in=wanted, recipient_system_id=caller.pk, state=DeliveryState.ACKNOWLEDGED
            ).values_list("id", flat=True)
        )
    return AckResult(acknowledged=len(done), not_found=[i for i in wanted if i not in done])


# --- systems and organisations --------------------------------------------------------------------------
@dataclass(frozen=True)
class Registration:
    system: HubSystem
    secret: str


def system_register(
    *,
    system_id: str,
    name: str,
    organs: list[str],
    client_cert_sha256: str = "",
    secret: str = "",
    rate_per_second: float | None = None,
    rate_burst: int | None = None,
) -> Registration:
    """Đăng ký hệ thống — a new system with its organisations; the generated secret is returned once."""
    secret = secret or auth.generate_secret()
    with transaction.atomic():
        system = HubSystem.objects.create(
            system_id=system_id,
            name=name,
            secret_hash=auth.hash_secret(secret),
            client_cert_sha256=client_cert_sha256.lower(),
            rate_per_second=rate_per_second,
            rate_burst=rate_burst,
        )
        for organ in _unique(organs):
            organisation_add(system=system, organ_id=organ)
    auth.clear_cache()
    return Registration(system, secret)


def organisation_add(*, system: HubSystem, organ_id: str) -> HubOrganisation:
    existing = HubOrganisation.objects.filter(organ_id=organ_id).select_related("system").first()
    if existing is not None:
        if existing.system_id != system.pk:
            raise HubError(
                "ORGAN_TAKEN",
                _("Mã định danh %(organ)s đã thuộc hệ thống %(system)s.")
                % {"organ": organ_id, "system": existing.system.system_id},
                409,
            )
        return existing
    organisation = HubOrganisation.objects.create(organ_id=organ_id, system=system)
    auth.clear_cache()
    return organisation


def secret_rotate(*, system: HubSystem) -> str:
    secret = auth.generate_secret()
    system.secret_hash = auth.hash_secret(secret)
    system.save(update_fields=["secret_hash"])
    auth.clear_cache()
    return secret


def system_set_active(*, system: HubSystem, active: bool) -> None:
    system.active = active
    system.save(update_fields=["active"])
    auth.clear_cache()


# --- retention ------------------------------------------------------------------------------------------
@dataclass
class PurgeReport:
    expired: int = 0
    bodies_deleted: int = 0
    messages_deleted: int = 0
    rejections_deleted: int = 0


def _batched_ids(queryset, size: int):
    while True:
        ids = list(queryset.values_list("id", flat=True)[:size])
        if not ids:
            return
        yield ids


def purge(*, now=None) -> PurgeReport:
    """Expire deliveries waiting too long, drop bodies no one needs any more, forget old metadata.

    Idempotent and batched: each batch is its own short transaction, so a purge never holds the write lock long.
    """
    now = now or timezone.now()
    size = int(hub_setting("EGOV_HUB_PURGE_BATCH"))
    expire_before = now - timezone.timedelta(days=int(hub_setting("EGOV_HUB_EXPIRE_DAYS")))
    retain_before = now - timezone.timedelta(days=int(hub_setting("EGOV_HUB_RETENTION_DAYS")))
    forget_before = now - timezone.timedelta(days=int(hub_setting("EGOV_HUB_METADATA_DAYS")))
    report = PurgeReport()

    stale = HubDelivery.objects.filter(state=DeliveryState.WAITING, created_at__lt=expire_before)
    for ids in _batched_ids(stale, size):
        report.expired += HubDelivery.objects.filter(id__in=ids, state=DeliveryState.WAITING).update(
            state=DeliveryState.EXPIRED
        )

    # A body is kept while a recipient still waits for it: acknowledged messages keep theirs for the retention
    # period (a recipient may fetch again), messages nobody acknowledged (all expired) lose it at once.
    done = HubMessage.objects.filter(body__isnull=False).exclude(deliveries__state=DeliveryState.WAITING)
    purgeable = [
        done.filter(received_at__lt=retain_before),
        done.filter(deliveries__state=DeliveryState.EXPIRED).exclude(deliveries__state=DeliveryState.ACKNOWLEDGED),
    ]
    for queryset in purgeable:
        for ids in _batched_ids(queryset.distinct(), size):
            report.bodies_deleted += HubMessage.objects.filter(id__in=ids).update(body=None, purged_at=now)

    old = HubMessage.objects.filter(received_at__lt=forget_before).exclude(deliveries__state=DeliveryState.WAITING)
    for ids in _batched_ids(old, size):
        with transaction.atomic():
            HubMessage.objects.filter(original_id__in=ids).update(original=None)
            HubDelivery.objects.filter(message_id__in=ids).delete()
            report.messages_deleted += HubMessage.objects.filter(id__in=ids).delete()[1].get("hub.HubMessage", 0)
    old_rejections = HubRejection.objects.filter(at__lt=forget_before)
    for ids in _batched_ids(old_rejections, size):
        report.rejections_deleted += HubRejection.objects.filter(id__in=ids).delete()[0]
    return report
