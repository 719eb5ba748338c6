"""Progress of a task: reports, evidence, completion reviews, deadline changes, urges and the task timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    LEAD = "lead", _("Báo cáo của đơn vị chủ trì")
    CONTRIBUTION = "contribution", _("Ý kiến của đơn vị phối hợp")


class ProgressReport(models.Model):
    """Báo cáo tiến độ — by the lead unit (with a percent) or a contribution by a cooperating unit."""

    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=15, choices=ReportKind.choices)
    unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị báo cáo")
    )
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), null=True, blank=True)
    previous_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    narrative = models.TextField(_("nội dung, kết quả thực hiện"))
    products = models.TextField(_("sản phẩm đã hoàn thành"), blank=True)
    reason = models.CharField(_("lý do điều chỉnh giảm tiến độ"), max_length=1000, blank=True)
    requests_completion = models.BooleanField(_("đề nghị xác nhận hoàn thành"), default=False)
    reported_on = models.DateField(_("ngày báo cáo"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["task_id", "-reported_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True) | models.Q(percent__lte=100), name="report_percent_at_most_100"
            ),
        ]
        indexes = [models.Index(fields=["task", "reported_on"])]

    def __str__(self) -> str:
        return f"{self.task_id} — {self.reported_on} — {self.percent}%"


def _evidence_upload(instance, filename: str) -> str:
    return f"plans/evidence/{instance.report.task_id}/{filename}"


class ProgressEvidence(models.Model):
    """Tài liệu minh chứng — a file attached to a progress report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_upload)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ReviewDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Xác nhận hoàn thành")
    RETURNED = "returned", _("Trả lại, yêu cầu tiếp tục thực hiện")


class CompletionReview(models.Model):
    """Xác nhận hoàn thành — a leader confirms the lead unit's completion report or sends it back."""

    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="reviews")
    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    comment = models.CharField(_("ý kiến"), max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} — {self.decision}"


class DeadlineChange(models.Model):
    """Điều chỉnh thời hạn — the old and new deadline, why, and the meeting that decided it, if any."""

    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="deadline_changes")
    old_text = models.CharField(max_length=100)
    old_due_date = models.DateField(null=True)
    new_text = models.CharField(max_length=100)
    new_due_date = models.DateField()
    reason = models.CharField(_("lý do"), max_length=1000)
    meeting = models.ForeignKey(
        "plans.ReviewMeeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="deadline_changes"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.old_text} → {self.new_text}"


class UrgeKind(models.TextChoices):
    MANUAL = "manual", _("Đôn đốc")
    DUE_SOON = "due_soon", _("Nhắc sắp đến hạn")
    OVERDUE = "overdue", _("Nhắc quá hạn")


class Urge(models.Model):
    """Đôn đốc — who urged which unit about which task, when, with what message (manual or scheduled)."""

    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="urges")
    kind = models.CharField(max_length=10, choices=UrgeKind.choices)
    milestone = models.CharField(max_length=40, blank=True)
    to_unit = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    recipients = models.JSONField(default=list)
    message = models.TextField(_("nội dung đôn đốc"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đôn đốc")
        ordering = ["-at", "-pk"]
        constraints = [
            # A scheduled reminder is sent once per milestone however often the job runs.
            models.UniqueConstraint(
                fields=["task", "kind", "milestone"],
                condition=~models.Q(kind="manual"),
                name="urge_once_per_milestone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} — {self.kind} — {self.at}"


class ReminderDigest(models.Model):
    """Bản tổng hợp hằng tuần — one weekly digest per committee and week, sent once."""

    committee = models.ForeignKey("plans.SteeringCommittee", on_delete=models.CASCADE, related_name="digests")
    week_start = models.DateField()
    recipients = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "week_start"], name="digest_once_per_week")]

    def __str__(self) -> str:
        return f"{self.committee_id} — {self.week_start}"


class TaskEvent(models.Model):
    """Lịch sử đầu việc — every change to a task, in order, for the task's timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Tạo đầu việc")
        UPDATED = "updated", _("Sửa đầu việc")
        REPORTED = "reported", _("Báo cáo tiến độ")
        CONTRIBUTED = "contributed", _("Đơn vị phối hợp báo cáo")
        CONFIRMED = "confirmed", _("Xác nhận hoàn thành")
        RETURNED = "returned", _("Trả lại")
        DEADLINE_CHANGED = "deadline_changed", _("Điều chỉnh thời hạn")
        URGED = "urged", _("Đôn đốc")
        REMINDED = "reminded", _("Nhắc việc tự động")
        DROPPED = "dropped", _("Dừng thực hiện")
        LINKED = "linked", _("Liên kết")

    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.CharField(max_length=1000)
    data = models.JSONField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    by_label = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.summary
