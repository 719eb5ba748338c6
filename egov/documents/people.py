"""Who hears about a document: the clerks and leaders holding a permission at an organisation, a unit's people."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from egov.accounts.models import Membership, RoleAssignment, User
from egov.accounts.roles import ROLE_PERMISSIONS


def holders(perm: str, organisation) -> list[User]:
    """Active people with a role giving `perm` at the organisation (held there or at an ancestor)."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    ancestors = [
        organisation.path[:i] for i in range(organisation.steplen, len(organisation.path) + 1, organisation.steplen)
    ]
    assigned = RoleAssignment.objects.filter(role__in=roles, organisation__path__in=ancestors)
    return list(User.objects.filter(is_active=True, pk__in=assigned.values("user_id")).order_by("full_name", "pk"))


def unit_members(unit) -> list[User]:
    today = timezone.localdate()
    members = Membership.objects.filter(organisation=unit).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    return list(User.objects.filter(is_active=True, pk__in=members.values("user_id")).order_by("full_name", "pk"))
