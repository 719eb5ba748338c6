"""People API: /api/v1/people."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema, Status

from egov.accounts import selectors, services
from egov.accounts.models import User, UserKind
from egov.accounts.permissions import can
from egov.accounts.roles import Perm, Role
from egov.core.api_utils import Page, PageParams, paginate_queryset
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.organisations.selectors import organisation_get

router = Router(tags=["people"])


class MembershipOut(Schema):
    organisation_code: str
    organisation_name: str
    position: str
    is_primary: bool


class RoleOut(Schema):
    id: int
    role: Role
    organisation_code: str | None


class PersonOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    kind: UserKind
    is_active: bool
    date_joined: dt.datetime
    memberships: list[MembershipOut]


class PersonDetailOut(PersonOut):
    roles: list[RoleOut]


class PersonIn(Schema):
    username: str
    full_name: str
    email: str = ""
    phone: str = ""
    kind: UserKind = UserKind.STAFF
    organisation_code: str | None = None
    position: str = ""


class PersonPatch(Schema):
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    is_active: bool | None = None


class RoleIn(Schema):
    role: Role
    organisation_code: str | None = None


class Filters(Schema):
    search: str = ""
    organisation: str | None = None


def _person(user: User, *, roles: bool = False) -> dict:
    data = {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "kind": user.kind,
        "is_active": user.is_active,
        "date_joined": user.date_joined,
        "memberships": [
            {
                "organisation_code": m.organisation.code,
                "organisation_name": m.organisation.name,
                "position": m.position,
                "is_primary": m.is_primary,
            }
            for m in user.memberships.all()
        ],
    }
    if roles:
        data["roles"] = [
            {"id": r.pk, "role": r.role, "organisation_code": r.organisation.code if r.organisation else None}
            for r in selectors.person_roles(user=user)
        ]
    return data


def _org(actor, code: str | None, field: str):
    if not code:
        return None
    try:
        return organisation_get(actor=actor, code=code)
    except NotFound:
        raise ValidationFailed({field: [f"Unknown organisation {code}"]}) from None


@router.get("", response=Page[PersonOut], summary="List people the caller may see")
def list_people(request, filters: Query[Filters], paging: Query[PageParams]):
    actor = request.actor
    if not can(actor, Perm.PEOPLE_VIEW):
        raise PermissionDenied("people.view required")
    org = organisation_get(actor=actor, code=filters.organisation) if filters.organisation else None
    items, meta = paginate_queryset(selectors.people_list(actor=actor, search=filters.search, organisation=org), paging)
    return {**meta, "items": [_person(u) for u in items]}


@router.get("/me", response=PersonDetailOut, summary="The signed-in person")
def me(request):
    user = request.actor.user
    if user is None:
        raise NotFound("An API key is not a person")
    return _person(user, roles=True)


@router.get("/{int:pk}", response=PersonDetailOut)
def get_person(request, pk: int):
    return _person(selectors.person_get(actor=request.actor, pk=pk), roles=True)


@router.post("", response={201: PersonDetailOut})
def create_person(request, payload: PersonIn):
    data = payload.dict()
    org = _org(request.actor, data.pop("organisation_code"), "organisation_code")
    position = data.pop("position")
    user = services.person_create(actor=request.actor, values=data, organisation=org, position=position)
    return Status(201, _person(user, roles=True))


@router.patch("/{int:pk}", response=PersonDetailOut)
def update_person(request, pk: int, payload: PersonPatch):
    user = selectors.person_get(actor=request.actor, pk=pk)
    data = payload.dict(exclude_unset=True)
    active = data.pop("is_active", None)
    if data:
        user = services.person_update(actor=request.actor, user=user, values=data)
    if active is not None:
        user = services.person_set_active(actor=request.actor, user=user, active=active)
    return _person(user, roles=True)


@router.post("/{int:pk}/roles", response={201: RoleOut})
def assign_role(request, pk: int, payload: RoleIn):
    user = selectors.person_get(actor=request.actor, pk=pk)
    org = _org(request.actor, payload.organisation_code, "organisation_code")
    assignment = services.role_assign(actor=request.actor, user=user, role=payload.role, organisation=org)
    return Status(201, {"id": assignment.pk, "role": assignment.role, "organisation_code": org.code if org else None})


@router.delete("/{int:pk}/roles/{int:assignment_id}", response={204: None})
def revoke_role(request, pk: int, assignment_id: int):
    user = selectors.person_get(actor=request.actor, pk=pk)
    assignment = selectors.person_role_get(actor=request.actor, user_id=user.pk, pk=assignment_id)
    services.role_revoke(actor=request.actor, assignment=assignment)
    return Status(204, None)
