"""Sending an issued document to its recipients.

Recipients on this platform get their incoming copy at once, in the issuing transaction. Recipients outside
are handed to the `ExternalDispatcher` configured by EGOV_DOCUMENT_DISPATCHER; until the exchange app plugs
in, the default one records them as "awaiting exchange" (chờ gửi qua trục liên thông).
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.documents.models import DeliveryState, Document, Recipient, RecipientKind
from egov.documents.services import common


class ExternalDispatcher(Protocol):
    """What the exchange app implements to carry documents to agencies outside this platform."""

    def send(self, *, document: Document, recipients: list[Recipient], actor: Actor) -> None: ...

    def recall(self, *, document: Document, recipients: list[Recipient], actor: Actor, reason: str) -> None: ...


class AwaitingExchange:
    """The default until an exchange is configured: records the recipients as waiting for it."""

    def send(self, *, document: Document, recipients: list[Recipient], actor: Actor) -> None:
        for recipient in recipients:
            set_delivery(recipient, DeliveryState.AWAITING_EXCHANGE)
            common.event(
                document,
                "dispatch.awaiting_exchange",
                actor=actor,
                note=recipient.organisation_name,
                data={"recipient": recipient.organisation_code},
            )

    def recall(self, *, document: Document, recipients: list[Recipient], actor: Actor, reason: str) -> None:
        for recipient in recipients:
            common.event(document, "recall.awaiting_exchange", actor=actor, note=recipient.organisation_name)


def external_dispatcher() -> ExternalDispatcher:
    path = settings.EGOV_DOCUMENT_DISPATCHER
    return import_string(path)() if path else AwaitingExchange()


def set_delivery(recipient: Recipient, state: str, *, note: str = "") -> None:
    recipient.delivery_state = state
    recipient.state_changed_at = timezone.now()
    if note:
        recipient.note = note[:500]
    recipient.save(update_fields=["delivery_state", "state_changed_at", "note"])


def dispatch_document(document: Document, *, actor: Actor) -> None:
    from egov.documents.services.incoming import receive_from_platform

    internal = list(document.recipients.filter(kind=RecipientKind.INTERNAL).select_related("organisation"))
    external = list(document.recipients.filter(kind=RecipientKind.EXTERNAL))
    for recipient in internal:
        copy = receive_from_platform(document, recipient.organisation, actor=actor)
        recipient.delivered_copy = copy
        recipient.save(update_fields=["delivered_copy"])
        set_delivery(recipient, DeliveryState.DELIVERED)
        common.event(
            document,
            "dispatch.delivered",
            actor=actor,
            note=recipient.organisation_name,
            data={"recipient": recipient.organisation_code},
        )
    if external:
        external_dispatcher().send(document=document, recipients=external, actor=actor)
    if not internal and not external:
        common.event(document, "dispatch.none", actor=actor, note=_("Văn bản không có nơi nhận ngoài bản lưu."))


def recall_document(document: Document, *, actor: Actor, reason: str) -> None:
    from egov.documents.services.incoming import destroy_recalled_copy

    for recipient in document.recipients.filter(kind=RecipientKind.INTERNAL, delivered_copy__isnull=False):
        destroy_recalled_copy(recipient.delivered_copy, actor=actor, reason=reason)
    external = list(document.recipients.filter(kind=RecipientKind.EXTERNAL))
    if external:
        external_dispatcher().recall(document=document, recipients=external, actor=actor, reason=reason)
