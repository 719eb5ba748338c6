"""Who may see and act on a document — the one module documents services and selectors ask.

A document belongs to one organisation's registers (the issuer's for outgoing, the receiver's for
incoming). It is visible to:
- the organisation's clerks and leaders (`documents.view_all` held there), unless it is secret;
- the people it was assigned to, and the members of the units it was assigned to, unless it is secret;
- the author of a draft, its designated signer, and the leaders of its drafting unit, unless it is secret;
- everyone with an active explicit grant — the only way to see a secret document.
Secret documents never appear in lists, search, counts or the API for anyone else.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can, scope_paths
from egov.accounts.roles import Perm
from egov.core.errors import NotFound, PermissionDenied


def _paths_q(paths: tuple[str, ...] | None, field: str) -> Q:
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    return Q(*[Q(**{f"{field}__startswith": p}) for p in paths], _connector=Q.OR)


def member_orgs(actor: Actor):
    """A subquery of the organisations (units) the person belongs to today."""
    from egov.accounts.models import Membership

    user = actor.user
    if user is None or not user.is_authenticated:
        return Membership.objects.none().values("organisation_id")
    today = timezone.localdate()
    return (
        Membership.objects.filter(user=user)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .values("organisation_id")
    )


def member_org_ids(actor: Actor) -> list[int]:
    return [row["organisation_id"] for row in member_orgs(actor)]


def visible_q(actor: Actor) -> Q:
    """A filter on Document for what the actor may see."""
    from egov.documents.models import AccessGrant, Assignment, Secrecy

    if actor.is_system:
        return Q()
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    not_secret = Q(secrecy=Secrecy.NONE)
    view_all = scope_paths(actor, Perm.DOCS_VIEW_ALL)
    q = not_secret & _paths_q(view_all, "organisation__path") if view_all != () else Q(pk__in=[])
    if user is None:
        return q
    assigned = Assignment.objects.filter(document=OuterRef("pk")).filter(
        Q(person=user) | Q(unit_id__in=member_orgs(actor))
    )
    q |= not_secret & Exists(assigned)
    q |= not_secret & (Q(created_by=user) | Q(signer=user))
    review_paths = scope_paths(actor, Perm.DOCS_REVIEW)
    if review_paths != ():
        q |= not_secret & Q(drafting_unit__isnull=False) & _paths_q(review_paths, "drafting_unit__path")
    granted = AccessGrant.objects.filter(document=OuterRef("pk"), person=user, revoked_at__isnull=True)
    q |= Exists(granted)
    return q


def can_see(actor: Actor, document) -> bool:
    from egov.documents.models import Document

    return Document.objects.filter(visible_q(actor), pk=document.pk).exists()


def require_see(actor: Actor, document) -> None:
    """Someone who may not see a document is told it does not exist (secret documents leave no trace)."""
    if not can_see(actor, document):
        raise NotFound(_("Không tìm thấy văn bản."))


def require_at(actor: Actor, perm: str, organisation, message: str) -> None:
    if not can(actor, perm, organisation):
        raise PermissionDenied(message)


def require_documents_access(actor: Actor) -> None:
    """Document pages refuse someone who may work with no document anywhere."""
    if not (actor.is_system or can(actor, Perm.DOCS_DRAFT) or can(actor, Perm.DOCS_VIEW_ALL)):
        raise PermissionDenied(_("Bạn không có quyền làm việc với văn bản."))
