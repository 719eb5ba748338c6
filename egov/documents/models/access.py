"""Access to documents: explicit grants (required for secret documents) and the access history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessGrant(models.Model):
    """Quyền truy cập văn bản — explicitly granted to a person; changes are audited and alerted (App. VI III.3)."""

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="grants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="document_grants", verbose_name=_("người")
    )
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The change stays flagged until a leader of the organisation confirms it.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("quyền truy cập văn bản")
        verbose_name_plural = _("quyền truy cập văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "person"], condition=models.Q(revoked_at__isnull=True), name="grant_active_unique"
            ),
        ]
        indexes = [models.Index(fields=["person", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.person_id}"


class AccessAction(models.TextChoices):
    VIEW = "view", _("Xem")
    DOWNLOAD = "download", _("Tải về")
    PRINT = "print", _("In")


class AccessLog(models.Model):
    """Lịch sử truy cập — every view and download of a document (Appendix VI III.5a, III.6l)."""

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="access_log")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_label = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    file = models.ForeignKey("documents.DocumentFile", on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lượt truy cập văn bản")
        verbose_name_plural = _("lượt truy cập văn bản")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["document", "at"])]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.document_id}"
