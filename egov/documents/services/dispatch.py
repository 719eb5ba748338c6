"""Sending an issued document to its recipients.

Every recipient, on this platform or outside it, is handed to the dispatcher configured by
EGOV_DOCUMENT_DISPATCHER: the exchange app's, which queues a signed edXML package in the issuing transaction.
With the setting empty, `AwaitingExchange` only records the recipients as waiting (chờ gửi qua trục liên thông).
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.documents.models import DeliveryState, Document, Recipient
from egov.documents.services import common


class ExternalDispatcher(Protocol):
    """What the exchange app implements to carry documents to their recipients."""

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
    """Hand every recipient to the dispatcher (the exchange's outbox): on this platform or outside it alike."""
    recipients = list(document.recipients.select_related("organisation").order_by("position", "pk"))
    if recipients:
        external_dispatcher().send(document=document, recipients=recipients, actor=actor)
    else:
        common.event(document, "dispatch.none", actor=actor, note=_("Văn bản không có nơi nhận ngoài bản lưu."))


def recall_document(document: Document, *, actor: Actor, reason: str) -> None:
    recipients = list(document.recipients.order_by("position", "pk"))
    if recipients:
        external_dispatcher().recall(document=document, recipients=recipients, actor=actor, reason=reason)
