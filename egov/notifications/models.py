"""In-app notices and the e-mail copy of each, shared by every module."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailState(models.TextChoices):
    NONE = "none", _("Không gửi thư")
    PENDING = "pending", _("Chờ gửi thư")
    SENT = "sent", _("Đã gửi thư")
    FAILED = "failed", _("Gửi thư lỗi")


class Notification(models.Model):
    """Thông báo — one notice to one person, shown in the app and, when they have an address, e-mailed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    topic = models.CharField(max_length=50)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"))
    url = models.CharField(max_length=500, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.NONE)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["email_state"]),
        ]

    def __str__(self) -> str:
        return self.title


class PeriodicRun(models.Model):
    """Lần chạy định kỳ — one scheduled job for one period (a day, a week), claimed by the worker that enqueues it.

    The unique row is what keeps two workers, or a worker restarted the same day, from starting a run twice.
    """

    job = models.CharField(max_length=50)
    period = models.CharField(max_length=40)
    task_id = models.CharField(max_length=64, blank=True)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần chạy định kỳ")
        ordering = ["-enqueued_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="periodic_run_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
