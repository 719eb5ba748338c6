"""GET /data/statistics: decisions on applications per period, counted from the dossiers' timelines.

approved = results approved (state.resolved), sentBack = supplement requests (state.supplement), rejected =
refusals and stops (state.refused, state.stopped), processed = the three together; each counts the decisions
made in the period (a dossier sent back twice counts twice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can, scope_q
from egov.accounts.roles import Perm, Role
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.text import clean, fold
from egov.services.models import DossierEvent

KINDS = {
    "state.resolved": "approved",
    "state.supplement": "sentBack",
    "state.refused": "rejected",
    "state.stopped": "rejected",
}
TIMEFRAMES = ("day", "week", "month", "year")
MAX_BUCKETS = 400


@dataclass(frozen=True)
class Filters:
    start: dt.date | None
    end: dt.date | None
    registration: str
    operator: str
    role: str
    timeframe: str | None


def _buckets(start: dt.date, end: dt.date, timeframe: str | None) -> list[tuple[dt.date, dt.date]]:
    if timeframe is None:
        return [(start, end)]
    out = []
    day = start
    while day <= end:
        if timeframe == "day":
            last = day
        elif timeframe == "week":
            last = day + dt.timedelta(days=6 - day.weekday())
        elif timeframe == "month":
            following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            last = following - dt.timedelta(days=1)
        else:
            last = day.replace(month=12, day=31)
        out.append((day, min(last, end)))
        if len(out) > MAX_BUCKETS:
            raise ValidationFailed(
                {
                    "timeframe": [
                        _("Quá nhiều khoảng thời gian (tối đa %(n)d); hãy chọn khoảng dài hơn.") % {"n": MAX_BUCKETS}
                    ]
                }
            )
        day = last + dt.timedelta(days=1)
    return out


def statistics(actor: Actor, filters: Filters) -> list[dict]:
    end = filters.end or timezone.localdate()
    start = filters.start or end.replace(month=1, day=1)
    if start > end:
        raise ValidationFailed({"startDate": [_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")]})
    if filters.role and filters.role not in Role.values:
        raise ValidationFailed({"role": [_("Vai trò không hợp lệ; một trong: %(r)s.") % {"r": ", ".join(Role.values)}]})
    buckets = _buckets(start, end, filters.timeframe)
    tz = timezone.get_current_timezone()
    events = DossierEvent.objects.filter(
        kind__in=list(KINDS),
        at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )
    if filters.operator or filters.role:
        # Who decided what is about named officials: for those who supervise, and within their agencies.
        if not can(actor, Perm.SERVICES_SUPERVISE):
            raise PermissionDenied(_("Chỉ người theo dõi, giám sát hồ sơ được lọc thống kê theo cán bộ, vai trò."))
        scope = scope_q(actor, Perm.SERVICES_SUPERVISE, "dossier__agency__path")
        if scope is not None:
            events = events.filter(scope)
    if filters.operator:
        events = events.filter(Q(actor__username=filters.operator) | Q(actor__full_name__icontains=filters.operator))
    if filters.role:
        events = events.filter(actor__role_assignments__role=filters.role)
    for word in fold(clean(filters.registration)).split():
        events = events.filter(dossier__version__folded__contains=word)
    per_day: dict[dt.date, dict[str, int]] = {}
    for row in (
        events.annotate(day=TruncDate("at", tzinfo=tz)).values("day", "kind").annotate(n=Count("pk", distinct=True))
    ):
        counts = per_day.setdefault(row["day"], {})
        counts[KINDS[row["kind"]]] = counts.get(KINDS[row["kind"]], 0) + row["n"]
    out = []
    for first, last in buckets:
        totals = {"approved": 0, "sentBack": 0, "rejected": 0}
        for day, counts in per_day.items():
            if first <= day <= last:
                for name, n in counts.items():
                    totals[name] += n
        references = {
            "startDate": first,
            "endDate": last,
            "registrationName": filters.registration or None,
            "operator": filters.operator or None,
            "role": filters.role or None,
            **{f"timeframe{t.capitalize()}": filters.timeframe == t for t in TIMEFRAMES},
        }
        out.append(
            {
                "processed": totals["approved"] + totals["sentBack"] + totals["rejected"],
                **totals,
                "references": {k: v for k, v in references.items() if v is not None},
            }
        )
    return out
