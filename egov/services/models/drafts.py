"""Online applications in progress (hồ sơ nháp): saved page by page, so an applicant can leave and come back."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationDraft(models.Model):
    """Hồ sơ nháp — what the applicant has answered and uploaded so far; becomes a dossier when submitted."""

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    version = models.ForeignKey("services.ProcedureVersion", on_delete=models.CASCADE, related_name="drafts")
    agency = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    applicant_values = models.JSONField(default=dict, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    result_delivery = models.CharField(max_length=10, blank=True)
    # Sent with the submission: pressing "Nộp hồ sơ" twice gives one dossier.
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version} — {self.applicant}"


class DraftFile(models.Model):
    """A paper uploaded to a draft (checked when uploaded, checked again at submission)."""

    draft = models.ForeignKey(ApplicationDraft, on_delete=models.CASCADE, related_name="files")
    requirement = models.CharField(max_length=60)
    file = models.FileField(upload_to="services/drafts/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draft", "requirement", "pk"]
        constraints = [models.UniqueConstraint(fields=["draft", "requirement"], name="draft_file_one_per_paper")]

    def __str__(self) -> str:
        return self.original_name
