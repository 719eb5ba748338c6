"""Reads of committees, plans and tasks, limited to what the actor may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.roles import Perm
from egov.core.errors import NotFound
from egov.core.text import clean, fold
from egov.organisations.models import Organisation
from egov.plans.models import (
    CommitteeMember,
    MembershipChange,
    Plan,
    ProgressReport,
    SteeringCommittee,
    Task,
    TaskEvent,
    TaskKind,
)
from egov.plans.permissions import paths_q
from egov.plans.status import status_expression


def committees_visible(*, actor: Actor) -> QuerySet[SteeringCommittee]:
    query = paths_q(actor, Perm.PLANS_VIEW, "organisation__path")
    qs = SteeringCommittee.objects.select_related("organisation", "decision_issuer")
    return qs if query is None else qs.filter(query)


def committee_get(*, actor: Actor, pk: int) -> SteeringCommittee:
    committee = committees_visible(actor=actor).filter(pk=pk).first()
    if committee is None:
        raise NotFound("Steering committee not found")
    return committee


def committee_member_get(*, actor: Actor, pk: int) -> CommitteeMember:
    """A member of a committee the actor may see (the committee selector does the scoping)."""
    member = (
        CommitteeMember.objects.filter(pk=pk, committee__in=committees_visible(actor=actor))
        .select_related("committee__organisation", "member_organisation", "user")
        .first()
    )
    if member is None:
        raise NotFound(_("Không tìm thấy thành viên Ban Chỉ đạo."))
    return member


def plans_organisation_get(*, actor: Actor, pk: int | None = None, code: str | None = None) -> Organisation:
    """An organisation whose plans the actor may see; anyone else learns nothing, not even that it exists."""
    from egov.accounts.permissions import can

    query = Organisation.objects.filter(pk=pk) if pk is not None else Organisation.objects.filter(code=code or "")
    organisation = query.first()
    if organisation is None or not can(actor, Perm.PLANS_VIEW, organisation):
        raise NotFound("Organisation not found")
    return organisation


def committee_members(*, committee: SteeringCommittee, current_only: bool = False) -> list[CommitteeMember]:
    qs = committee.members.select_related("member_organisation", "user").prefetch_related("followed_units")
    if current_only:
        qs = qs.filter(left_on__isnull=True)
    from egov.plans.models.committees import ROLE_ORDER

    return sorted(qs, key=lambda m: (m.left_on is not None, ROLE_ORDER.get(m.role, 99), m.order, m.pk))


def committee_history(*, committee: SteeringCommittee) -> QuerySet[MembershipChange]:
    return committee.membership_changes.select_related("member", "recorded_by")


def plans_visible(*, actor: Actor) -> QuerySet[Plan]:
    """Plans of organisations where the actor holds plans.view, and plans that give their units a task."""
    own = paths_q(actor, Perm.PLANS_VIEW, "organisation__path")
    qs = Plan.objects.select_related("organisation", "issuer", "committee")
    if own is None:
        return qs
    units = paths_q(actor, Perm.PLANS_VIEW, "lead_unit__path")
    coop = paths_q(actor, Perm.PLANS_VIEW, "cooperating_units__path")
    assigned = Task.objects.filter(plan=OuterRef("pk")).filter(units | coop)
    return qs.filter(own | Q(Exists(assigned)))


def plan_list(
    *, actor: Actor, search: str = "", status: str = "", organisation: Organisation | None = None
) -> QuerySet[Plan]:
    qs = plans_visible(actor=actor)
    search = clean(search)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(number__icontains=search) | Q(source_number__icontains=search))
    if status:
        qs = qs.filter(status=status)
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    return qs.order_by("-issued_on", "-pk")


def plan_get(*, actor: Actor, pk: int) -> Plan:
    plan = plans_visible(actor=actor).filter(pk=pk).first()
    if plan is None:
        raise NotFound("Plan not found")
    return plan


def _with_status(qs: QuerySet[Task], today: dt.date) -> QuerySet[Task]:
    return qs.annotate(status=status_expression(today))


def plan_tasks(*, plan: Plan, today: dt.date | None = None) -> list[Task]:
    """The plan's whole tree in order, with status, lead unit and cooperating units: a fixed number of queries."""
    today = today or timezone.localdate()
    qs = (
        _with_status(plan.tasks.all(), today)
        .select_related("lead_unit", "responsible_leader")
        .prefetch_related(Prefetch("cooperating_units", queryset=Organisation.objects.only("id", "name", "short_name")))
        .order_by("sort_key")
    )
    return list(qs)


