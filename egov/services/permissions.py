"""Who may do what with dossiers: the one place the services app asks."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can, require, scope_q
from egov.accounts.roles import Perm
from egov.core.errors import PermissionDenied

# Any of these at an agency lets an official see its dossiers.
STAFF_PERMS = (Perm.SERVICES_INTAKE, Perm.SERVICES_PROCESS, Perm.SERVICES_APPROVE, Perm.SERVICES_SUPERVISE)


def staff_q(actor: Actor) -> Q:
    """Dossiers of the agencies where the actor holds a one-stop permission."""
    query = Q(pk__in=[])
    for perm in STAFF_PERMS:
        scope = scope_q(actor, perm, "agency__path")
        if scope is None:
            return Q()
        query |= scope
    return query


def visible_q(actor: Actor) -> Q:
    """The dossiers the actor may see: their own as an applicant, their agencies' as an official."""
    query = staff_q(actor)
    if actor.user is not None and actor.user.is_authenticated:
        query |= Q(applicant=actor.user)
    return query


def is_owner(actor: Actor, dossier) -> bool:
    return actor.user is not None and dossier.applicant_id is not None and dossier.applicant_id == actor.user.pk


def require_staff(actor: Actor, perm: str, dossier) -> None:
    require(actor, perm, dossier.agency)


def require_owner_or_intake(actor: Actor, dossier) -> None:
    if is_owner(actor, dossier) or can(actor, Perm.SERVICES_INTAKE, dossier.agency):
        return
    raise PermissionDenied(_("Chỉ người nộp hồ sơ hoặc bộ phận một cửa của cơ quan được thực hiện thao tác này."))
