"""Ban Chỉ đạo: a steering committee, its members and the history of membership changes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CommitteeRole(models.TextChoices):
    HEAD = "head", _("Trưởng ban")
    STANDING_DEPUTY = "standing_deputy", _("Phó Trưởng ban thường trực")
    DEPUTY = "deputy", _("Phó Trưởng ban")
    MEMBER = "member", _("Ủy viên")
    SECRETARY = "secretary", _("Tổ giúp việc, thư ký")


# Display order of the roles in a member list and on the minutes.
ROLE_ORDER = {role: i for i, role in enumerate(CommitteeRole.values)}


def _committee_upload(instance, filename: str) -> str:
    return f"plans/committees/{filename}"


class SteeringCommittee(models.Model):
    """Ban Chỉ đạo — established by a decision, for one organisation."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="steering_committees",
        verbose_name=_("cơ quan"),
    )
    name = models.CharField(_("tên Ban Chỉ đạo"), max_length=300)
    decision_number = models.CharField(_("số, ký hiệu quyết định thành lập"), max_length=50)
    decision_date = models.DateField(_("ngày quyết định"))
    decision_issuer = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan ban hành quyết định"),
    )
    decision_signer = models.CharField(_("người ký quyết định"), max_length=150, blank=True)
    decision_file = models.FileField(_("tệp quyết định (PDF)"), upload_to=_committee_upload, blank=True)
    regulation_number = models.CharField(_("số, ký hiệu quy chế hoạt động"), max_length=50, blank=True)
    regulation_date = models.DateField(_("ngày ban hành quy chế"), null=True, blank=True)
    regulation_file = models.FileField(_("tệp quy chế hoạt động (PDF)"), upload_to=_committee_upload, blank=True)
    duties = models.TextField(_("nhiệm vụ, quyền hạn"), blank=True)
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Ban Chỉ đạo")
        verbose_name_plural = _("Ban Chỉ đạo")
        constraints = [
            models.UniqueConstraint(
                fields=["decision_issuer", "decision_number"], name="committee_decision_unique_per_issuer"
            ),
        ]
        indexes = [models.Index(fields=["decision_date"])]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """Thành viên Ban Chỉ đạo — a person, their committee role, own position and the areas they follow."""

    committee = models.ForeignKey(SteeringCommittee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_memberships",
        verbose_name=_("tài khoản"),
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    role = models.CharField(_("chức danh trong Ban"), max_length=20, choices=CommitteeRole.choices)
    position = models.CharField(_("chức vụ"), max_length=200)
    member_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan công tác"),
    )
    part_time = models.BooleanField(_("kiêm nhiệm"), default=True)
    responsibilities = models.TextField(_("nhiệm vụ được phân công"), blank=True)
    followed_units = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="followed_by_committee_members",
        verbose_name=_("đơn vị, lĩnh vực theo dõi"),
    )
    joined_on = models.DateField(_("từ ngày"))
    left_on = models.DateField(_("đến ngày"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành viên Ban Chỉ đạo")
        verbose_name_plural = _("thành viên Ban Chỉ đạo")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("joined_on")),
                name="committee_member_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.get_role_display()}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class MembershipChange(models.Model):
    """Lịch sử thay đổi thành viên — who joined, changed role or left, when, and by which decision."""

    class Kind(models.TextChoices):
        # A context of their own: the same words are buttons elsewhere ("add member", "leave").
        JOINED = "joined", pgettext_lazy("lịch sử thành viên", "Bổ sung thành viên")
        CHANGED = "changed", _("Thay đổi chức danh, nhiệm vụ")
        LEFT = "left", pgettext_lazy("lịch sử thành viên", "Thôi tham gia")

    committee = models.ForeignKey(SteeringCommittee, on_delete=models.CASCADE, related_name="membership_changes")
    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    effective_on = models.DateField(_("ngày hiệu lực"))
    decision_number = models.CharField(_("theo quyết định số"), max_length=50, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi thành viên")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.effective_on}"
