"""Small helpers that keep views thin: mapping domain errors onto forms, safe redirects, paging."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.http import url_has_allowed_host_and_scheme

from egov.core.errors import DomainError


def apply_error(form, exc: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's error on the form field it names (or on the form as a whole)."""
    errors = getattr(exc, "errors", None) or {exc.field or "__all__": [exc.message]}
    for name, messages in errors.items():
        target = (field_map or {}).get(name, name)
        if target not in form.fields:
            target = None
        for message in messages:
            form.add_error(target, str(message))


def safe_next(request, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return fallback


def paginate(request, queryset, per_page: int = 50):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
