"""Online payment of fees (thanh toán trực tuyến phí, lệ phí) through a payment gateway."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentState(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    CANCELLED = "cancelled", _("Đã hủy")


class Payment(models.Model):
    """Giao dịch thanh toán — one attempt to pay a dossier's fees; the order reference is ours and unique."""

    dossier = models.ForeignKey("services.Dossier", on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(_("cổng thanh toán"), max_length=40)
    reference = models.CharField(_("mã giao dịch của hệ thống"), max_length=64, unique=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=PaymentState.choices, default=PaymentState.PENDING)
    gateway_transaction = models.CharField(_("mã giao dịch của cổng"), max_length=100, blank=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["gateway", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_transaction"],
                condition=~models.Q(gateway_transaction=""),
                name="payment_gateway_transaction_unique",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentNotice(models.Model):
    """Every callback or return the gateway sent, kept as received: forged and repeated ones too (for audit)."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Đã ghi nhận")
        DUPLICATE = "duplicate", _("Trùng lặp")
        REJECTED = "rejected", _("Bị từ chối")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="notices")
    gateway = models.CharField(max_length=40)
    channel = models.CharField(max_length=10)  # "callback" (server to server) or "return" (the browser)
    received_at = models.DateTimeField()
    body = models.JSONField(default=dict)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.gateway} {self.channel} {self.outcome}"
