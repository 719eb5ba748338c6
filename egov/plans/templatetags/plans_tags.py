"""Template filters of the plans pages."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.translation import get_language

from egov.plans.deadlines import DeadlineError, parse_deadline

register = template.Library()


@lru_cache(maxsize=4096)
def _label(text: str, language: str) -> str:
    try:
        return parse_deadline(text).label()
    except DeadlineError:
        return text


@register.filter
def deadline_label(text: str | None) -> str:
    """A task's deadline as stored (the plan's Vietnamese wording) in the reader's language."""
    if not text:
        return ""
    return _label(text, get_language() or "vi")
