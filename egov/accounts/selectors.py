"""Reads of people and roles, limited to what the actor may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from egov.accounts.actor import Actor
from egov.accounts.models import ApiKey, Membership, RoleAssignment, User
from egov.accounts.permissions import can, scope_paths
from egov.accounts.roles import Perm
from egov.core.errors import NotFound
from egov.core.text import clean
from egov.organisations.models import Organisation

ACTING_ORG_SESSION_KEY = "egov_acting_org"


def people_visible(*, actor: Actor, perm: str = Perm.PEOPLE_VIEW) -> QuerySet[User]:
    paths = scope_paths(actor, perm)
    qs = User.objects.all()
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    in_scope = Q(*[Q(organisation__path__startswith=p) for p in paths], _connector=Q.OR)
    return qs.filter(pk__in=Membership.objects.filter(in_scope).values("user_id"))


def people_list(*, actor: Actor, search: str = "", organisation: Organisation | None = None) -> QuerySet[User]:
    qs = people_visible(actor=actor)
    search = clean(search)
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(username__icontains=search) | Q(email__icontains=search))
    if organisation is not None:
        qs = qs.filter(memberships__organisation__path__startswith=organisation.path).distinct()
    return qs.order_by("full_name", "pk").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation").order_by("-is_primary")),
    )


def person_get(*, actor: Actor, pk: int) -> User:
    user = people_visible(actor=actor).filter(pk=pk).first()
    if user is None:
        raise NotFound("Person not found")
    return user


def person_membership_get(*, actor: Actor, user_id: int, pk: int) -> Membership:
    """One unit membership of a person the actor may see."""
    membership = (
        Membership.objects.select_related("organisation")
        .filter(pk=pk, user__in=people_visible(actor=actor).filter(pk=user_id))
        .first()
    )
    if membership is None:
        raise NotFound("Membership not found")
    return membership


def person_role_get(*, actor: Actor, user_id: int, pk: int) -> RoleAssignment:
    """One role assignment of a person the actor may see."""
    assignment = (
        RoleAssignment.objects.select_related("organisation")
        .filter(pk=pk, user__in=people_visible(actor=actor).filter(pk=user_id))
        .first()
    )
    if assignment is None:
        raise NotFound("Role assignment not found")
    return assignment


def unit_memberships(*, actor: Actor, organisation: Organisation) -> QuerySet[Membership] | None:
    """The people working in one unit, or None when the actor may not see people there."""
    if not can(actor, Perm.PEOPLE_VIEW, organisation):
        return None
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_primary", "user__full_name")
    )


def people_count_in(*, actor: Actor, organisation: Organisation) -> int | None:
    """How many people work in a unit and its subunits (None when the actor may not see them)."""
    if not can(actor, Perm.PEOPLE_VIEW, organisation):
        return None
    return (
        Membership.objects.filter(organisation__path__startswith=organisation.path).values("user_id").distinct().count()
    )


def person_memberships(*, user: User) -> list[Membership]:
    return list(user.memberships.select_related("organisation").order_by("-is_primary", "organisation__path"))


def person_roles(*, user: User) -> list[RoleAssignment]:
    return list(user.role_assignments.select_related("organisation").order_by("role", "organisation__path"))


def acting_organisations(*, user: User, request=None) -> list[Organisation]:
    """The units a person can act for: where they work (memoised on the request when one is given)."""
    if request is not None and hasattr(request, "_acting_orgs"):
        return request._acting_orgs
    orgs = [m.organisation for m in person_memberships(user=user) if m.organisation.is_active]
    if request is not None:
        request._acting_orgs = orgs
    return orgs


def acting_organisation(request) -> Organisation | None:
    """The unit the signed-in person is acting for (chosen in the header, else their primary unit)."""
    if not hasattr(request, "_acting_org"):
        units = acting_organisations(user=request.user, request=request)
        chosen = request.session.get(ACTING_ORG_SESSION_KEY)
        picked = next((org for org in units if org.pk == chosen), None)
        request._acting_org = picked or (units[0] if units else None)
    return request._acting_org


def api_keys_visible(*, actor: Actor) -> QuerySet[ApiKey]:
    paths = scope_paths(actor, Perm.API_KEYS_MANAGE)
    qs = ApiKey.objects.select_related("organisation", "created_by").order_by("-created_at")
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(Q(*[Q(organisation__path__startswith=p) for p in paths], _connector=Q.OR))
