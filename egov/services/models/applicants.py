"""Applicants (người nộp hồ sơ): a citizen's or a business's details, used to prefill application forms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp, tổ chức")


class ApplicantProfile(models.Model):
    """Hồ sơ người dùng dịch vụ công — the details a form is prefilled from; the account is the User."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_profile")
    kind = models.CharField(_("đối tượng"), max_length=10, choices=ApplicantKind.choices)
    # Số định danh cá nhân (12 digits) for a citizen, mã số doanh nghiệp (10 or 13 digits) for a business.
    id_number = models.CharField(_("số định danh cá nhân / mã số doanh nghiệp"), max_length=20, blank=True)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    organisation_name = models.CharField(_("tên doanh nghiệp, tổ chức"), max_length=300, blank=True)
    representative = models.CharField(_("người đại diện theo pháp luật"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("người dùng dịch vụ công")
        verbose_name_plural = _("người dùng dịch vụ công")

    def __str__(self) -> str:
        return str(self.user)
