"""What the home page shows, per role: each block is computed only for those who hold the role."""

from __future__ import annotations

from django.utils import timezone

from egov.accounts.actor import Actor
from egov.accounts.models import ApiKey, User
from egov.accounts.permissions import can, can_globally
from egov.accounts.roles import Perm, Role
from egov.accounts.selectors import people_count_in, person_roles
from egov.audit.selectors import events_visible
from egov.calendar import selectors as calendar_selectors
from egov.calendar import workdays
from egov.organisations.models import Organisation


def context_for(actor: Actor) -> dict:
    user = actor.user
    today = timezone.localdate()
    calendar = workdays.WorkingCalendar()  # one calendar (one query) for every date on the page
    roles = person_roles(user=user)
    role_codes = {r.role for r in roles}
    context = {
        "today": today,
        "roles": roles,
        "is_working_day": calendar.is_working_day(today),
        "next_working_day": calendar.next_working_day(today),
        "upcoming_holidays": calendar_selectors.upcoming_days_off(today, limit=3, calendar=calendar),
        "is_applicant_home": role_codes == {Role.APPLICANT} or not role_codes,
    }
    org = actor.organisation
    if can_globally(actor, Perm.ORG_MANAGE):
        context["platform"] = {
            "organisations": Organisation.objects.count(),
            "people": User.objects.filter(is_active=True).count(),
            "api_keys": ApiKey.objects.filter(revoked_at__isnull=True).count(),
        }
    people = people_count_in(actor=actor, organisation=org) if org is not None else None
    if people is not None:
        context["unit"] = {
            "org": org,
            "units": Organisation.objects.filter(path__startswith=org.path).count() - 1,
            "people": people,
        }
    if org is not None and can(actor, Perm.PLANS_VIEW, org):
        context["unit_tasks"] = _unit_tasks(actor, org, today)
    if can(actor, Perm.AUDIT_VIEW):
        context["recent_events"] = list(events_visible(actor=actor)[:5])
    context["can"] = {
        "manage_orgs": can(actor, Perm.ORG_MANAGE),
        "manage_people": can(actor, Perm.PEOPLE_MANAGE),
        "api_keys": can(actor, Perm.API_KEYS_MANAGE),
        "audit": can(actor, Perm.AUDIT_VIEW),
    }
    return context


def _unit_tasks(actor: Actor, org: Organisation, today) -> list:
    """The acting unit's plan tasks that need attention, by status, most pressing first (statuses with tasks)."""
    from egov.plans.reports.dashboard import status_counts
    from egov.plans.selectors import unit_task_counts
    from egov.plans.status import TaskStatus

    shown = (
        TaskStatus.OVERDUE,
        TaskStatus.DUE_SOON,
        TaskStatus.RECURRING_BEHIND,
        TaskStatus.IN_PROGRESS,
        TaskStatus.NOT_STARTED,
        TaskStatus.RECURRING_ON_TRACK,
    )
    counts = status_counts(unit_task_counts(actor=actor, unit=org, today=today), nonzero=True)
    return sorted((c for c in counts if c.status in shown), key=lambda c: shown.index(c.status))
