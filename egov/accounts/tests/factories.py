"""People and actors for tests, created through the real services."""

from __future__ import annotations

from egov.accounts.actor import Actor
from egov.accounts.models import User
from egov.accounts.services import person_create, role_assign
from egov.organisations.models import Organisation

SYSTEM = Actor.system("tests")
PASSWORD = "Mật-khẩu-thử-2026"


def make_person(
    username: str,
    organisation: Organisation | None,
    role: str | None,
    *,
    role_org: Organisation | None = None,
    kind: str = "staff",
    position: str = "",
    email: str | None = None,
) -> User:
    user = person_create(
        actor=SYSTEM,
        values={
            "username": username,
            "full_name": f"Người dùng {username}",
            "kind": kind,
            "email": email if email is not None else f"{username}@example.test",
        },
        organisation=organisation,
        position=position,
        password=PASSWORD,
    )
    if role:
        role_assign(actor=SYSTEM, user=user, role=role, organisation=role_org or organisation)
    return user


class ActorFactory:
    @staticmethod
    def for_user(user: User, organisation: Organisation | None = None) -> Actor:
        if organisation is None:
            membership = user.memberships.select_related("organisation").order_by("-is_primary").first()
            organisation = membership.organisation if membership else None
        return Actor(user=user, organisation=organisation, ip_address="127.0.0.1", request_id="test")
