"""Dossiers (hồ sơ thủ tục hành chính): what an applicant hands in, its clock, its route and its timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierState(models.TextChoices):
    SUBMITTED = "submitted", _("Mới đăng ký")
    RECEIVED = "received", _("Đã tiếp nhận")
    REFUSED = "refused", _("Không được tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung giấy tờ")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    RESOLVED = "resolved", _("Đã xử lý xong")
    RETURNED = "returned", _("Đã trả kết quả")


# The national public-service portal's status codes (1–10) for each state.
NATIONAL_STATUS = {
    DossierState.SUBMITTED: 1,
    DossierState.RECEIVED: 2,
    DossierState.REFUSED: 3,
    DossierState.PROCESSING: 4,
    DossierState.SUPPLEMENT: 5,
    DossierState.AWAITING_PAYMENT: 6,
    DossierState.WITHDRAWN: 7,
    DossierState.STOPPED: 8,
    DossierState.RESOLVED: 9,
    DossierState.RETURNED: 10,
}
FINAL_STATES = frozenset({DossierState.REFUSED, DossierState.WITHDRAWN, DossierState.STOPPED, DossierState.RETURNED})
# The GOV.UK tag colour each state is shown with, wherever a dossier's state appears.
STATE_TAGS = {
    DossierState.SUBMITTED: "blue",
    DossierState.RECEIVED: "turquoise",
    DossierState.PROCESSING: "light-blue",
    DossierState.SUPPLEMENT: "yellow",
    DossierState.AWAITING_PAYMENT: "orange",
    DossierState.RESOLVED: "green",
    DossierState.RETURNED: "grey",
    DossierState.REFUSED: "red",
    DossierState.WITHDRAWN: "grey",
    DossierState.STOPPED: "red",
}


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp")
    POSTAL = "postal", _("Bưu chính")


class ResultDelivery(models.TextChoices):
    ONLINE = "online", _("Nhận trực tuyến")
    COUNTER = "counter", _("Nhận tại bộ phận một cửa")
    POST = "post", _("Nhận qua bưu chính")


class Dossier(models.Model):
    """Hồ sơ — one application for one procedure version, received by one agency."""

    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    agency = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("cơ quan")
    )
    version = models.ForeignKey(
        "services.ProcedureVersion", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("thủ tục")
    )
    state = models.CharField(_("trạng thái"), max_length=20, choices=DossierState.choices)
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"), max_length=10, choices=ResultDelivery.choices, default=ResultDelivery.COUNTER
    )
    # The applicant: an account for online dossiers; the details as given, always (a counter dossier has no account).
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    applicant_name = models.CharField(_("người nộp"), max_length=200)
    applicant_id_number = models.CharField(_("số định danh cá nhân / mã số doanh nghiệp"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    form_data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    # A secret printed on the receipt: with the code, it lets anyone holding the receipt look the dossier up.
    lookup_secret = models.CharField(max_length=12)
    # The clock (Decree 61/2018 Art. 18–20).
    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    counted_from = models.DateField(_("tính thời hạn từ ngày"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    first_due_at = models.DateTimeField(_("hẹn trả lần đầu"), null=True, blank=True)
    supplement_requested_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    apologies = models.PositiveSmallIntegerField(default=0)
    resolved_at = models.DateTimeField(_("thời điểm xử lý xong"), null=True, blank=True)
    # Early / on time / late, fixed when resolved (the statistics count it without date arithmetic).
    resolved_timeliness = models.CharField(max_length=10, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    fee_total = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    current_step = models.PositiveSmallIntegerField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "state", "due_at"]),
            models.Index(fields=["applicant", "-submitted_at"]),
            models.Index(fields=["agency", "received_at"]),
            models.Index(fields=["agency", "resolved_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="dossier_idempotency_unique",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def national_status(self) -> int:
        return NATIONAL_STATUS[self.state]


class DossierRating(models.Model):
    """Đánh giá mức độ hài lòng — the applicant's rating of a completed dossier (1 to 5), once."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"))
    comment = models.CharField(_("góp ý"), max_length=1000, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="dossier_rating_score_1_5")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"


class DossierSequence(models.Model):
    """The last XXXX of `<OrganId>-YYMMDD-XXXX` handed out for an agency on a day; locked while one is taken."""

    agency = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.day:%y%m%d}: {self.last_number}"


class DossierFile(models.Model):
    """A paper of the dossier, uploaded or scanned at the counter, or the signed result and the forms issued."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Thành phần hồ sơ")
        FORM = "form", _("Phiếu, giấy tờ một cửa")
        RESULT = "result", _("Kết quả giải quyết")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    requirement = models.CharField(max_length=60, blank=True)  # RequiredDocument.key for a submitted paper
    form_purpose = models.CharField(max_length=20, blank=True)  # OfficialForm.Purpose for a form
    file = models.FileField(upload_to="services/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["dossier", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class DossierStep(models.Model):
    """A hand-over on the control sheet (Mẫu 05): who had the dossier, from when, until when, and on time or not."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="dossier_steps"
    )
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    # A step of another agency (StepKind.OTHER_AGENCY): the outgoing letter (công văn xin ý kiến) that carries the
    # dossier there through the exchange, and that agency's reply as registered in the incoming register.
    letter = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier_steps",
        verbose_name=_("văn bản gửi cơ quan phối hợp"),
    )
    reply = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier_replies",
        verbose_name=_("văn bản trả lời của cơ quan phối hợp"),
    )

    class Meta:
        ordering = ["dossier", "started_at", "pk"]
        constraints = [
            # One letter carries one dossier's step: a second step cannot claim a letter already sent for another.
            models.UniqueConstraint(fields=["letter"], name="dossier_step_letter_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def on_time(self) -> bool | None:
        if self.finished_at is None:
            return None
        return self.finished_at <= self.due_at


class DossierEvent(models.Model):
    """The dossier's timeline: every transition and notice, with the officer and the time (Decree 224/2026)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    state = models.CharField(max_length=20, blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_label = models.CharField(max_length=300)
    agency_name = models.CharField(max_length=200)
    note = models.CharField(max_length=2000, blank=True)
    public = models.BooleanField(default=True)  # shown on the public lookup (never with personal data)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dossier", "at", "pk"]

    def __str__(self) -> str:
        return self.kind
