"""Biểu 06 (Circular 01/2020/TT-VPCP): dossiers received, resolved and pending in a period, per agency or procedure.

Received: carried over from before the period, and new in it — online, or direct and by post. Resolved in the
period: early, on time, late (fixed on each dossier when it was resolved). Pending at the period's end: within
time, overdue. One grouped query with conditional counts, so a province's year is counted in one pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db.models import Count, Q
from django.utils import timezone

from egov.accounts.actor import Actor
from egov.accounts.permissions import scope_q
from egov.accounts.roles import Perm
from egov.services.models import Dossier, DossierState

ENDED_WITHOUT_RESULT = (DossierState.REFUSED, DossierState.WITHDRAWN, DossierState.STOPPED)


@dataclass
class Row:
    key: int | str
    label: str
    carried_over: int = 0
    new_online: int = 0
    new_direct: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    pending_within: int = 0
    pending_overdue: int = 0

    @property
    def new(self) -> int:
        return self.new_online + self.new_direct

    @property
    def received(self) -> int:
        return self.carried_over + self.new

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def pending(self) -> int:
        return self.pending_within + self.pending_overdue

    @property
    def on_time_rate(self) -> float | None:
        """Share resolved early or on time, of those resolved (None when nothing was resolved)."""
        return (self.resolved_early + self.resolved_on_time) / self.resolved if self.resolved else None

    def add(self, other: Row) -> None:
        for field in fields(self)[2:]:
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time.min, tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tz)
    return start, end


def _counts(start: dt.datetime, end: dt.datetime) -> dict[str, Count]:
    # The queryset holds only dossiers still open at the start (see `bieu06`): any accepted before it is carried.
    accepted_before = Q(received_at__lt=start)
    new = Q(received_at__gte=start, received_at__lt=end)
    resolved = Q(resolved_at__gte=start, resolved_at__lt=end)
    unresolved_at_end = (
        Q(received_at__lt=end)
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
        & ~Q(state__in=ENDED_WITHOUT_RESULT, ended_at__lt=end)
    )
    return {
        "carried_over": Count("pk", filter=accepted_before),
        "new_online": Count("pk", filter=new & Q(channel="online")),
        "new_direct": Count("pk", filter=new & ~Q(channel="online")),
        "resolved_early": Count("pk", filter=resolved & Q(resolved_timeliness="early")),
        "resolved_on_time": Count("pk", filter=resolved & Q(resolved_timeliness="on_time")),
        "resolved_late": Count("pk", filter=resolved & Q(resolved_timeliness="late")),
        "pending_within": Count("pk", filter=unresolved_at_end & Q(due_at__gte=end)),
        "pending_overdue": Count("pk", filter=unresolved_at_end & Q(due_at__lt=end)),
    }


def bieu06(
    *,
    first: dt.date,
    last: dt.date,
    by: str = "agency",
    actor: Actor | None = None,
    agency=None,
) -> tuple[list[Row], Row]:
    """Rows (per agency or per procedure) and their total. With an actor, only the agencies they supervise."""
    start, end = _bounds(first, last)
    rows = Dossier.objects.filter(received_at__isnull=False, received_at__lt=end).exclude(
        Q(ended_at__lt=start) | Q(resolved_at__lt=start)
    )
    if actor is not None:
        scope = scope_q(actor, Perm.SERVICES_SUPERVISE, "agency__path")
        if scope is not None:
            rows = rows.filter(scope)
    if agency is not None:
        rows = rows.filter(agency__path__startswith=agency.path)
    if by == "procedure":
        from egov.services.models import ProcedureVersion

        counted = rows.values("version__procedure__code").annotate(**_counts(start, end))
        names = dict(
            ProcedureVersion.objects.filter(procedure__code__in=[c["version__procedure__code"] for c in counted])
            .order_by("procedure__code", "number")
            .values_list("procedure__code", "name")
        )
        result = []
        for values in counted.order_by("version__procedure__code"):
            code = values.pop("version__procedure__code")
            result.append(Row(key=code, label=f"{code} — {names.get(code, '')}", **values))
    else:
        result = []
        for values in rows.values("agency_id", "agency__name").annotate(**_counts(start, end)).order_by("agency__name"):
            key, label = values.pop("agency_id"), values.pop("agency__name")
            result.append(Row(key=key, label=label, **values))
    total = Row(key="", label="")
    for row in result:
        total.add(row)
    return result, total
