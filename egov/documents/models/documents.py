"""Văn bản: one record per document in one organisation's registers — outgoing (đi) or incoming (đến)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Văn bản đi")
    INCOMING = "incoming", _("Văn bản đến")


class OutgoingState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Chờ lãnh đạo đơn vị duyệt")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ lãnh đạo cơ quan phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt, chờ ký")
    SIGNED = "signed", _("Đã ký, chờ cấp số và đóng dấu")
    ISSUED = "issued", _("Đã ban hành")
    RECALLED = "recalled", pgettext_lazy("document", "Đã thu hồi")


class IncomingState(models.TextChoices):
    ARRIVED = "arrived", _("Chờ vào sổ")
    REGISTERED = "registered", _("Đã vào sổ, chờ phân công")
    ASSIGNED = "assigned", _("Đang giải quyết")
    COMPLETED = "completed", pgettext_lazy("incoming document", "Đã giải quyết xong")
    RETURNED = "returned", _("Đã trả lại nơi gửi")
    RECALLED = "recalled", _("Đã hủy do nơi gửi thu hồi")


# Outgoing lifecycle (Decree 30 Art. 10–18): from-state → the states it may move to.
OUTGOING_TRANSITIONS: dict[str, frozenset[str]] = {
    OutgoingState.DRAFT: frozenset({OutgoingState.IN_REVIEW, OutgoingState.AWAITING_APPROVAL}),
    OutgoingState.IN_REVIEW: frozenset({OutgoingState.AWAITING_APPROVAL, OutgoingState.DRAFT}),
    OutgoingState.AWAITING_APPROVAL: frozenset({OutgoingState.APPROVED, OutgoingState.DRAFT}),
    OutgoingState.APPROVED: frozenset({OutgoingState.SIGNED, OutgoingState.DRAFT}),
    OutgoingState.SIGNED: frozenset({OutgoingState.ISSUED, OutgoingState.DRAFT}),
    OutgoingState.ISSUED: frozenset({OutgoingState.RECALLED}),
    OutgoingState.RECALLED: frozenset(),
}
# Incoming lifecycle (Decree 30 Art. 20–24).
INCOMING_TRANSITIONS: dict[str, frozenset[str]] = {
    IncomingState.ARRIVED: frozenset({IncomingState.REGISTERED, IncomingState.RETURNED, IncomingState.RECALLED}),
    IncomingState.REGISTERED: frozenset({IncomingState.ASSIGNED, IncomingState.COMPLETED, IncomingState.RECALLED}),
    IncomingState.ASSIGNED: frozenset({IncomingState.ASSIGNED, IncomingState.COMPLETED, IncomingState.RECALLED}),
    IncomingState.COMPLETED: frozenset({IncomingState.ASSIGNED, IncomingState.RECALLED}),
    IncomingState.RETURNED: frozenset(),
    IncomingState.RECALLED: frozenset(),
}
# States whose metadata is fixed: an issued or registered document is no longer edited.
OUTGOING_EDITABLE = frozenset({OutgoingState.DRAFT})


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Thường")
    URGENT = "urgent", _("Khẩn")
    VERY_URGENT = "very_urgent", _("Thượng khẩn")
    FLASH = "flash", _("Hỏa tốc")


class Secrecy(models.TextChoices):
    NONE = "none", _("Không mật")
    SECRET = "secret", _("Mật")
    TOP_SECRET = "top_secret", _("Tối mật")
    MOST_SECRET = "most_secret", _("Tuyệt mật")


class Channel(models.TextChoices):
    PLATFORM = "platform", _("Điện tử, từ đơn vị trên cùng hệ thống")
    EXCHANGE = "exchange", _("Điện tử, qua trục liên thông")
    PAPER = "paper", _("Văn bản giấy (bản quét)")
    CREATED = "created", _("Soạn thảo tại cơ quan")


class SignerPrefix(models.TextChoices):
    NONE = "", _("Ký trực tiếp")
    TM = "TM.", _("TM. — thay mặt tập thể")
    KT = "KT.", _("KT. — ký thay người đứng đầu")
    TL = "TL.", _("TL. — thừa lệnh")
    TUQ = "TUQ.", _("TUQ. — thừa ủy quyền")
    Q = "Q.", _("Q. — quyền")


class Document(models.Model):
    """Văn bản — metadata per Decree 30 Appendix VI Part II (lengths as given there)."""

    uid = models.UUIDField(_("mã định danh văn bản"), default=uuid.uuid4, unique=True, editable=False)
    direction = models.CharField(_("loại sổ"), max_length=10, choices=Direction.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("cơ quan quản lý"),
        help_text=_("Cơ quan ban hành (văn bản đi) hoặc cơ quan nhận (văn bản đến)."),
    )
    state = models.CharField(_("trạng thái"), max_length=20)
    channel = models.CharField(_("nguồn"), max_length=10, choices=Channel.choices, default=Channel.CREATED)
    # Type (TypeName 100) and number/symbol (CodeNumber 11, CodeNotation 30).
    type_code = models.CharField(_("loại văn bản"), max_length=40)
    type_name = models.CharField(_("tên loại văn bản"), max_length=100)
    legal_normative = models.BooleanField(_("văn bản quy phạm pháp luật"), default=False)
    series = models.CharField(_("dãy số"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    number_text = models.CharField(_("số"), max_length=11, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=30, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    # The issuing organisation (OrganId 13 in the appendix; our identifier codes allow longer forms).
    issuer = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan ban hành trên hệ thống"),
    )
    issuer_code = models.CharField(_("mã định danh cơ quan ban hành"), max_length=35, blank=True)
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=200)
    drafting_unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị soạn thảo"),
    )
    subject = models.CharField(_("trích yếu nội dung"), max_length=500)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ký trên hệ thống"),
    )
    signer_prefix = models.CharField(_("quyền hạn ký"), max_length=5, choices=SignerPrefix.choices, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=50, blank=True)
    urgency = models.CharField(_("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.CharField(_("độ mật"), max_length=12, choices=Secrecy.choices, default=Secrecy.NONE)
    page_count = models.PositiveSmallIntegerField(_("số trang"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("số lượng bản"), null=True, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=30, default="Tiếng Việt")
    description = models.CharField(_("ghi chú"), max_length=500, blank=True)
    handling_due_on = models.DateField(_("hạn xử lý"), null=True, blank=True)
    # Incoming register (ArrivalNumber 10, ArrivalDate).
    arrival_year = models.PositiveSmallIntegerField(_("năm đến"), null=True, blank=True)
    arrival_number = models.PositiveIntegerField(_("số đến"), null=True, blank=True)
    received_at = models.DateTimeField(_("thời điểm nhận"), null=True, blank=True)
    registered_at = models.DateTimeField(_("thời điểm vào sổ"), null=True, blank=True)
    source = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("văn bản đi gốc"),
        help_text=_("Văn bản đi của cơ quan gửi trên cùng hệ thống mà văn bản đến này là bản nhận."),
    )
    source_uid = models.UUIDField(_("mã định danh văn bản của nơi gửi"), null=True, blank=True)
    # Recall (Appendix VI III.8): the outgoing is frozen; the incoming copy loses its files and metadata.
    recalled_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)
    recall_reason = models.CharField(_("lý do thu hồi"), max_length=500, blank=True)
    format_findings = models.JSONField(_("kết quả kiểm tra thể thức"), default=list, blank=True)
    format_checked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("người tạo")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "series", "number"],
                condition=models.Q(direction="outgoing", number__isnull=False),
                name="document_outgoing_number_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "arrival_year", "arrival_number"],
                condition=models.Q(direction="incoming", arrival_number__isnull=False),
                name="document_arrival_number_unique",
            ),
            # Delivery through the platform or the exchange registers a sender's document once per recipient.
            models.UniqueConstraint(
                fields=["organisation", "source_uid"],
                condition=models.Q(direction="incoming", source_uid__isnull=False),
                name="document_incoming_once_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "direction", "state"]),
            models.Index(fields=["organisation", "direction", "issued_on"]),
            models.Index(fields=["organisation", "direction", "arrival_year", "arrival_number"]),
            models.Index(fields=["organisation", "direction", "handling_due_on"]),
            models.Index(fields=["symbol", "number_text"]),
        ]

    def __str__(self) -> str:
        return self.number_symbol or str(self.subject)[:80]

    @property
    def number_symbol(self) -> str:
        if self.number_text and self.symbol:
            return f"{self.number_text}/{self.symbol}"
        return self.symbol or self.number_text

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NONE

    @property
    def is_outgoing(self) -> bool:
        return self.direction == Direction.OUTGOING

    @property
    def is_recalled(self) -> bool:
        return self.recalled_at is not None


class FileRole(models.TextChoices):
    MAIN = "main", _("Văn bản chính")
    APPENDIX = "appendix", _("Phụ lục")


class FileStage(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SIGNED = "signed", _("Đã ký số của người ký")
    ISSUED = "issued", _("Bản phát hành (đã ký số của cơ quan)")
    RECEIVED = "received", _("Bản nhận")


def _file_upload(instance, filename: str) -> str:
    return f"documents/{instance.document.uid}/{instance.sha256[:16]}-{filename}"


class DocumentFile(models.Model):
    """Tệp văn bản — immutable: each version, signature and seal adds a row; `is_current` marks the ones in force."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(_("loại tệp"), max_length=10, choices=FileRole.choices)
    stage = models.CharField(_("giai đoạn"), max_length=10, choices=FileStage.choices)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_current = models.BooleanField(default=True)
    file = models.FileField(upload_to=_file_upload, max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp văn bản")
        verbose_name_plural = _("tệp văn bản")
        ordering = ["document_id", "role", "position", "-version"]
        indexes = [models.Index(fields=["document", "is_current"])]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.version})"


class DocumentText(models.Model):
    """The searchable text of a document: its metadata and the text of its PDFs, folded for accent-free search."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, primary_key=True, related_name="text")
    content = models.TextField(blank=True)
    folded = models.TextField(blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    needs_extraction = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("nội dung tìm kiếm")
        verbose_name_plural = _("nội dung tìm kiếm")
        indexes = [models.Index(fields=["needs_extraction"])]

    def __str__(self) -> str:
        return f"text of {self.document_id}"
