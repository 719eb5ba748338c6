"""What the home page shows, per role: each block is computed only for those who hold the role."""

from __future__ import annotations

from django.utils import timezone

from egov.accounts.actor import Actor
from egov.accounts.models import ApiKey, Membership, RoleAssignment, User
from egov.accounts.permissions import can, can_globally
from egov.accounts.roles import Perm, Role
from egov.audit.selectors import events_visible
from egov.calendar import selectors as calendar_selectors
from egov.calendar import workdays
from egov.organisations.models import Organisation


def context_for(actor: Actor) -> dict:
    user = actor.user
    today = timezone.localdate()
    calendar = workdays.WorkingCalendar()  # one calendar (one query) for every date on the page
    roles = list(RoleAssignment.objects.filter(user=user).select_related("organisation").order_by("role"))
    role_codes = {r.role for r in roles}
    context = {
        "today": today,
        "roles": roles,
        "is_working_day": calendar.is_working_day(today),
        "next_working_day": calendar.next_working_day(today),
        "upcoming_holidays": calendar_selectors.upcoming_days_off(today, limit=3, calendar=calendar),
        "is_staff_home": bool(role_codes - {Role.APPLICANT}),
        "is_applicant_home": role_codes == {Role.APPLICANT} or not role_codes,
    }
    org = actor.organisation
    if can_globally(actor, Perm.ORG_MANAGE):
        context["platform"] = {
            "organisations": Organisation.objects.count(),
            "people": User.objects.filter(is_active=True).count(),
            "api_keys": ApiKey.objects.filter(revoked_at__isnull=True).count(),
        }
    if org is not None and can(actor, Perm.PEOPLE_VIEW, org):
        subtree = Organisation.objects.filter(path__startswith=org.path)
        context["unit"] = {
            "org": org,
            "units": subtree.count() - 1,
            "people": Membership.objects.filter(organisation__path__startswith=org.path)
            .values("user_id")
            .distinct()
            .count(),
        }
    if can(actor, Perm.AUDIT_VIEW):
        context["recent_events"] = list(events_visible(actor=actor)[:5])
    context["can"] = {
        "manage_orgs": can(actor, Perm.ORG_MANAGE),
        "manage_people": can(actor, Perm.PEOPLE_MANAGE),
        "api_keys": can(actor, Perm.API_KEYS_MANAGE),
        "audit": can(actor, Perm.AUDIT_VIEW),
    }
    return context
