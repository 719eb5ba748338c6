"""Who hears about a task: the people of its lead unit who carry it out, and its responsible leader."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from egov.accounts.models import Membership, RoleAssignment, User
from egov.accounts.roles import ROLE_PERMISSIONS, Perm

REPORTING_ROLES = tuple(role for role, perms in ROLE_PERMISSIONS.items() if Perm.PLANS_REPORT in perms)


def unit_people(unit) -> list[User]:
    """Active people working in the unit itself whose role lets them report for it."""
    today = timezone.localdate()
    members = Membership.objects.filter(organisation=unit).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    ancestors = [unit.path[:i] for i in range(unit.steplen, len(unit.path) + 1, unit.steplen)]
    roles = RoleAssignment.objects.filter(role__in=REPORTING_ROLES, organisation__path__in=ancestors)
    return list(
        User.objects.filter(is_active=True, pk__in=members.values("user_id"))
        .filter(pk__in=roles.values("user_id"))
        .order_by("full_name", "pk")
    )


def unit_recipients(task) -> list[User]:
    people = unit_people(task.lead_unit)
    leader = task.responsible_leader
    if leader is not None and leader.is_active and all(p.pk != leader.pk for p in people):
        people.append(leader)
    return people
