from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from egov.organisations.identifiers import CodeStyle


class Level(models.TextChoices):
    MINISTRY = "ministry", _("Bộ, cơ quan ngang bộ")
    GOVERNMENT_AGENCY = "government_agency", _("Cơ quan thuộc Chính phủ")
    PROVINCE = "province", _("Tỉnh, thành phố trực thuộc Trung ương")
    DEPARTMENT = "department", _("Sở, ban, ngành cấp tỉnh")
    DISTRICT = "district", _("Huyện, quận, thị xã, thành phố thuộc tỉnh")
    COMMUNE = "commune", _("Xã, phường, thị trấn")
    UNIT = "unit", _("Đơn vị trực thuộc")


# Which level may sit under which: None means "at the top of the tree".
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    Level.MINISTRY: {None},
    Level.GOVERNMENT_AGENCY: {None},
    Level.PROVINCE: {None},
    Level.DEPARTMENT: {Level.PROVINCE},
    Level.DISTRICT: {Level.PROVINCE},
    # Communes sit under a district, or directly under the province where districts were abolished (2025).
    Level.COMMUNE: {Level.DISTRICT, Level.PROVINCE},
    Level.UNIT: {
        Level.MINISTRY,
        Level.GOVERNMENT_AGENCY,
        Level.PROVINCE,
        Level.DEPARTMENT,
        Level.DISTRICT,
        Level.COMMUNE,
        Level.UNIT,
    },
}


class Organisation(MP_Node):
    """Cơ quan, tổ chức, đơn vị — an agency or one of its internal units, in one tree."""

    steplen = 4

    code = models.CharField(_("mã định danh"), max_length=35, unique=True)
    code_style = models.CharField(_("kiểu mã định danh"), max_length=10, choices=CodeStyle.choices)
    name = models.CharField(_("tên đầy đủ"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    abbreviation = models.CharField(_("chữ viết tắt trong ký hiệu văn bản"), max_length=20, blank=True)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    fax = models.CharField(_("fax"), max_length=50, blank=True)
    email = models.EmailField(_("thư điện tử"), max_length=254, blank=True)
    website = models.URLField(_("trang thông tin điện tử"), max_length=200, blank=True)
    active_from = models.DateField(_("hoạt động từ ngày"), null=True, blank=True)
    active_to = models.DateField(_("hoạt động đến ngày"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True)
                | models.Q(active_from__isnull=True)
                | models.Q(active_to__gte=models.F("active_from")),
                name="organisation_active_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["level"])]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to
        )

    @property
    def is_active(self) -> bool:
        return self.is_active_on()

    @property
    def parent_path(self) -> str | None:
        return self.path[: -self.steplen] or None

    def parent_node(self) -> Organisation | None:
        """The parent, read fresh from the database (None at the top of the tree)."""
        if self.depth <= 1:
            return None
        return type(self).objects.filter(path=self.path[: -self.steplen]).first()

    def ancestor_paths(self) -> list[str]:
        """Paths of the ancestors, from the root down (no query)."""
        return [self.path[:i] for i in range(self.steplen, len(self.path), self.steplen)]
