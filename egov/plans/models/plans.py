"""Kế hoạch and đầu việc: a plan implementing a resolution, and its tree of sections and tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
    AMENDED = "amended", _("Đã sửa đổi, bổ sung")
    CLOSED = "closed", _("Đã kết thúc")


# The plan lifecycle: from-state → the states it may move to.
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.ISSUED}),
    PlanStatus.ISSUED: frozenset({PlanStatus.AMENDED, PlanStatus.CLOSED}),
    PlanStatus.AMENDED: frozenset({PlanStatus.AMENDED, PlanStatus.CLOSED}),
    PlanStatus.CLOSED: frozenset(),
}
# States in which tasks are being carried out (reports, reminders, dashboards count them).
ACTIVE_PLAN_STATES = (PlanStatus.ISSUED, PlanStatus.AMENDED)


def _plan_upload(instance, filename: str) -> str:
    return f"plans/plans/{filename}"


class Plan(models.Model):
    """Kế hoạch — issued by a decision, implementing a source (e.g. Nghị quyết 17/NQ-CP), for a period."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="plans", verbose_name=_("cơ quan")
    )
    committee = models.ForeignKey(
        "plans.SteeringCommittee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("Ban Chỉ đạo theo dõi"),
    )
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    number = models.CharField(_("số, ký hiệu"), max_length=50, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan ban hành"),
    )
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    source_title = models.CharField(_("văn bản được triển khai"), max_length=500, blank=True)
    source_number = models.CharField(_("số, ký hiệu văn bản được triển khai"), max_length=50, blank=True)
    source_date = models.DateField(_("ngày của văn bản được triển khai"), null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(_("giai đoạn từ năm"))
    period_end = models.PositiveSmallIntegerField(_("đến năm"))
    orientation_year = models.PositiveSmallIntegerField(_("định hướng đến năm"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    due_soon_days = models.PositiveSmallIntegerField(
        _("số ngày làm việc báo sắp đến hạn"),
        default=5,
        help_text=_("Đầu việc chuyển sang “sắp đến hạn” và được nhắc trước hạn chừng này ngày làm việc."),
    )
    recurring_report_days = models.PositiveSmallIntegerField(
        _("chu kỳ báo cáo nhiệm vụ thường xuyên (ngày)"), default=92
    )
    file = models.FileField(_("tệp kế hoạch (PDF)"), upload_to=_plan_upload, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="plan_period_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(orientation_year__isnull=True)
                | models.Q(orientation_year__gte=models.F("period_end")),
                name="plan_orientation_after_period",
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["issued_on"])]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}" if self.number else self.title

    @property
    def last_year(self) -> int:
        """The last year a task of the plan may be due in (its orientation year when it has one)."""
        return self.orientation_year or self.period_end

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_PLAN_STATES

    @property
    def is_editable(self) -> bool:
        return self.status != PlanStatus.CLOSED


class PlanTransition(models.Model):
    """One step of a plan's lifecycle, with the decision that caused it (e.g. an amending decision)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=PlanStatus.choices)
    to_status = models.CharField(max_length=10, choices=PlanStatus.choices)
    decision_number = models.CharField(_("theo quyết định số"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    reason = models.CharField(_("lý do"), max_length=1000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.from_status} → {self.to_status}"


class TaskKind(models.TextChoices):
    SECTION = "section", _("Mục")
    TASK = "task", _("Đầu việc")


class DeadlineKind(models.TextChoices):
    DATE = "date", _("Ngày")
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    YEAR = "year", _("Năm")
    YEAR_RANGE = "year_range", _("Giai đoạn")
    RECURRING = "recurring", _("Thường xuyên")


class Priority(models.TextChoices):
    HIGH = "high", _("Trọng tâm")
    NORMAL = "normal", _("Bình thường")
    LOW = "low", _("Thấp")


class Task(models.Model):
    """Đầu việc (nhiệm vụ) — or a section (mục) grouping them — in a plan's tree.

    The deadline is kept as written (kind, year, month or quarter) and resolved to a concrete `due_date`
    with the working calendar; `window_start` is the first day of the deadline's period (a task finished
    before it is early), `due_soon_from` the first day it counts as due soon. `percent`, `last_report_on`
    and `completed_on` are kept by the progress services so that status is one SQL expression.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("thuộc mục")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=TaskKind.choices, default=TaskKind.TASK)
    number = models.CharField(_("STT"), max_length=20, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    sort_key = models.CharField(max_length=255, default="", db_index=True)
    title = models.CharField(_("nhiệm vụ"), max_length=2000)
    product = models.CharField(_("sản phẩm"), max_length=2000, blank=True)
    lead_unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
        verbose_name=_("đơn vị chủ trì"),
    )
    cooperating_units = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="cooperating_tasks", verbose_name=_("đơn vị phối hợp")
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_plan_tasks",
        verbose_name=_("lãnh đạo phụ trách"),
    )
    priority = models.CharField(_("mức ưu tiên"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    deadline_kind = models.CharField(_("loại thời hạn"), max_length=12, choices=DeadlineKind.choices, blank=True)
    deadline_date = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    deadline_year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    deadline_part = models.PositiveSmallIntegerField(_("tháng hoặc quý"), null=True, blank=True)
    deadline_start_year = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    deadline_text = models.CharField(_("thời gian hoàn thành"), max_length=100, blank=True)
    window_start = models.DateField(null=True, blank=True)
    due_date = models.DateField(_("hạn hoàn thành"), null=True, blank=True, db_index=True)
    due_soon_from = models.DateField(null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    last_report_on = models.DateField(_("báo cáo gần nhất"), null=True, blank=True)
    # Recurring work: the day by which the next report is due (last report or issue date + the plan's cycle).
    report_due = models.DateField(null=True, blank=True)
    completion_requested = models.BooleanField(_("đề nghị xác nhận hoàn thành"), default=False)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    dropped_on = models.DateField(_("ngày dừng thực hiện"), null=True, blank=True)
    dropped_reason = models.CharField(_("lý do dừng thực hiện"), max_length=1000, blank=True)
    folded_text = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đầu việc")
        verbose_name_plural = _("đầu việc")
        ordering = ["plan_id", "sort_key"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="task_percent_at_most_100"),
            models.CheckConstraint(
                condition=models.Q(kind="section") | models.Q(lead_unit__isnull=False), name="task_has_lead_unit"
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "kind"]),
            models.Index(fields=["lead_unit", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    @property
    def is_section(self) -> bool:
        return self.kind == TaskKind.SECTION


class TaskLink(models.Model):
    """Văn bản liên quan — a document (by number and symbol, later by reference) or another task linked to a task."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Văn bản")
        RELATED_TASK = "related_task", _("Đầu việc liên quan")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    document_number = models.CharField(_("số, ký hiệu văn bản"), max_length=50, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500, blank=True)
    url = models.URLField(_("địa chỉ"), max_length=500, blank=True)
    related_task = models.ForeignKey(Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.document_number or self.title or str(self.related_task_id)
