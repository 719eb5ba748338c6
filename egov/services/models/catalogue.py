"""The procedure catalogue (danh mục thủ tục hành chính): procedures and their dated versions."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GovernmentLevel(models.TextChoices):
    CENTRAL = "central", _("Cấp trung ương")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", pgettext_lazy("time unit", "giờ làm việc")  # not the office hours


class OnlineClass(models.TextChoices):
    """Decree 42/2022, kept by Decree 224/2026: the old levels 3 and 4 became these two classes."""

    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã công bố")
    WITHDRAWN = "withdrawn", _("Đã bãi bỏ")


class ServiceField(models.Model):
    """Lĩnh vực — the field a procedure belongs to (hộ tịch, đất đai, đầu tư...)."""

    code = models.CharField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """Thủ tục hành chính — the stable identity; what it requires lives in its versions."""

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    field = models.ForeignKey(
        ServiceField, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("lĩnh vực")
    )
    level = models.CharField(_("cấp thực hiện"), max_length=20, choices=GovernmentLevel.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(models.Model):
    """Một phiên bản thủ tục — what the procedure requires from its effective date (a decision publishes it)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    state = models.CharField(_("trạng thái"), max_length=20, choices=VersionState.choices, default=VersionState.DRAFT)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    # Who receives it: the organisations (by identifier code) that run it; empty = every organisation of its level.
    receiving_agency = models.CharField(_("cơ quan tiếp nhận"), max_length=300)
    agency_codes = models.JSONField(_("mã cơ quan thực hiện"), default=list, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    decision = models.CharField(_("quyết định công bố"), max_length=200, blank=True)
    effective_from = models.DateField(_("hiệu lực từ ngày"))
    effective_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    processing_time = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)]
    )
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, choices=TimeUnit.choices)
    result_type = models.CharField(_("kết quả thực hiện"), max_length=300)
    online_class = models.CharField(_("dịch vụ công trực tuyến"), max_length=10, choices=OnlineClass.choices)
    partial_reason = models.TextField(_("lý do chỉ cung cấp một phần"), blank=True)
    # The application form as data: a JSON Schema (draft 2020-12) and UI hints (steps, widgets, prefill).
    form_schema = models.JSONField(_("biểu mẫu điện tử"), default=dict, blank=True)
    form_ui = models.JSONField(_("gợi ý hiển thị biểu mẫu"), default=dict, blank=True)
    # Code, name, field and agency without diacritics, lower case: the public catalogue's search reads it.
    folded = models.TextField(editable=False, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_number_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="procedure_version_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class RequiredDocument(models.Model):
    """Thành phần hồ sơ — one paper the applicant hands in, with how many copies and its template."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="required_documents")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(_("mã thành phần"), max_length=60)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    template_name = models.CharField(_("mẫu đơn, tờ khai"), max_length=300, blank=True)
    template_url = models.URLField(_("địa chỉ tải mẫu"), max_length=500, blank=True)
    # What an online upload may be: media types and the largest size accepted.
    accepted_types = models.JSONField(_("định dạng chấp nhận"), default=list, blank=True)
    max_bytes = models.PositiveIntegerField(_("dung lượng tối đa"), default=10 * 1024 * 1024)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="required_document_key_unique")]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """Phí, lệ phí — an amount the applicant pays (VND), with the instrument that sets it."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Phí")
        CHARGE = "charge", _("Lệ phí")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("nội dung"), max_length=300)
    amount = models.PositiveBigIntegerField(_("mức thu (đồng)"))
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount} đồng"


class StepKind(models.TextChoices):
    INTAKE = "intake", _("Tiếp nhận")
    APPRAISAL = "appraisal", _("Thẩm định")
    UNIT_REVIEW = "unit_review", _("Lãnh đạo phòng xem xét")
    APPROVAL = "approval", _("Lãnh đạo cơ quan phê duyệt, ký")
    OTHER_AGENCY = "other_agency", _("Lấy ý kiến, chuyển cơ quan khác")
    RETURN = "return", _("Trả kết quả")


class RouteStep(models.Model):
    """Bước xử lý — one step of the procedure's route, with its share of the processing time."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="route")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("loại bước"), max_length=20, choices=StepKind.choices)
    name = models.CharField(_("tên bước"), max_length=200)
    budget = models.DecimalField(_("thời gian"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)])
    role = models.CharField(_("vai trò thực hiện"), max_length=30, blank=True)
    agency_code = models.CharField(_("cơ quan phối hợp"), max_length=35, blank=True)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="route_step_position_unique")]

    def __str__(self) -> str:
        return self.name
