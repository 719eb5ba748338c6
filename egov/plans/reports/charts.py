"""Charts as inline SVG drawn on the server: no JavaScript library, readable without colour.

Every chart is an `<svg role="img">` with a title and a text description, shows its numbers as text,
and sits beside a table holding the same data. Fill colours have at least 4.5:1 contrast with white
(so the white numbers inside the bars are readable, and the bars stand out from the page, WCAG 1.4.11);
the status is always named in the legend and the table, never told by colour alone (WCAG 1.4.1).
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from egov.core.charts import n as _n
from egov.core.charts import svg
from egov.plans.status import TaskStatus

CHART_COLOURS: dict[str, str] = {
    TaskStatus.NOT_STARTED: "#505a5f",
    TaskStatus.IN_PROGRESS: "#1d70b8",
    TaskStatus.DUE_SOON: "#946200",
    TaskStatus.OVERDUE: "#c0291a",
    TaskStatus.COMPLETED_EARLY: "#4c2c92",
    TaskStatus.COMPLETED_ON_TIME: "#00703c",
    TaskStatus.COMPLETED_LATE: "#a34000",
    TaskStatus.RECURRING_ON_TRACK: "#00707a",
    TaskStatus.RECURRING_BEHIND: "#a3245e",
    TaskStatus.DROPPED: "#383f43",
}
WIDTH = 640
LABEL_WIDTH = 200
BAR_HEIGHT = 20
ROW_HEIGHT = 44
MIN_TEXT_WIDTH = 22  # a segment narrower than this shows its number only in the table and tooltip


def _segments(counts: dict[str, int], x: float, y: int, scale: float) -> list[str]:
    parts = []
    for status in TaskStatus:
        n = counts.get(status.value, 0)
        if not n:
            continue
        width = n * scale
        parts.append(
            format_html(
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="#ffffff" '
                'stroke-width="1" data-status="{status}"><title>{label}: {n}</title></rect>',
                x=_n(x),
                y=y,
                w=_n(width),
                h=BAR_HEIGHT,
                fill=CHART_COLOURS[status],
                status=status.value,
                label=status.label,
                n=n,
            )
        )
        if width >= MIN_TEXT_WIDTH:
            parts.append(
                format_html(
                    '<text x="{x}" y="{ty}" fill="#ffffff" text-anchor="middle" aria-hidden="true">{n}</text>',
                    x=_n(x + width / 2),
                    ty=y + BAR_HEIGHT - 5,
                    n=n,
                )
            )
        x += width
    return parts


def unit_bars(units, *, chart_id: str = "chart-units") -> SafeString:
    """A horizontal bar per lead unit, stacked by status, with the unit's name above and its total after."""
    if not units:
        return SafeString("")
    biggest = max(u.total for u in units) or 1
    scale = (WIDTH - 60) / biggest
    parts: list[str] = []
    for i, unit in enumerate(units):
        top = i * ROW_HEIGHT
        parts.append(format_html('<text x="0" y="{y}" fill="#0b0c0c">{name}</text>', y=top + 15, name=unit.name))
        parts.extend(_segments(unit.counts, 0, top + 20, scale))
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" fill="#0b0c0c" font-weight="bold">{n}</text>',
                x=_n(unit.total * scale + 6),
                y=top + 20 + BAR_HEIGHT - 5,
                n=unit.total,
            )
        )
    desc = "; ".join(f"{u.name}: {u.total} — " + ", ".join(f"{s.label} {s.count}" for s in u.statuses) for u in units)
    return svg(
        chart_id,
        _("Đầu việc theo đơn vị chủ trì và trạng thái"),
        desc,
        len(units) * ROW_HEIGHT,
        "".join(parts),
    )


def status_bars(statuses, *, chart_id: str = "chart-status") -> SafeString:
    """One bar per status (the zeros too, so the chart's shape is always the same), value at the end."""
    biggest = max((s.count for s in statuses), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - 50) / biggest
    parts: list[str] = []
    for i, item in enumerate(statuses):
        top = i * 28
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" fill="#0b0c0c" text-anchor="end">{label}</text>',
                x=LABEL_WIDTH - 8,
                y=top + 17,
                label=item.label,
            )
        )
        if item.count:
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" data-status="{status}"></rect>',
                    x=LABEL_WIDTH,
                    y=top + 2,
                    w=_n(item.count * scale),
                    h=BAR_HEIGHT,
                    fill=CHART_COLOURS[item.status],
                    status=item.status,
                )
            )
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" fill="#0b0c0c" font-weight="bold">{n}</text>',
                x=_n(LABEL_WIDTH + item.count * scale + 6),
                y=top + 17,
                n=item.count,
            )
        )
    desc = ", ".join(f"{s.label}: {s.count}" for s in statuses)
    return svg(chart_id, _("Số đầu việc theo trạng thái"), desc, len(statuses) * 28, "".join(parts))


def legend(statuses) -> SafeString:
    """The colour key as HTML text (selectable, translatable, zoomable)."""
    items = [
        format_html(
            '<li class="egov-chart-legend__item"><span class="egov-chart-legend__swatch" aria-hidden="true" '
            'style="display:inline-block;width:0.9em;height:0.9em;margin-right:0.3em;vertical-align:middle;'
            'background:{fill}"></span>{label}</li>',
            fill=CHART_COLOURS[s.status],
            label=s.label,
        )
        for s in statuses
    ]
    return format_html(
        '<ul class="govuk-list egov-chart-legend" style="display:flex;flex-wrap:wrap;gap:0 1.2em">{}</ul>',
        mark_safe("".join(items)),
    )
