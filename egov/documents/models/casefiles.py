"""Hồ sơ: the organisation's yearly file catalogue and the documents filed in each file (without copies)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseFileState(models.TextChoices):
    OPEN = "open", _("Đang lập")
    CLOSED = "closed", _("Đã kết thúc")
    ARCHIVED = "archived", _("Đã nộp lưu")


class CaseFile(models.Model):
    """Hồ sơ — an entry of the Danh mục hồ sơ (Appendix VI Part II §III: FileCode, Title, Maintenance…)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="case_files", verbose_name=_("cơ quan")
    )
    year = models.PositiveSmallIntegerField(_("năm hình thành hồ sơ"))
    notation = models.CharField(_("số và ký hiệu hồ sơ"), max_length=20)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị lập hồ sơ"),
    )
    maintenance = models.CharField(_("thời hạn bảo quản"), max_length=30)
    rights = models.CharField(_("chế độ sử dụng"), max_length=30, blank=True)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="case_files",
        verbose_name=_("người lập hồ sơ"),
    )
    language = models.CharField(_("ngôn ngữ"), max_length=50, default="Tiếng Việt")
    start_date = models.DateField(_("thời gian bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("thời gian kết thúc"), null=True, blank=True)
    description = models.CharField(_("ghi chú"), max_length=500, blank=True)
    archive_due_on = models.DateField(_("hạn nộp lưu"), null=True, blank=True)
    archive_notice_sent_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(_("tình trạng"), max_length=10, choices=CaseFileState.choices, default="open")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["organisation_id", "-year", "notation"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "notation"], name="case_file_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.file_code} — {self.title}"

    @property
    def file_code(self) -> str:
        """Mã hồ sơ: OrganId.FileCatalog.FileNotation (Appendix VI Part II §III, field 1)."""
        return f"{self.organisation.code}.{self.year}.{self.notation}"


class CaseFileItem(models.Model):
    """A document filed in a hồ sơ, with its order number there (DocOrdinal); the document is not copied."""

    case_file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="case_file_items")
    ordinal = models.PositiveSmallIntegerField(_("số thứ tự trong hồ sơ"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản trong hồ sơ")
        verbose_name_plural = _("văn bản trong hồ sơ")
        ordering = ["case_file_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["case_file", "document"], name="case_file_item_unique"),
            models.UniqueConstraint(fields=["case_file", "ordinal"], name="case_file_ordinal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_file_id}#{self.ordinal}"


class SavedSearch(models.Model):
    """Yêu cầu tìm kiếm đã lưu (Appendix VI III.6e)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("tên"), max_length=100)
    query = models.CharField(_("từ khóa"), max_length=500, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tìm kiếm đã lưu")
        verbose_name_plural = _("tìm kiếm đã lưu")
        ordering = ["owner_id", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_search_name_unique")]

    def __str__(self) -> str:
        return self.name
