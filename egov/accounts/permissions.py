"""The one place that answers "may this actor do that, there?" — every selector and service asks here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.roles import API_KEY_SCOPES, ROLE_PERMISSIONS, Perm
from egov.core.errors import PermissionDenied

if TYPE_CHECKING:
    from egov.accounts.actor import Actor
    from egov.organisations.models import Organisation

ALL_PERMS = tuple(Perm)


def grants_for(actor: Actor) -> dict[str, tuple[str, ...] | None]:
    """Collect the actor's grants with one query: roles for people, scopes for API keys."""
    if actor.is_system:
        return dict.fromkeys(ALL_PERMS)
    if actor.api_key is not None:
        key = actor.api_key
        if not key.is_usable():
            return {}
        path = key.organisation.path
        return {perm: (path,) for perm in key.scopes if perm in API_KEY_SCOPES}
    user = actor.user
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    from egov.accounts.models import RoleAssignment

    collected: dict[str, set[str] | None] = {}
    today = timezone.localdate()
    rows = RoleAssignment.objects.filter(user=user).values_list("role", "organisation__path", "organisation__active_to")
    for role, path, active_to in rows:
        if active_to is not None and active_to < today:
            continue  # a role in an organisation that has ended confers nothing
        for perm in ROLE_PERMISSIONS.get(role, ()):
            if path is None:
                collected[perm] = None
            elif collected.get(perm, ()) is not None:
                collected.setdefault(perm, set()).add(path)
    return {perm: None if paths is None else _minimal(paths) for perm, paths in collected.items()}


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path in the set."""
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def can(actor: Actor, perm: str, organisation: Organisation | None = None) -> bool:
    """True if the actor holds `perm` at `organisation` (or anywhere, when no organisation is given)."""
    if perm not in actor.grants:
        return False
    paths = actor.grants[perm]
    if paths is None or organisation is None:
        return True
    return any(organisation.path.startswith(p) for p in paths)


def can_globally(actor: Actor, perm: str) -> bool:
    return perm in actor.grants and actor.grants[perm] is None


def require(actor: Actor, perm: str, organisation: Organisation | None = None) -> None:
    if not can(actor, perm, organisation):
        label = Perm(perm).label if perm in Perm.values else perm
        if organisation is not None:
            message = _("Bạn không có quyền “%(perm)s” tại %(org)s.") % {"perm": label, "org": organisation.name}
        else:
            message = _("Bạn không có quyền “%(perm)s”.") % {"perm": label}
        raise PermissionDenied(message)


def require_global(actor: Actor, perm: str) -> None:
    if not can_globally(actor, perm):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được thực hiện thao tác này."))


def scope_q(actor: Actor, perm: str, path_field: str = "path") -> Q | None:
    """A filter on organisation paths for the subtrees where `perm` is held; None means no limit."""
    if perm not in actor.grants:
        return Q(pk__in=[])
    paths = actor.grants[perm]
    if paths is None:
        return None
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{path_field}__startswith": path})
    return query


def scope_paths(actor: Actor, perm: str) -> tuple[str, ...] | None:
    """The subtree roots where `perm` is held (None: everywhere, empty: nowhere)."""
    if perm not in actor.grants:
        return ()
    return actor.grants[perm]
