"""Who may change the procedure catalogue: the one place catalogue services ask."""

from __future__ import annotations

from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.core.errors import PermissionDenied


def can_manage_catalogue(actor: Actor) -> bool:
    return can(actor, Perm.SERVICES_CATALOGUE)


def require_manage_catalogue(actor: Actor) -> None:
    if not can_manage_catalogue(actor):
        raise PermissionDenied(_("Bạn không có quyền quản lý danh mục thủ tục hành chính."))
