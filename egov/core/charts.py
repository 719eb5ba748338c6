"""Inline SVG charts drawn on the server: the frame every chart shares (title, description, scaling)."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def n(value: float) -> str:
    """Coordinates with one decimal (format_html turns its arguments into text before formatting)."""
    return f"{value:.1f}"


def svg(chart_id: str, title: str, desc: str, height: int, body: str, *, width: int = 640) -> SafeString:
    """An `<svg role="img">` labelled by its title and a text description of every figure it shows."""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="egov-chart" id="{id}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" width="100%" '
        'style="max-width:{w}px;height:auto" font-family="Noto Sans, Arial, sans-serif" font-size="14">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=desc,
        body=mark_safe(body),  # built by the caller from escaped parts only
    )
