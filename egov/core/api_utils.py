"""Shared API pieces: page-number pagination with a bounded page size."""

from __future__ import annotations

import math
from typing import Generic, TypeVar

from django.conf import settings
from ninja import Field, Schema

T = TypeVar("T")


class PageParams(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1")
    page_size: int = Field(50, ge=1, le=500, description="Items per page (at most 500)")


class Page(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[T]


def paginate_queryset(queryset, params: PageParams) -> tuple[list, dict]:
    size = min(params.page_size, settings.EGOV_API_PAGE_SIZE_MAX)
    count = queryset.count()
    offset = (params.page - 1) * size
    items = list(queryset[offset : offset + size])
    meta = {"count": count, "page": params.page, "page_size": size, "pages": max(1, math.ceil(count / size))}
    return items, meta
