"""Saved searches (yêu cầu tìm kiếm đã lưu, Appendix VI III.6e): each person's own, run again with one click."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.core.text import clean
from egov.core.validation import acting_user
from egov.documents.search.query import parse_filters, parse_query
from egov.documents.search.selectors import SearchResult, search_documents

NAME_MAX = 100
# Enough for every search a person runs often; a bound keeps the list a list.
PER_PERSON_MAX = 100


def _owner(actor: Actor):
    user = acting_user(actor)
    if user is None:
        raise PermissionDenied(_("Chỉ người dùng đã đăng nhập mới lưu được yêu cầu tìm kiếm."))
    return user


def _state(saved) -> dict:
    return {"name": saved.name, "query": saved.query, "filters": saved.filters}


def saved_search_create(*, actor: Actor, name: str, query: str = "", filters: dict | None = None):
    """Keep the words and filters of a search under a name of the person's choosing."""
    from egov.documents.models import SavedSearch

    owner = _owner(actor)
    errors: dict[str, list[str]] = {}
    name = clean(name)
    if not name:
        errors["name"] = [_("Đặt tên cho yêu cầu tìm kiếm.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("Tối đa %(n)d ký tự (đang có %(m)d).") % {"n": NAME_MAX, "m": len(name)}]
    try:
        parsed = parse_query(query)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        parsed = None
    try:
        parsed_filters = parse_filters(filters)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        parsed_filters = None
    if parsed is not None and parsed_filters is not None and parsed.is_blank and parsed_filters.is_empty:
        errors["q"] = [_("Nhập từ khóa hoặc chọn ít nhất một điều kiện lọc.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        mine = SavedSearch.objects.select_for_update().filter(owner=owner)
        names = {n.casefold() for n in mine.values_list("name", flat=True)}
        if name.casefold() in names:
            raise ValidationFailed({"name": [_("Bạn đã có yêu cầu tìm kiếm tên “%(name)s”.") % {"name": name}]})
        if len(names) >= PER_PERSON_MAX:
            raise ValidationFailed(
                {"name": [_("Mỗi người lưu tối đa %(n)d yêu cầu tìm kiếm; hãy xóa bớt.") % {"n": PER_PERSON_MAX}]}
            )
        saved = SavedSearch.objects.create(owner=owner, name=name, query=parsed.text, filters=parsed_filters.as_json())
        audit_record(actor=actor, action="documents.saved_search.create", obj=saved, after=_state(saved))
    return saved


def saved_search_list(*, actor: Actor) -> list:
    """The person's saved searches, by name."""
    from egov.documents.models import SavedSearch

    user = acting_user(actor)
    if user is None:
        return []
    return list(SavedSearch.objects.filter(owner=user).order_by("name", "pk"))


def _own(actor: Actor, saved_search_id):
    from egov.documents.models import SavedSearch

    owner = _owner(actor)
    valid = isinstance(saved_search_id, int) or str(saved_search_id).isdigit()
    saved = SavedSearch.objects.filter(pk=int(saved_search_id), owner=owner).first() if valid else None
    if saved is None:
        # Someone else's saved search does not exist for this person.
        raise NotFound(_("Không tìm thấy yêu cầu tìm kiếm đã lưu."))
    return saved


def saved_search_delete(*, actor: Actor, saved_search_id: int) -> None:
    with transaction.atomic():
        saved = _own(actor, saved_search_id)
        before = _state(saved)
        audit_record(actor=actor, action="documents.saved_search.delete", obj=saved, before=before)
        saved.delete()


def saved_search_run(*, actor: Actor, saved_search_id: int, limit: int = 50, offset: int = 0) -> SearchResult:
    """Run a saved search again: what matches today, among what the person may see today."""
    saved = _own(actor, saved_search_id)
    return search_documents(actor, saved.query, filters=saved.filters, limit=limit, offset=offset)
