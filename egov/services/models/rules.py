"""One-stop rules that come from law, kept as dated rows: the rule in force on a day is the latest row before it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OneStopRule(models.Model):
    """Quy định một cửa — the time rules of Decree 61/2018 Art. 18–20 (kept by the decrees that replaced it)."""

    effective_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    instrument = models.CharField(_("văn bản quy định"), max_length=200)
    supplement_days = models.PositiveSmallIntegerField(_("hạn yêu cầu bổ sung (ngày làm việc)"))
    apology_lead_days = models.PositiveSmallIntegerField(_("xin lỗi trước hạn ít nhất (ngày làm việc)"))
    apologies_allowed = models.PositiveSmallIntegerField(_("số lần xin lỗi, hẹn lại"))

    class Meta:
        verbose_name = _("quy định thời hạn một cửa")
        verbose_name_plural = _("quy định thời hạn một cửa")
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.instrument} ({self.effective_from:%d/%m/%Y})"


class OfficialForm(models.Model):
    """Biểu mẫu một cửa — the numbered forms of the circular in force (Mẫu 01–06 of Circular 01/2018/TT-VPCP)."""

    class Purpose(models.TextChoices):
        RECEIPT = "receipt", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
        SUPPLEMENT = "supplement", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSAL = "refusal", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
        APOLOGY = "apology", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả")
        CONTROL = "control", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")
        BOOK = "book", _("Sổ theo dõi hồ sơ")

    purpose = models.CharField(_("công dụng"), max_length=20, choices=Purpose.choices)
    effective_from = models.DateField(_("áp dụng từ ngày"))
    instrument = models.CharField(_("văn bản quy định"), max_length=200)
    number = models.CharField(_("số hiệu mẫu"), max_length=10)
    title = models.CharField(_("tên mẫu"), max_length=200)
    paper = models.CharField(_("khổ giấy"), max_length=4, choices=[("A5", "A5"), ("A4", "A4")])

    class Meta:
        verbose_name = _("biểu mẫu một cửa")
        verbose_name_plural = _("biểu mẫu một cửa")
        ordering = ["purpose", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "effective_from"], name="official_form_purpose_date_unique")
        ]

    def __str__(self) -> str:
        return f"Mẫu {self.number} — {self.title}"
