"""Roles and what each may do: the one table every permission check reads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Perm(models.TextChoices):
    ORG_VIEW = "organisations.view", _("Xem cơ quan, đơn vị")
    ORG_MANAGE = "organisations.manage", _("Thêm, sửa cơ quan, đơn vị")
    PEOPLE_VIEW = "people.view", _("Xem cán bộ")
    PEOPLE_MANAGE = "people.manage", _("Thêm, sửa cán bộ")
    ROLES_ASSIGN = "roles.assign", _("Giao, thu hồi vai trò")
    AUDIT_VIEW = "audit.view", _("Xem nhật ký hệ thống")
    CALENDAR_MANAGE = "calendar.manage", _("Quản lý lịch làm việc quốc gia")
    OFFICE_HOURS_MANAGE = "calendar.office_hours", _("Quản lý giờ làm việc của cơ quan")
    API_KEYS_MANAGE = "apikeys.manage", _("Quản lý khóa API")
    PLANS_VIEW = "plans.view", _("Xem Ban Chỉ đạo, kế hoạch, nhiệm vụ")
    PLANS_MANAGE = "plans.manage", _("Quản lý Ban Chỉ đạo, kế hoạch, đầu việc, cuộc họp")
    PLANS_REPORT = "plans.report", _("Báo cáo tiến độ đầu việc của đơn vị")
    PLANS_CONFIRM = "plans.confirm", _("Xác nhận hoàn thành, điều chỉnh thời hạn đầu việc")
    PLANS_URGE = "plans.urge", _("Đôn đốc thực hiện đầu việc")
    DOCS_VIEW_ALL = "documents.view_all", _("Xem mọi văn bản không mật của cơ quan")
    DOCS_DRAFT = "documents.draft", _("Soạn thảo văn bản, lập hồ sơ")
    DOCS_REVIEW = "documents.review", _("Duyệt dự thảo của đơn vị")
    DOCS_APPROVE = "documents.approve", _("Phê duyệt, ký, thu hồi văn bản")
    DOCS_REGISTER = "documents.register", _("Vào sổ, cấp số, phát hành văn bản; quản lý danh mục hồ sơ")
    DOCS_ASSIGN = "documents.assign", _("Phân công giải quyết văn bản đến")
    DOCS_GRANT = "documents.grant", _("Cấp, thu hồi, xác nhận quyền truy cập văn bản")
    EXCHANGE_OPERATE = "exchange.operate", _("Vận hành liên thông văn bản")
    SERVICES_CATALOGUE = "services.catalogue", _("Quản lý danh mục thủ tục hành chính")
    SERVICES_INTAKE = "services.intake", _("Tiếp nhận, trả kết quả hồ sơ (bộ phận một cửa)")
    SERVICES_PROCESS = "services.process", _("Thẩm định, xử lý hồ sơ được giao")
    SERVICES_APPROVE = "services.approve", _("Phê duyệt, ký kết quả giải quyết hồ sơ")
    SERVICES_SUPERVISE = "services.supervise", _("Theo dõi, giám sát, thống kê hồ sơ của cơ quan")


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")
    ORG_ADMIN = "org_admin", _("Quản trị cơ quan")
    CLERK = "clerk", _("Văn thư")
    LEADER = "leader", _("Lãnh đạo")
    DEPUTY_LEADER = "deputy_leader", _("Phó lãnh đạo")
    SPECIALIST = "specialist", _("Chuyên viên")
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    PLAN_SECRETARY = "plan_secretary", _("Thư ký Ban Chỉ đạo (Tổ giúp việc)")
    APPLICANT = "applicant", _("Người nộp hồ sơ (công dân, doanh nghiệp)")


_STAFF_BASE = {Perm.ORG_VIEW, Perm.PEOPLE_VIEW, Perm.PLANS_VIEW, Perm.DOCS_DRAFT}
# Units carry out plan tasks: any official of the unit may report its progress.
_UNIT_WORK = {Perm.PLANS_REPORT}
_LEADERSHIP = {
    Perm.PLANS_REPORT,
    Perm.PLANS_CONFIRM,
    Perm.PLANS_URGE,
    Perm.DOCS_VIEW_ALL,
    Perm.DOCS_REVIEW,
    Perm.DOCS_APPROVE,
    Perm.DOCS_ASSIGN,
    Perm.DOCS_GRANT,
    Perm.SERVICES_APPROVE,
    Perm.SERVICES_SUPERVISE,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(Perm),
    Role.ORG_ADMIN: frozenset(
        _STAFF_BASE
        | {
            Perm.ORG_MANAGE,
            Perm.PEOPLE_MANAGE,
            Perm.ROLES_ASSIGN,
            Perm.AUDIT_VIEW,
            Perm.OFFICE_HOURS_MANAGE,
            Perm.API_KEYS_MANAGE,
            Perm.SERVICES_CATALOGUE,
        }
    ),
    Role.LEADER: frozenset(_STAFF_BASE | _LEADERSHIP | {Perm.AUDIT_VIEW}),
    Role.DEPUTY_LEADER: frozenset(_STAFF_BASE | _LEADERSHIP),
    Role.CLERK: frozenset(_STAFF_BASE | _UNIT_WORK | {Perm.DOCS_VIEW_ALL, Perm.DOCS_REGISTER}),
    Role.SPECIALIST: frozenset(_STAFF_BASE | _UNIT_WORK | {Perm.SERVICES_PROCESS}),
    Role.ONE_STOP_OFFICER: frozenset(_STAFF_BASE | {Perm.SERVICES_INTAKE}),
    Role.PLAN_SECRETARY: frozenset(_STAFF_BASE | {Perm.PLANS_MANAGE, Perm.PLANS_URGE}),
    Role.APPLICANT: frozenset(),
}

# Roles that hold across the whole platform rather than within one organisation's subtree.
GLOBAL_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.APPLICANT})
STAFF_ROLES = frozenset(Role) - {Role.APPLICANT}
# Scopes an API key may carry: read access and the writes another system legitimately automates.
API_KEY_SCOPES = (
    Perm.ORG_VIEW,
    Perm.ORG_MANAGE,
    Perm.PEOPLE_VIEW,
    Perm.AUDIT_VIEW,
    Perm.PLANS_VIEW,
    Perm.PLANS_MANAGE,
    Perm.PLANS_REPORT,
    Perm.DOCS_VIEW_ALL,
    Perm.DOCS_REGISTER,
)
