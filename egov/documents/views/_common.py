"""What the document pages share: the organisations one registers or drafts for, errors shown on forms."""

from __future__ import annotations

import re
from functools import wraps

from django.db.models import QuerySet
from django.shortcuts import render
from django.urls import reverse

from egov.accounts.actor import Actor
from egov.accounts.permissions import scope_paths
from egov.accounts.roles import Perm
from egov.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from egov.core.views_helpers import apply_error
from egov.organisations.models import Level, Organisation

_INDEX = re.compile(r"\.\d+$")


def shows_refusal(view):
    """A refused request gets a 403 page that says why (who may do it), not only that it was refused."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "documents/refused.html", {"message": exc.message}, status=exc.status)

    return wrapped


def document_url(document) -> str:
    return reverse("documents:detail", args=[document.pk])


def _agencies_for(paths) -> list[Organisation]:
    """For each path, the nearest enclosing organisation that is not an internal unit (the agency)."""
    wanted = {path[:i] for path in paths for i in range(Organisation.steplen, len(path) + 1, Organisation.steplen)}
    by_path = {org.path: org for org in Organisation.objects.filter(path__in=wanted)}
    found: dict[int, Organisation] = {}
    for path in paths:
        for end in range(len(path), 0, -Organisation.steplen):
            org = by_path.get(path[:end])
            if org is not None and org.level != Level.UNIT:
                found[org.pk] = org
                break
    return sorted(found.values(), key=lambda org: org.path)


def register_organisations(actor: Actor) -> QuerySet[Organisation]:
    """Where the actor keeps the registers (văn thư): the organisations their clerk role is held at."""
    paths = scope_paths(actor, Perm.DOCS_REGISTER)
    if paths is None:
        agencies = _agencies_for([actor.organisation.path]) if actor.organisation is not None else []
        return Organisation.objects.filter(pk__in=[a.pk for a in agencies]).order_by("path")
    return Organisation.objects.filter(path__in=paths).order_by("path")


def drafting_organisations(actor: Actor) -> QuerySet[Organisation]:
    """The agencies whose outgoing documents the actor may draft: the agency of each unit they draft in."""
    paths = scope_paths(actor, Perm.DOCS_DRAFT)
    if paths is None:
        paths = (actor.organisation.path,) if actor.organisation is not None else ()
    agencies = _agencies_for(paths)
    return Organisation.objects.filter(pk__in=[a.pk for a in agencies]).order_by("path")


def show_error(form, exc: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's error next to the field it names; a refusal stays a 403/404 page."""
    if isinstance(exc, (PermissionDenied, NotFound)):
        raise exc
    errors = getattr(exc, "errors", None) or {exc.field or "__all__": [exc.message]}
    mapped: dict[str, list[str]] = {}
    for name, messages in errors.items():
        target = (field_map or {}).get(name) or (field_map or {}).get(_INDEX.sub("", name)) or _INDEX.sub("", name)
        mapped.setdefault(target, []).extend(str(m) for m in messages)
    apply_error(form, ValidationFailed(mapped))


def failed_status(form, exc: DomainError | None = None) -> int:
    if exc is not None:
        return exc.status
    return 400 if form.errors else 200
