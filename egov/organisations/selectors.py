"""Reads of the organisation tree, limited to what the actor may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from egov.accounts.actor import Actor
from egov.accounts.permissions import scope_paths, scope_q
from egov.accounts.roles import Perm
from egov.core.errors import NotFound
from egov.core.text import clean
from egov.organisations.models import Organisation


def _visible_q(actor: Actor, perm: str = Perm.ORG_VIEW) -> Q | None:
    """Subtrees where `perm` is held, plus their ancestors (so a unit can show where it sits)."""
    paths = scope_paths(actor, perm)
    if paths is None:
        return None
    query = Q(pk__in=[])
    ancestors: set[str] = set()
    for path in paths:
        query |= Q(path__startswith=path)
        ancestors.update(path[:i] for i in range(Organisation.steplen, len(path), Organisation.steplen))
    if ancestors:
        query |= Q(path__in=ancestors)
    return query


def organisations_where(*, actor: Actor, perm: str) -> QuerySet[Organisation]:
    """Exactly the organisations where `perm` is held (no ancestors): the choices of a form that acts there."""
    query = scope_q(actor, perm)
    qs = Organisation.objects.order_by("path")
    return qs if query is None else qs.filter(query)


def organisations_visible(*, actor: Actor) -> QuerySet[Organisation]:
    query = _visible_q(actor)
    qs = Organisation.objects.all()
    return qs if query is None else qs.filter(query)


def organisation_list(
    *,
    actor: Actor,
    search: str = "",
    level: str = "",
    parent: Organisation | None = None,
    active_only: bool = False,
) -> QuerySet[Organisation]:
    qs = organisations_visible(actor=actor)
    search = clean(search)
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(code__icontains=search.upper())
            | Q(short_name__icontains=search)
            | Q(abbreviation__iexact=search)
        )
    if level:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if active_only:
        from django.utils import timezone

        today = timezone.localdate()
        qs = qs.filter(Q(active_from__isnull=True) | Q(active_from__lte=today)).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=today)
        )
    return qs.order_by("path")


def organisation_get(*, actor: Actor, pk: int | None = None, code: str | None = None) -> Organisation:
    """One organisation the actor may see; otherwise NotFound (never reveal that it exists)."""
    qs = organisations_visible(actor=actor)
    org = qs.filter(pk=pk).first() if pk is not None else qs.filter(code=(code or "").strip().upper()).first()
    if org is None:
        raise NotFound("Organisation not found")
    return org


def organisation_roots(*, actor: Actor) -> list[Organisation]:
    """The top of the visible tree: nodes whose parent the actor cannot see."""
    orgs = list(
        organisations_visible(actor=actor)
        .order_by("path")
        .only("path", "depth", "name", "code", "level", "numchild", "active_to", "active_from", "short_name")
    )
    seen: set[str] = set()
    roots = []
    for org in orgs:
        if org.depth == 1 or org.path[: -Organisation.steplen] not in seen:
            roots.append(org)
        seen.add(org.path)
    return roots


def organisation_children(*, actor: Actor, parent: Organisation) -> QuerySet[Organisation]:
    return (
        organisations_visible(actor=actor).filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path")
    )


def organisation_ancestors(*, organisation: Organisation) -> list[Organisation]:
    return list(Organisation.objects.filter(path__in=organisation.ancestor_paths()).order_by("depth"))
