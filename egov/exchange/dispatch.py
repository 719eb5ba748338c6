"""The documents app's dispatcher: every recipient — on this deployment or not — is reached through the outbox.

Two organisations hosted on the same deployment exchange exactly as two agencies on different ones do: a signed
package through the hub, registration from the package, status messages back. There is no shortcut path.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.documents.models import DeliveryState, Document, Recipient, Secrecy
from egov.documents.services import common
from egov.documents.services.dispatch import set_delivery
from egov.exchange.models import OutboxMessage, SentDocument
from egov.exchange.services import outbox


class ExchangeDispatcher:
    def send(self, *, document: Document, recipients: list[Recipient], actor: Actor) -> None:
        if document.secrecy != Secrecy.NONE:
            # Classified documents do not travel over the exchange: they are sent on paper by the rules of secrecy.
            for recipient in recipients:
                set_delivery(recipient, DeliveryState.PENDING, note=_("Văn bản mật: gửi bản giấy, không qua trục."))
            common.event(document, "exchange.secret_not_sent", actor=actor)
            return
        without_code = [r for r in recipients if not r.organisation_code]
        for recipient in without_code:
            set_delivery(recipient, DeliveryState.PENDING, note=_("Nơi nhận chưa có mã định danh: gửi bản giấy."))
        sendable = [r for r in recipients if r.organisation_code]
        if not outbox.enqueue_package(document, sendable, actor=actor):
            return
        for recipient in sendable:
            set_delivery(recipient, DeliveryState.AWAITING_EXCHANGE)
        common.event(
            document,
            "exchange.queued",
            actor=actor,
            note=", ".join(r.organisation_name for r in sendable),
            data={"to": [r.organisation_code for r in sendable]},
        )

    def recall(self, *, document: Document, recipients: list[Recipient], actor: Actor, reason: str) -> None:
        if not SentDocument.objects.filter(document=document).exists():
            return  # never handed to the exchange: nothing to take back
        unsent = OutboxMessage.objects.filter(document=document, kind="edoc", business_type=0, failed=False)
        if unsent.exists():
            # Still in the outbox: it never leaves, so there is nothing to recall from anyone.
            unsent.delete()
            common.event(document, "exchange.withdrawn", actor=actor, note=reason)
            return
        sendable = [r for r in recipients if r.organisation_code]
        if outbox.enqueue_package(document, sendable, actor=actor, business_type=1, reason=reason):
            common.event(document, "exchange.recall_queued", actor=actor, note=reason)

    def report(self, *, copy: Document, state: str, actor: Actor, note: str = "") -> None:
        """The receiver's handling of a copy that came through the exchange, as a status message to its sender."""
        code = outbox.DELIVERY_STATUS.get(state)
        if code:
            outbox.enqueue_status(copy, code, actor=actor, description=note)
