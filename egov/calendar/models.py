"""Working-calendar data that law and decisions change: day swaps, office hours, the receipt cut-off."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Monday first, as date.weekday() counts.
WEEKDAY_NAMES = (
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ nhật"),
)


class DayKind(models.TextChoices):
    WORKING_DAY = "working_day", _("Ngày làm bù")
    DAY_OFF = "day_off", _("Ngày nghỉ hoán đổi")


class CalendarDay(models.Model):
    """Ngày hoán đổi, làm bù — one entry of the swap table that overrides the weekly pattern."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=DayKind.choices)
    instrument = models.CharField(
        _("văn bản quy định"),
        max_length=200,
        help_text=_("Ví dụ: Thông báo 6150/TB-BLĐTBXH năm 2024"),
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ngày hoán đổi")
        verbose_name_plural = _("ngày hoán đổi")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"


class OfficeHours(models.Model):
    """Giờ làm việc — an organisation's morning and afternoon sessions from an effective date."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="office_hours",
        verbose_name=_("cơ quan"),
        help_text=_("Để trống: giờ làm việc mặc định của toàn hệ thống."),
    )
    effective_from = models.DateField(_("áp dụng từ ngày"))
    morning_start = models.TimeField(_("buổi sáng từ"))
    morning_end = models.TimeField(_("buổi sáng đến"))
    afternoon_start = models.TimeField(_("buổi chiều từ"))
    afternoon_end = models.TimeField(_("buổi chiều đến"))
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["organisation_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "effective_from"], name="office_hours_once_per_date"),
            # NULLs are distinct in a unique constraint, so the platform default rows need their own.
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=models.Q(organisation__isnull=True),
                name="office_hours_default_once_per_date",
            ),
            models.CheckConstraint(
                condition=models.Q(morning_start__lt=models.F("morning_end"))
                & models.Q(morning_end__lte=models.F("afternoon_start"))
                & models.Q(afternoon_start__lt=models.F("afternoon_end")),
                name="office_hours_sessions_ordered",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M} (từ {self.effective_from:%d/%m/%Y})"
        )


class ReceiptCutoffRule(models.Model):
    """Giờ tiếp nhận hồ sơ — after this time a dossier counts from the next working day."""

    effective_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    cutoff = models.TimeField(_("giờ chốt tiếp nhận"))
    instrument = models.CharField(_("văn bản quy định"), max_length=200)

    class Meta:
        verbose_name = _("quy định giờ chốt tiếp nhận")
        verbose_name_plural = _("quy định giờ chốt tiếp nhận")
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.cutoff:%H:%M} (từ {self.effective_from:%d/%m/%Y}, {self.instrument})"