def tasks_visible(*, actor: Actor) -> QuerySet[Task]:
    return Task.objects.filter(plan__in=plans_visible(actor=actor).values("pk"))


def task_get(*, actor: Actor, pk: int, today: dt.date | None = None) -> Task:
    today = today or timezone.localdate()
    task = (
        _with_status(tasks_visible(actor=actor), today)
        .select_related("plan__organisation", "plan__committee", "lead_unit", "responsible_leader", "parent")
        .prefetch_related("cooperating_units")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise NotFound("Task not found")
    return task


def unit_tasks(
    *, actor: Actor, units: list[Organisation], today: dt.date | None = None, status: str = "", search: str = ""
) -> QuerySet[Task]:
    """Tasks that the given units lead or cooperate in (the unit specialist's list), active plans only."""
    today = today or timezone.localdate()
    if not units:
        return Task.objects.none()
    in_units = Q(*[Q(lead_unit__path__startswith=u.path) for u in units], _connector=Q.OR)
    coop = Q(*[Q(cooperating_units__path__startswith=u.path) for u in units], _connector=Q.OR)
    ids = Task.objects.filter(in_units | coop, kind=TaskKind.TASK).values("pk")
    qs = (
        _with_status(tasks_visible(actor=actor).filter(pk__in=ids, plan__status__in=("issued", "amended")), today)
        .select_related("plan", "lead_unit")
        .order_by("due_date", "pk")
    )
    if status:
        qs = qs.filter(status=status)
    search = fold(clean(search))
    if search:
        qs = qs.filter(folded_text__contains=search)
    return qs


def task_reports(*, task: Task) -> QuerySet[ProgressReport]:
    return task.reports.select_related("unit", "submitted_by").prefetch_related("evidence", "reviews")


def task_history(*, task: Task) -> QuerySet[TaskEvent]:
    return task.events.select_related("by")


def evidence_get(*, actor: Actor, pk: int):
    from egov.plans.models import ProgressEvidence

    evidence = (
        ProgressEvidence.objects.filter(pk=pk, report__task__in=tasks_visible(actor=actor))
        .select_related("report__task")
        .first()
    )
    if evidence is None:
        raise NotFound("File not found")
    return evidence


@dataclass(slots=True)
class TreeNode:
    """One row of a plan's tree as the plan page shows it: plain values, no model instance."""

    pk: int
    parent_id: int | None
    kind: str
    number: str
    title: str
    product: str
    sort_key: str
    lead_unit_id: int | None
    lead_unit_name: str
    lead_unit_path: str
    deadline_text: str
    due_date: dt.date | None
    percent: int
    status: str
    cooperating: list[str] = field(default_factory=list)


def plan_tree(*, plan: Plan, today: dt.date | None = None) -> list[TreeNode]:
    """The plan's tree for its page in two queries, reading values rather than building model instances: a
    500-task plan is the page's whole cost, and instances of tasks and units cost more than the rest together."""
    today = today or timezone.localdate()
    rows = (
        plan.tasks.annotate(status=status_expression(today))
        .order_by("sort_key")
        .values_list(
            "pk",
            "parent_id",
            "kind",
            "number",
            "title",
            "product",
            "sort_key",
            "lead_unit_id",
            "lead_unit__short_name",
            "lead_unit__name",
            "lead_unit__path",
            "deadline_text",
            "due_date",
            "percent",
            "status",
        )
    )
    nodes = {}
    for pk, parent, kind, number, title, product, key, unit, short, name, path, text, due, percent, status in rows:
        nodes[pk] = TreeNode(
            pk,
            parent,
            kind,
            number,
            title,
            product,
            key,
            unit,
            short or name or "",
            path or "",
            text,
            due,
            percent,
            status,
        )
    links = Task.cooperating_units.through.objects.filter(task__plan=plan).values_list(
        "task_id", "organisation__short_name", "organisation__name"
    )
    for task_id, short, name in links:
        nodes[task_id].cooperating.append(short or name)
    for node in nodes.values():
        node.cooperating.sort()
    return list(nodes.values())


def task_children(*, task: Task, today: dt.date | None = None) -> list[Task]:
    """The direct children of a section, in order, with their status."""
    today = today or timezone.localdate()
    return list(_with_status(task.children.all(), today).select_related("lead_unit").order_by("sort_key"))


def unit_task_counts(*, actor: Actor, unit: Organisation, today: dt.date | None = None) -> dict[str, int]:
    """How many of the tasks a unit leads or cooperates in stand in each status (one query; the home page)."""
    from django.db.models import Count

    rows = unit_tasks(actor=actor, units=[unit], today=today).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
