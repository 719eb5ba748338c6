"""Who may do what with committees, plans and tasks — the one module services and selectors ask.

Roles hold in an organisation's subtree (egov/accounts/roles.py). A plan belongs to the organisation that
issues it: people with `plans.view` there see it, and so do the units given tasks in it. Progress is
reported by a unit (`plans.report` held at that unit); a leader of the plan's organisation confirms
completion and changes deadlines (`plans.confirm`); the committee secretary manages (`plans.manage`);
urging is for leaders and the secretary (`plans.urge`).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can, scope_paths
from egov.accounts.roles import Perm
from egov.core.errors import PermissionDenied


def paths_q(actor: Actor, perm: str, field: str) -> Q | None:
    """Rows whose organisation `field` (a path) lies where `perm` is held; None means everywhere."""
    paths = scope_paths(actor, perm)
    if paths is None:
        return None
    if not paths:
        return Q(pk__in=[])
    return Q(*[Q(**{f"{field}__startswith": p}) for p in paths], _connector=Q.OR)


def require_view(actor: Actor) -> None:
    """Plan pages and lists refuse someone who may see no plan anywhere (an empty list would hide a wrong login)."""
    if not can(actor, Perm.PLANS_VIEW):
        raise PermissionDenied(_("Bạn không có quyền xem Ban Chỉ đạo, kế hoạch, nhiệm vụ."))


def can_manage(actor: Actor, organisation) -> bool:
    return can(actor, Perm.PLANS_MANAGE, organisation)


def require_manage(actor: Actor, organisation) -> None:
    if not can_manage(actor, organisation):
        raise PermissionDenied(
            _("Chỉ Tổ giúp việc, thư ký Ban Chỉ đạo của %(org)s được thực hiện thao tác này.")
            % {"org": organisation.name}
        )


def can_report_for(actor: Actor, unit) -> bool:
    return can(actor, Perm.PLANS_REPORT, unit)


def can_confirm(actor: Actor, task) -> bool:
    """Leaders of the plan's organisation, and the task's responsible leader."""
    if can(actor, Perm.PLANS_CONFIRM, task.plan.organisation):
        return True
    return (
        actor.user is not None
        and task.responsible_leader_id is not None
        and actor.user.pk == task.responsible_leader_id
    )


def require_confirm(actor: Actor, task) -> None:
    if not can_confirm(actor, task):
        raise PermissionDenied(
            _("Chỉ lãnh đạo %(org)s hoặc lãnh đạo phụ trách đầu việc được xác nhận, điều chỉnh đầu việc này.")
            % {"org": task.plan.organisation.name}
        )


def can_change_deadline(actor: Actor, task) -> bool:
    return can_confirm(actor, task) or can_manage(actor, task.plan.organisation)


def can_urge(actor: Actor, task) -> bool:
    return can(actor, Perm.PLANS_URGE, task.plan.organisation)


def require_urge(actor: Actor, task) -> None:
    if not can_urge(actor, task):
        raise PermissionDenied(
            _("Chỉ lãnh đạo, Tổ giúp việc của %(org)s được đôn đốc đầu việc này.")
            % {"org": task.plan.organisation.name}
        )
