"""Where to look before ranking: a superset of what `permissions.visible_q` lets an actor see, in index terms.

With a million documents, words as common as "thông tin" match a large share of them; ranking them all and
only then dropping what the actor may not see costs far more than the page itself. The PostgreSQL index
therefore also holds, per document, a token for its organisation and one for its drafting unit, and a search
first narrows the index to the organisations and units the actor's roles cover (the index intersects a rare
token with common words cheaply), adding the few documents visible for personal reasons (assigned, drafted
or signed by the actor, granted). `visible_q` stays the rule that decides: this narrowing may only ever keep
more than it allows, never less — `test_search_scope` checks that for every way a document becomes visible.

It mirrors visible_q branch by branch; a branch added there needs its counterpart here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from egov.accounts.actor import Actor

# Beyond this many organisations in the actor's scope the narrowing stops paying; the search runs unnarrowed.
MAX_SCOPE_ORGANISATIONS = 2000


def organisation_token(organisation_id: int) -> str:
    return f"o_{organisation_id}"


def drafting_unit_token(unit_id: int) -> str:
    return f"d_{unit_id}"


def index_tokens(document) -> list[str]:
    """The scope tokens of a document; "_" never occurs in a searched word, so no query can hit them."""
    tokens = [organisation_token(document.organisation_id)]
    if document.drafting_unit_id:
        tokens.append(drafting_unit_token(document.drafting_unit_id))
    return tokens


@dataclass(frozen=True)
class SearchScope:
    tokens: tuple[str, ...]  # any of these in a document's entry may make it visible
    personal_sql: str | None = None  # ids of the documents visible to the person for personal reasons
    personal_params: tuple = ()


def _subtree_ids(paths: tuple[str, ...]) -> list[int] | None:
    from egov.organisations.models import Organisation

    if not paths:
        return []
    q = Q(*[Q(path__startswith=p) for p in paths], _connector=Q.OR)
    ids = list(Organisation.objects.filter(q).values_list("pk", flat=True)[: MAX_SCOPE_ORGANISATIONS + 1])
    return None if len(ids) > MAX_SCOPE_ORGANISATIONS else ids


def search_scope(actor: Actor) -> SearchScope | None:
    """None when the actor may see documents anywhere (nothing to narrow to)."""
    from egov.accounts.permissions import scope_paths
    from egov.accounts.roles import Perm
    from egov.documents.models import AccessGrant, Assignment, Document
    from egov.documents.permissions import member_org_ids

    if actor.is_system:
        return None
    view_all = scope_paths(actor, Perm.DOCS_VIEW_ALL)
    if view_all is None:
        return None
    organisations = _subtree_ids(view_all)
    if organisations is None:
        return None
    tokens = [organisation_token(pk) for pk in organisations]
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    if user is None:
        return SearchScope(tokens=tuple(tokens))
    review = scope_paths(actor, Perm.DOCS_REVIEW)
    if review is None:
        return None
    units = _subtree_ids(review)
    if units is None:
        return None
    tokens += [drafting_unit_token(pk) for pk in units]
    member_units = member_org_ids(actor)
    assigned_q = Q(person=user) | Q(unit_id__in=member_units) if member_units else Q(person=user)
    assigned = Assignment.objects.filter(assigned_q)
    parts = [
        assigned.order_by().values("document_id").query.sql_with_params(),
        Document.objects.filter(Q(created_by=user) | Q(signer=user)).order_by().values("pk").query.sql_with_params(),
        AccessGrant.objects.filter(person=user, revoked_at__isnull=True)
        .order_by()
        .values("document_id")
        .query.sql_with_params(),
    ]
    return SearchScope(
        tokens=tuple(tokens),
        personal_sql=" UNION ".join(f"({sql})" for sql, _ in parts),
        personal_params=tuple(p for _, params in parts for p in params),
    )
