"""Tổng hợp: how many ministries and provinces (or a province's departments and districts) have set up a
steering committee, issued a plan, and how their tasks stand — on a given day.

Scope follows plans.view: held everywhere (system administrator) gives the national roll-up over the
active top-level ministries, government agencies and provinces; held at a province gives that
province's roll-up over its departments and districts. The numerators count the organisation itself
(a committee or plan attached to one of its units does not count for it). Four queries in all.

`as_of` applies to the dates recorded (committee decision and dissolution, plan issue, task due
dates); a task completed after `as_of` still counts as completed, since completion is kept as a date
on the task but a later report cannot be undone for an earlier day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.actor import Actor
from egov.accounts.permissions import can_globally, scope_paths
from egov.accounts.roles import Perm
from egov.core.errors import NotFound, PermissionDenied
from egov.organisations.models import Level, Organisation
from egov.plans.models import Plan, PlanStatus, SteeringCommittee, Task, TaskKind
from egov.plans.reports.dashboard import Rate
from egov.plans.status import status_expression

# Plans that have been issued, whatever happened since.
ISSUED_STATES = (PlanStatus.ISSUED, PlanStatus.AMENDED, PlanStatus.CLOSED)
NATIONAL_GROUPS = (
    (Level.MINISTRY, gettext_lazy("bộ, cơ quan ngang bộ")),
    (Level.GOVERNMENT_AGENCY, gettext_lazy("cơ quan thuộc Chính phủ")),
    (Level.PROVINCE, gettext_lazy("tỉnh, thành phố trực thuộc Trung ương")),
)
PROVINCIAL_GROUPS = (
    (Level.DEPARTMENT, gettext_lazy("sở, ban, ngành")),
    (Level.DISTRICT, gettext_lazy("huyện, thị xã, thành phố")),
)


@dataclass
class RollupOrg:
    pk: int
    name: str
    level: str
    committee: tuple[str, dt.date] | None = None  # decision number and date of the earliest committee
    plan: tuple[str, dt.date] | None = None  # number and issue date of the earliest issued plan
    plans: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def tasks(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> Rate:
        return Rate.of(self.counts)


@dataclass
class RollupGroup:
    level: str
    label: str
    orgs: list[RollupOrg]

    @property
    def total(self) -> int:
        return len(self.orgs)

    @property
    def with_committee(self) -> int:
        return sum(1 for o in self.orgs if o.committee)

    @property
    def with_plan(self) -> int:
        return sum(1 for o in self.orgs if o.plan)

    @property
    def tasks(self) -> int:
        return sum(o.tasks for o in self.orgs)

    @property
    def rate(self) -> Rate:
        counts: dict[str, int] = defaultdict(int)
        for org in self.orgs:
            for status, n in org.counts.items():
                counts[status] += n
        return Rate.of(counts)

    def share(self, n: int) -> str:
        """“100% bộ, cơ quan ngang bộ” or “62/63 tỉnh, thành phố trực thuộc Trung ương”."""
        if n == self.total:
            return _("100%% %(label)s") % {"label": self.label}
        return f"{n}/{self.total} {self.label}"


@dataclass
class Rollup:
    as_of: dt.date
    province: Organisation | None  # None: national
    source: str
    groups: list[RollupGroup]

    @property
    def is_national(self) -> bool:
        return self.province is None

    @property
    def rate(self) -> Rate:
        on_time = sum(g.rate.on_time for g in self.groups)
        return Rate(on_time=on_time, counted=sum(g.rate.counted for g in self.groups))

    def _sentence(self, attr: str, template: str) -> str:
        groups = [g for g in self.groups if g.total]
        if not groups:
            return ""
        shares = [g.share(getattr(g, attr)) for g in groups]
        joined = shares[0] if len(shares) == 1 else ", ".join(shares[:-1]) + " " + _("và") + " " + shares[-1]
        return template % {"groups": joined}

    @property
    def committee_sentence(self) -> str:
        return self._sentence("with_committee", _("%(groups)s đã thành lập Ban Chỉ đạo"))

    @property
    def plan_sentence(self) -> str:
        return self._sentence("with_plan", _("%(groups)s đã ban hành kế hoạch"))

    @property
    def summary(self) -> str:
        parts = [s for s in (self.committee_sentence, self.plan_sentence) if s]
        return "; ".join(parts) + "." if parts else ""


def rollup_scope(*, actor: Actor, org_id: int | None = None) -> Organisation | None:
    """The province whose roll-up the actor asks for, or None for the national one.

    National needs plans.view everywhere; a province needs plans.view held at that province (or
    everywhere). Someone holding it only lower down has no roll-up: its figures would show other units.
    """
    if org_id is not None:
        province = Organisation.objects.filter(pk=org_id, level=Level.PROVINCE).first()
        allowed = province is not None and (
            can_globally(actor, Perm.PLANS_VIEW) or province.path in (scope_paths(actor, Perm.PLANS_VIEW) or ())
        )
        if not allowed:
            raise NotFound("Province not found")
        return province
    if can_globally(actor, Perm.PLANS_VIEW):
        return None
    paths = scope_paths(actor, Perm.PLANS_VIEW) or ()
    province = Organisation.objects.filter(level=Level.PROVINCE, path__in=paths).order_by("name").first()
    if province is None:
        raise PermissionDenied(
            _(
                "Số liệu tổng hợp dành cho quản trị hệ thống (toàn quốc) và cán bộ được xem kế hoạch ở cấp tỉnh "
                "(toàn tỉnh)."
            )
        )
    return province


def provinces_for(actor: Actor) -> list[Organisation]:
    """Provinces the actor may switch the roll-up to (all of them for a national viewer)."""
    qs = Organisation.objects.filter(level=Level.PROVINCE).order_by("name")
    if can_globally(actor, Perm.PLANS_VIEW):
        return list(qs.only("pk", "name"))
    return list(qs.filter(path__in=scope_paths(actor, Perm.PLANS_VIEW) or ()).only("pk", "name"))


def _active_on(as_of: dt.date) -> Q:
    return (Q(active_from__isnull=True) | Q(active_from__lte=as_of)) & (
        Q(active_to__isnull=True) | Q(active_to__gte=as_of)
    )


def rollup(*, province: Organisation | None, as_of: dt.date, source: str = "") -> Rollup:
    """The roll-up for the scope `rollup_scope` chose; `source` keeps only plans implementing that document."""
    if province is None:
        groups_spec = NATIONAL_GROUPS
        orgs_q = Q(depth=1)
    else:
        groups_spec = PROVINCIAL_GROUPS
        orgs_q = Q(depth=province.depth + 1, path__startswith=province.path)
    levels = [level for level, _label in groups_spec]
    orgs = {
        o["pk"]: RollupOrg(o["pk"], o["name"], o["level"])
        for o in Organisation.objects.filter(orgs_q, _active_on(as_of), level__in=levels)
        .order_by("name", "pk")
        .values("pk", "name", "level")
    }
    ids = list(orgs)
    committees = (
        SteeringCommittee.objects.filter(organisation_id__in=ids, decision_date__lte=as_of)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of))
        .order_by("decision_date", "pk")
        .values_list("organisation_id", "decision_number", "decision_date")
    )
    for org_id, number, date in committees:
        if orgs[org_id].committee is None:
            orgs[org_id].committee = (number, date)
    plans = Plan.objects.filter(organisation_id__in=ids, status__in=ISSUED_STATES, issued_on__lte=as_of)
    if source:
        plans = plans.filter(source_number__iexact=source)
    for org_id, number, date in plans.order_by("issued_on", "pk").values_list("organisation_id", "number", "issued_on"):
        org = orgs[org_id]
        org.plans += 1
        if org.plan is None:
            org.plan = (number, date)
    rows = (
        Task.objects.filter(plan__in=plans.values("pk"), kind=TaskKind.TASK)
        .annotate(status=status_expression(as_of))
        .values("plan__organisation_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        orgs[row["plan__organisation_id"]].counts[row["status"]] = row["n"]
    groups = [
        RollupGroup(level, str(label), [o for o in orgs.values() if o.level == level]) for level, label in groups_spec
    ]
    return Rollup(as_of=as_of, province=province, source=source, groups=groups)
