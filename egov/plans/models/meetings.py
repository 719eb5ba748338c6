"""Họp định kỳ: review meetings of a committee, their agenda and their conclusions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Dự kiến")
    HELD = "held", _("Đã họp")
    CONCLUDED = "concluded", _("Đã ban hành kết luận")


class ReviewMeeting(models.Model):
    """Cuộc họp rà soát định kỳ — agenda pre-filled with the unfinished and overdue tasks."""

    committee = models.ForeignKey("plans.SteeringCommittee", on_delete=models.PROTECT, related_name="meetings")
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("kế hoạch"),
    )
    title = models.CharField(_("tên cuộc họp"), max_length=300)
    held_at = models.DateTimeField(_("thời gian họp"))
    location = models.CharField(_("địa điểm"), max_length=300, blank=True)
    chair_name = models.CharField(_("người chủ trì"), max_length=200)
    participants = models.TextField(_("thành phần tham dự"), blank=True)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField(_("nội dung biên bản"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("cuộc họp rà soát")
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    """Một đầu việc đưa ra rà soát — with its status, percent and due date as they stood when listed."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="agenda")
    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="+")
    status_then = models.CharField(max_length=20)
    percent_then = models.PositiveSmallIntegerField(default=0)
    due_date_then = models.DateField(null=True)
    note = models.CharField(max_length=1000, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "task"], name="agenda_task_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id} — {self.task_id}"


class ConclusionKind(models.TextChoices):
    GENERAL = "general", _("Kết luận chung")
    CHANGE_DEADLINE = "change_deadline", _("Điều chỉnh thời hạn")
    ADD_TASK = "add_task", _("Bổ sung đầu việc")
    CLOSE_TASK = "close_task", _("Kết thúc đầu việc (đã hoàn thành)")
    DROP_TASK = "drop_task", _("Dừng thực hiện đầu việc")


class MeetingConclusion(models.Model):
    """Kết luận — a conclusion of the meeting; those about a task are applied to it when recorded."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="conclusions")
    kind = models.CharField(max_length=20, choices=ConclusionKind.choices)
    task = models.ForeignKey("plans.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(_("nội dung kết luận"))
    new_deadline_text = models.CharField(max_length=100, blank=True)
    reason = models.CharField(_("lý do"), max_length=1000, blank=True)
    order = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
