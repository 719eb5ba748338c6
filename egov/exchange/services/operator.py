"""What the operator of this node does to the outbox: send again a message the hub refused."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.core.errors import InvalidTransition, NotFound
from egov.exchange.models import OutboxMessage
from egov.exchange.selectors import require_operator
from egov.exchange.services.outbox import wake_after_commit


def outbox_retry(*, actor: Actor, row_id: int) -> OutboxMessage:
    """Put a refused message back in the queue, to be built again (the cause may have been fixed since)."""
    require_operator(actor)
    with transaction.atomic():
        row = OutboxMessage.objects.select_for_update().filter(pk=row_id).first()
        if row is None:
            raise NotFound(_("Không tìm thấy gói tin trong hàng gửi."))
        if not row.failed:
            raise InvalidTransition(_("Chỉ gửi lại được gói tin đã bị trục liên thông từ chối."))
        before = {"failed": row.failed, "attempts": row.attempts, "last_error": row.last_error, "sha256": row.sha256}
        row.failed = False
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.last_error = ""
        # Built again from the document as it is now, so the bytes (and their digest) are new.
        row.payload = None
        row.sha256 = ""
        row.save(update_fields=["failed", "attempts", "next_attempt_at", "last_error", "payload", "sha256"])
        audit_record(
            actor=actor,
            action="exchange.outbox.retry",
            obj=row,
            scope_org=row.organisation,
            before=before,
            after={"failed": False, "attempts": 0, "to": row.to_codes, "document_id": row.edxml_id},
        )
        wake_after_commit()
    return row
