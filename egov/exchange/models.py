"""The node side of inter-agency exchange: the outbox, the inbox, and what was sent and received.

An outgoing package or status message is an `OutboxMessage` written in the same transaction as the change that
causes it (issuing, recalling, registering an incoming document...). The push worker builds and signs it once,
stores the bytes on the row (so a retry after a crash sends the very same bytes, which the hub recognises), sends
it and deletes the row. What arrives from the hub is applied and recorded as an `InboxMessage` in one
transaction, keyed by the hub's delivery id, before it is acknowledged: a delivery seen twice is applied once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MessageKind(models.TextChoices):
    EDOC = "edoc", _("Văn bản")
    STATUS = "status", _("Trạng thái")


class OutboxMessage(models.Model):
    """A package or status message waiting to be pushed to the hub (deleted once the hub has it)."""

    kind = models.CharField(max_length=6, choices=MessageKind.choices)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    # edoc: the outgoing document; status: the incoming copy the status is about (null once destroyed).
    document = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edxml_id = models.CharField(max_length=200)  # the edXML DocumentId the message carries or answers
    to_codes = models.JSONField(default=list)
    business_type = models.PositiveSmallIntegerField(default=0)
    status_code = models.CharField(max_length=2, blank=True)
    description = models.CharField(max_length=500, blank=True)
    staff = models.JSONField(default=dict, blank=True)
    payload = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    failed = models.BooleanField(default=False)  # refused by the hub for good: kept for an operator to look at
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["failed", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.edxml_id}"


class InboxState(models.TextChoices):
    APPLIED = "applied", _("Đã tiếp nhận")
    DUPLICATE = "duplicate", _("Trùng, đã nhận trước đó")
    REFUSED = "refused", pgettext_lazy("exchange", "Từ chối")


class InboxMessage(models.Model):
    """One delivery taken from the hub, applied in the transaction that recorded it."""

    hub = models.CharField(max_length=200)  # the hub's base address: delivery ids are per hub
    delivery_id = models.BigIntegerField()
    hub_doc_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=6, choices=MessageKind.choices)
    from_code = models.CharField(max_length=35)
    to_code = models.CharField(max_length=35)
    document_id = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=InboxState.choices)
    error_code = models.CharField(max_length=40, blank=True)
    error = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hub", "delivery_id"], name="exchange_inbox_once")]
        indexes = [models.Index(fields=["document_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id} → {self.to_code}"


class SentDocument(models.Model):
    """The edXML DocumentId under which an outgoing document was sent."""

    document = models.OneToOneField("documents.Document", on_delete=models.CASCADE, related_name="exchange_sent")
    edxml_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.edxml_id


class ReceivedDocument(models.Model):
    """An incoming copy registered from a package: the same DocumentId registers once per organisation."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    edxml_id = models.CharField(max_length=200)
    sender_code = models.CharField(max_length=35)
    # Kept after a recall destroys the copy's content: the recall's record stays (Decree 30, App. VI III.8).
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="exchange_received")
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "edxml_id"], name="exchange_received_once")]

    def __str__(self) -> str:
        return self.edxml_id


class Direction(models.TextChoices):
    SENT = "sent", _("Gửi đi")
    RECEIVED = "received", _("Nhận về")


class StatusEntry(models.Model):
    """One line of a document's exchange timeline: a status message sent or received, a package sent."""

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="exchange_statuses")
    recipient = models.ForeignKey(
        "documents.Recipient", on_delete=models.SET_NULL, null=True, blank=True, related_name="exchange_statuses"
    )
    direction = models.CharField(max_length=8, choices=Direction.choices)
    organ_code = models.CharField(max_length=35)  # the other side
    code = models.CharField(max_length=10)  # a status code "01".."16", or "sent"/"recall"/"update"
    description = models.CharField(max_length=500, blank=True)
    occurred_at = models.DateTimeField()  # the message's own timestamp
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["document", "occurred_at"])]
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.organ_code}"


class Lease(models.Model):
    """Who runs the pusher or the poller now: one at a time keeps messages in order across workers."""

    name = models.CharField(max_length=40, primary_key=True)
    holder = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
