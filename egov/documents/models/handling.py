"""Handling of a document: recipients and delivery, assignments, opinions (comments) and the timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã gửi đến nơi nhận")
    AWAITING_EXCHANGE = "awaiting_exchange", _("Chờ gửi qua trục liên thông")
    SENT = "sent", _("Đã gửi lên trục liên thông")
    RECEIVED = "received", _("Nơi nhận đã vào sổ")
    HANDLING = "handling", _("Nơi nhận đang giải quyết")
    COMPLETED = "completed", pgettext_lazy("delivery", "Nơi nhận đã giải quyết xong")
    RETURNED = "returned", _("Nơi nhận trả lại")
    RECALLED = "recalled", pgettext_lazy("document", "Đã thu hồi")


class RecipientKind(models.TextChoices):
    INTERNAL = "internal", _("Đơn vị, cơ quan trên hệ thống")
    EXTERNAL = "external", _("Cơ quan ngoài hệ thống (qua trục liên thông)")
    ARCHIVE = "archive", pgettext_lazy("file copy", "Lưu")


class Recipient(models.Model):
    """Nơi nhận of an outgoing document, with the delivery and handling status seen by the sender."""

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="recipients")
    kind = models.CharField(_("loại nơi nhận"), max_length=10, choices=RecipientKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan, đơn vị nhận"),
    )
    organisation_code = models.CharField(_("mã định danh nơi nhận"), max_length=35, blank=True)
    organisation_name = models.CharField(_("tên nơi nhận"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    delivery_state = models.CharField(
        _("tình trạng"), max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    delivered_copy = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state_changed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("nơi nhận")
        verbose_name_plural = _("nơi nhận")
        ordering = ["document_id", "position", "pk"]

    def __str__(self) -> str:
        return self.organisation_name


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COOPERATE = "cooperate", _("Phối hợp")
    INFORM = "inform", _("Để biết")


class AssignmentState(models.TextChoices):
    OPEN = "open", _("Chưa xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", pgettext_lazy("assignment", "Đã xong")
    FORWARDED = "forwarded", _("Đã chuyển tiếp")


class Assignment(models.Model):
    """Phân công giải quyết văn bản đến (Art. 23): to a unit or a person, as lead, cooperating or for information."""

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="assignments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("giao từ")
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=AssignmentRole.choices)
    unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_assignments",
        verbose_name=_("cá nhân"),
    )
    due_on = models.DateField(_("hạn giải quyết"), null=True, blank=True)
    instructions = models.TextField(_("ý kiến chỉ đạo"), max_length=2000, blank=True)
    state = models.CharField(_("tình trạng"), max_length=12, choices=AssignmentState.choices, default="open")
    result = models.TextField(_("kết quả giải quyết"), max_length=4000, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("phân công xử lý")
        verbose_name_plural = _("phân công xử lý")
        ordering = ["document_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(person__isnull=False), name="assignment_has_target"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "state", "due_on"]),
            models.Index(fields=["unit", "state", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.unit_id or ''}/{self.person_id or ''} ({self.role})"


class Comment(models.Model):
    """Ý kiến — an opinion on a draft, a leader's instruction, a reviewer's note; kept in the record."""

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.ForeignKey(
        "documents.DocumentFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("ý kiến"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ý kiến")
        verbose_name_plural = _("ý kiến")
        ordering = ["document_id", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class DocumentEvent(models.Model):
    """Quá trình xử lý — one line of a document's timeline, visible to whoever may see the document."""

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_label = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=2000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("sự kiện xử lý")
        verbose_name_plural = _("sự kiện xử lý")
        ordering = ["document_id", "at", "pk"]
        indexes = [models.Index(fields=["document", "at"])]

    def __str__(self) -> str:
        return f"{self.document_id} {self.kind}"


class NumberSequence(models.Model):
    """Dãy số văn bản — per organisation, calendar year and series (Art. 15); locked while a number is taken."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=60)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("dãy số văn bản")
        verbose_name_plural = _("dãy số văn bản")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "series"], name="number_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}/{self.series}: {self.last_number}"
