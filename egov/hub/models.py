"""The hub's tables: connected systems, the organisations they speak for, messages and their deliveries."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HubSystem(models.Model):
    """Hệ thống kết nối — an agency's document system registered on the hub with an id and a secret."""

    system_id = models.CharField(_("mã hệ thống"), max_length=64, unique=True)
    name = models.CharField(_("tên hệ thống"), max_length=255)
    # "hmac-sha256$<salt>$<hex digest>"; the secret itself is shown once and never stored.
    secret_hash = models.CharField(max_length=200)
    # SHA-256 of the DER client certificate the system must present over mutual TLS; empty: not required.
    client_cert_sha256 = models.CharField(_("vân tay chứng thư máy khách"), max_length=64, blank=True)
    # Empty: the hub's defaults (EGOV_HUB_RATE_PER_SECOND, EGOV_HUB_RATE_BURST).
    rate_per_second = models.FloatField(_("số yêu cầu mỗi giây"), null=True, blank=True)
    rate_burst = models.PositiveIntegerField(_("số yêu cầu dồn tối đa"), null=True, blank=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["system_id"]
        verbose_name = _("hệ thống kết nối")

    def __str__(self) -> str:
        return self.system_id


class HubOrganisation(models.Model):
    """Cơ quan, đơn vị — an organisation code (mã định danh) whose messages a system sends and receives."""

    organ_id = models.CharField(_("mã định danh"), max_length=64, unique=True)
    system = models.ForeignKey(HubSystem, on_delete=models.CASCADE, related_name="organisations")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organ_id"]

    def __str__(self) -> str:
        return self.organ_id


class MessageKind(models.TextChoices):
    EDOC = "edoc", _("Văn bản")
    STATUS = "status", _("Trạng thái")


class HubMessage(models.Model):
    """Gói tin — one accepted edXML package or status message; its id is the hub's order of acceptance."""

    doc_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=6, choices=MessageKind.choices)
    sender_system = models.ForeignKey(HubSystem, on_delete=models.PROTECT, related_name="sent_messages")
    sender_organ = models.CharField(max_length=64)
    # edoc: MessageHeader DocumentId; status: ResponseFor DocumentId.
    document_id = models.CharField(max_length=255)
    business_doc_type = models.PositiveSmallIntegerField(null=True, blank=True)
    status_code = models.CharField(max_length=4, blank=True)
    # The package a status message answers.
    original = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="statuses")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    # Deleted by `egov hub purge` once no recipient needs it; the metadata stays for `sent`.
    body = models.BinaryField(null=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sender_system", "sha256"], name="hub_message_unique_body_per_sender")
        ]
        indexes = [models.Index(fields=["document_id"], name="hub_message_document_id")]

    def __str__(self) -> str:
        return f"{self.kind} {self.doc_id}"


class DeliveryState(models.TextChoices):
    WAITING = "waiting", _("Đang chờ nhận")
    ACKNOWLEDGED = "acknowledged", _("Đã nhận")
    EXPIRED = "expired", _("Quá hạn")


class HubDelivery(models.Model):
    """Gói tin chờ nhận — a message held for one recipient organisation until its system acknowledges it."""

    message = models.ForeignKey(HubMessage, on_delete=models.CASCADE, related_name="deliveries")
    recipient_organ = models.CharField(max_length=64)
    recipient_system = models.ForeignKey(HubSystem, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(max_length=12, choices=DeliveryState.choices, default=DeliveryState.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    acked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "recipient_organ"], name="hub_delivery_once_per_recipient")
        ]
        indexes = [
            # The waiting list: a system's waiting deliveries in hub order.
            models.Index(fields=["recipient_system", "state", "id"], name="hub_delivery_queue"),
            models.Index(fields=["state", "created_at"], name="hub_delivery_state_age"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.recipient_organ}"


class HubRejection(models.Model):
    """Gói tin bị từ chối — a refused call, kept for the operators (never the body)."""

    system = models.ForeignKey(HubSystem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    system_label = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    operation = models.CharField(max_length=32, blank=True)
    code = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    remote_address = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.system_label}"
