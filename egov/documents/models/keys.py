"""Signing keys of people and organisations: where the key lives, its certificate and its signature image."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyStorage(models.TextChoices):
    PKCS12 = "pkcs12", _("Tệp khóa (PKCS#12) trên máy chủ")
    TOKEN = "token", _("Thiết bị ký số (PKCS#11)")


def _image_upload(instance, filename: str) -> str:
    return f"documents/signing-images/{filename}"


class SigningKey(models.Model):
    """Chứng thư số và khóa ký — a person's (chữ ký số cá nhân) or an organisation's (chữ ký số cơ quan)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="signing_keys"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="signing_keys"
    )
    storage = models.CharField(_("nơi lưu khóa"), max_length=10, choices=KeyStorage.choices)
    # PKCS#12: path relative to EGOV_PKI_DIR. Token: the token and key labels on the PKCS#11 module.
    path = models.CharField(max_length=300, blank=True)
    token_label = models.CharField(max_length=100, blank=True)
    key_label = models.CharField(max_length=100, blank=True)
    certificate_pem = models.TextField()
    subject_name = models.CharField(_("chủ thể chứng thư"), max_length=300)
    not_after = models.DateTimeField(_("hiệu lực đến"))
    image = models.FileField(_("hình ảnh chữ ký / con dấu"), upload_to=_image_upload, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khóa ký số")
        verbose_name_plural = _("khóa ký số")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False, organisation__isnull=True))
                | (models.Q(person__isnull=True, organisation__isnull=False)),
                name="signing_key_one_holder",
            ),
        ]

    def __str__(self) -> str:
        return self.subject_name
