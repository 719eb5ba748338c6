"""GET hub/metrics: Prometheus text exposition of the queues and the totals, read from the database."""

from __future__ import annotations

import hmac

from django.http import HttpResponse
from django.utils import timezone

from egov.hub import selectors
from egov.hub.conf import hub_setting
from egov.hub.models import HubSystem


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _family(lines: list[str], name: str, kind: str, help_text: str) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} {kind}")


def render() -> str:
    from egov.hub.api import _counts_lock, rate_limited_counts

    now = timezone.now()
    systems = dict(HubSystem.objects.values_list("pk", "system_id"))
    queues = selectors.queue_figures()
    accepted = selectors.accepted_totals()
    acknowledged = selectors.acknowledged_totals()
    lines: list[str] = []

    _family(lines, "egov_hub_waiting_deliveries", "gauge", "Deliveries waiting for the recipient system.")
    for pk, name in sorted(systems.items(), key=lambda item: item[1]):
        lines.append(f'egov_hub_waiting_deliveries{{system="{_label(name)}"}} {queues.get(pk, {}).get("waiting", 0)}')
    _family(lines, "egov_hub_oldest_waiting_seconds", "gauge", "Age of the oldest delivery waiting for the system.")
    for pk, name in sorted(systems.items(), key=lambda item: item[1]):
        oldest = queues.get(pk, {}).get("oldest")
        age = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
        lines.append(f'egov_hub_oldest_waiting_seconds{{system="{_label(name)}"}} {age:.3f}')
    _family(lines, "egov_hub_accepted_total", "counter", "Messages accepted from the system.")
    for pk, name in sorted(systems.items(), key=lambda item: item[1]):
        lines.append(f'egov_hub_accepted_total{{system="{_label(name)}"}} {accepted.get(pk, 0)}')
    _family(lines, "egov_hub_acknowledged_total", "counter", "Deliveries the system acknowledged.")
    for pk, name in sorted(systems.items(), key=lambda item: item[1]):
        lines.append(f'egov_hub_acknowledged_total{{system="{_label(name)}"}} {acknowledged.get(pk, 0)}')
    _family(lines, "egov_hub_rejected_total", "counter", "Refused calls by system and error code.")
    for name, code, n in selectors.rejected_totals():
        lines.append(f'egov_hub_rejected_total{{system="{_label(name)}",code="{_label(code)}"}} {n}')
    _family(lines, "egov_hub_rate_limited_total", "counter", "Calls refused by the rate limit in this worker process.")
    with _counts_lock:
        limited = sorted(rate_limited_counts.items())
    for name, n in limited:
        lines.append(f'egov_hub_rate_limited_total{{system="{_label(name)}"}} {n}')
    return "\n".join(lines) + "\n"


def metrics(request):
    token = str(hub_setting("EGOV_HUB_METRICS_TOKEN") or "")
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return HttpResponse("unauthorized\n", status=401, content_type="text/plain; charset=utf-8")
    return HttpResponse(render(), content_type="text/plain; version=0.0.4; charset=utf-8")
