"""Tìm kiếm văn bản: full-text search over the documents the actor may see, with filters, ranked."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.core.errors import ValidationFailed
from egov.documents.search.backends import get_backend
from egov.documents.search.query import ParsedQuery, SearchFilters, parse_filters, parse_query
from egov.documents.search.scope import search_scope

MAX_LIMIT = 200


@dataclass
class SearchResult:
    """One page of results, best first, and how many documents match in all (only those the actor may see)."""

    items: list = field(default_factory=list)
    total: int = 0
    query: ParsedQuery | None = None
    filters: SearchFilters | None = None


def filter_documents(qs: QuerySet, filters: SearchFilters) -> QuerySet:
    from egov.documents.models import Direction

    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.year is not None:
        # The year of the register the document is in: the number's year (đi), the arrival year (đến).
        qs = qs.filter(
            Q(direction=Direction.OUTGOING, year=filters.year)
            | Q(direction=Direction.INCOMING, arrival_year=filters.year)
        )
    if filters.issued_from:
        qs = qs.filter(issued_on__gte=filters.issued_from)
    if filters.issued_to:
        qs = qs.filter(issued_on__lte=filters.issued_to)
    if filters.type_code:
        qs = qs.filter(type_code=filters.type_code)
    if filters.urgency:
        qs = qs.filter(urgency=filters.urgency)
    if filters.organisation is not None:
        qs = qs.filter(organisation_id=filters.organisation)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs


def search_documents(
    actor: Actor, query: str | None, *, filters: dict | None = None, limit: int = 50, offset: int = 0
) -> SearchResult:
    """Documents matching the words and filters, among those the actor may see (never a secret one without a grant).

    Blank query: the filtered documents, newest first. Otherwise ranked by relevance (see backends.py).
    """
    from egov.documents.models import Document
    from egov.documents.permissions import visible_q

    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed({"limit": [_("Số kết quả mỗi trang từ 1 đến %(n)d.") % {"n": MAX_LIMIT}]})
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise ValidationFailed({"offset": [_("Vị trí bắt đầu không hợp lệ.")]})
    parsed = parse_query(query)
    parsed_filters = parse_filters(filters)
    candidates = filter_documents(Document.objects.filter(visible_q(actor)), parsed_filters)
    result = SearchResult(query=parsed, filters=parsed_filters)
    if parsed.matches_nothing:
        return result
    if parsed.is_blank:
        result.total = candidates.count()
        result.items = list(
            candidates.select_related("organisation").order_by("-created_at", "-pk")[offset : offset + limit]
        )
        return result
    try:
        ids, result.total = get_backend().search(
            parsed, candidates, limit=limit, offset=offset, scope=search_scope(actor)
        )
    except EmptyResultSet:  # the actor may see no document at all
        return result
    by_id = Document.objects.select_related("organisation").in_bulk(ids)
    result.items = [by_id[pk] for pk in ids if pk in by_id]
    return result
