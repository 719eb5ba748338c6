"""Trùng lặp nhiệm vụ: pairs of tasks that describe the same work, for the committee to link or dismiss."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OverlapStatus(models.TextChoices):
    OPEN = "open", _("Chờ xem xét")
    LINKED = "linked", _("Đã liên kết")
    DISMISSED = "dismissed", _("Không trùng")


class OverlapCandidate(models.Model):
    """Cặp đầu việc có thể trùng lặp — `task_a` has the smaller id, so a pair is stored once."""

    task_a = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="+")
    task_b = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("mức tương đồng"))
    same_plan = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=OverlapStatus.choices, default=OverlapStatus.OPEN)
    note = models.CharField(_("ghi chú"), max_length=1000, blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task_a", "task_b"], name="overlap_pair_once"),
            models.CheckConstraint(condition=models.Q(task_a__lt=models.F("task_b")), name="overlap_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.task_a_id} ~ {self.task_b_id} ({self.score:.2f})"
