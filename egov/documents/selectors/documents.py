"""Documents as the actor may see them: one document, lists, work queues, deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import scope_paths
from egov.accounts.roles import Perm
from egov.core.errors import NotFound
from egov.documents.models import (
    AccessGrant,
    Assignment,
    AssignmentRole,
    AssignmentState,
    Direction,
    Document,
    IncomingState,
    OutgoingState,
)
from egov.documents.permissions import member_org_ids, visible_q

DUE_SOON_WORKING_DAYS = 2


def visible_documents(actor: Actor) -> QuerySet[Document]:
    return Document.objects.filter(visible_q(actor))


def document_get(actor: Actor, pk) -> Document:
    """One document the actor may see; anything else is "not found" (a secret leaves no trace)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Không tìm thấy văn bản.")) from None
    document = (
        visible_documents(actor)
        .select_related("organisation", "issuer", "drafting_unit", "signer", "created_by", "source")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise NotFound(_("Không tìm thấy văn bản."))
    return document


def _paths_q(paths, field: str) -> Q:
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    return Q(*[Q(**{f"{field}__startswith": p}) for p in paths], _connector=Q.OR)


def documents_list(
    actor: Actor,
    *,
    direction: str | None = None,
    states: tuple[str, ...] = (),
    organisation=None,
    year: int | None = None,
) -> QuerySet[Document]:
    qs = visible_documents(actor).select_related("organisation")
    if direction:
        qs = qs.filter(direction=direction)
    if states:
        qs = qs.filter(state__in=states)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if year:
        qs = qs.filter(Q(year=year) | Q(arrival_year=year))
    return qs


def to_register(actor: Actor) -> QuerySet[Document]:
    """Văn thư: electronic arrivals waiting for the incoming register, urgent first."""
    return (
        visible_documents(actor)
        .filter(direction=Direction.INCOMING, state=IncomingState.ARRIVED)
        .filter(_paths_q(scope_paths(actor, Perm.DOCS_REGISTER), "organisation__path"))
        .order_by("received_at", "pk")
    )


def to_issue(actor: Actor) -> QuerySet[Document]:
    """Văn thư: signed outgoing documents waiting for a number, the seal and dispatch."""
    return (
        visible_documents(actor)
        .filter(direction=Direction.OUTGOING, state=OutgoingState.SIGNED)
        .filter(_paths_q(scope_paths(actor, Perm.DOCS_REGISTER), "organisation__path"))
        .order_by("updated_at", "pk")
    )


def to_assign(actor: Actor) -> QuerySet[Document]:
    """Lãnh đạo: registered incoming documents waiting for assignment."""
    return (
        visible_documents(actor)
        .filter(direction=Direction.INCOMING, state=IncomingState.REGISTERED)
        .filter(_paths_q(scope_paths(actor, Perm.DOCS_ASSIGN), "organisation__path"))
        .order_by("arrival_year", "arrival_number")
    )


def to_review(actor: Actor) -> QuerySet[Document]:
    """Drafts waiting for this leader: unit review, approval, or the leader's own signature."""
    user = actor.user
    q = Q(state=OutgoingState.IN_REVIEW) & _paths_q(scope_paths(actor, Perm.DOCS_REVIEW), "drafting_unit__path")
    q |= Q(state=OutgoingState.AWAITING_APPROVAL) & _paths_q(
        scope_paths(actor, Perm.DOCS_APPROVE), "organisation__path"
    )
    if user is not None and user.is_authenticated:
        q |= Q(state=OutgoingState.APPROVED, signer=user)
    return visible_documents(actor).filter(direction=Direction.OUTGOING).filter(q).order_by("updated_at", "pk")


def my_drafts(actor: Actor) -> QuerySet[Document]:
    user = actor.user
    if user is None or not user.is_authenticated:
        return Document.objects.none()
    return (
        visible_documents(actor)
        .filter(direction=Direction.OUTGOING, created_by=user)
        .exclude(state__in=[OutgoingState.ISSUED, OutgoingState.RECALLED])
        .order_by("-updated_at")
    )


@dataclass(frozen=True)
class WorkItem:
    assignment: Assignment
    overdue: bool
    due_soon: bool


def _flags(due_on: dt.date | None, today: dt.date, soon: dt.date) -> tuple[bool, bool]:
    if due_on is None:
        return False, False
    if due_on < today:
        return True, False
    return False, due_on <= soon


def my_work(actor: Actor) -> list[WorkItem]:
    """Chuyên viên: open assignments to the person or their units, soonest deadline first (overdue on top)."""
    user = actor.user
    if user is None or not user.is_authenticated:
        return []
    units = member_org_ids(actor)
    rows = (
        Assignment.objects.filter(state__in=[AssignmentState.OPEN, AssignmentState.IN_PROGRESS])
        .filter(Q(person=user) | Q(unit_id__in=units, person__isnull=True))
        .filter(document__in=visible_documents(actor))
        .exclude(document__state=IncomingState.RECALLED)
        .select_related("document", "unit", "person", "assigned_by")
        .order_by("due_on", "pk")
    )
    from egov.calendar.workdays import add_working_days

    today = timezone.localdate()
    soon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    items = [WorkItem(row, *_flags(row.due_on, today, soon)) for row in rows]
    items.sort(key=lambda i: (not i.overdue, i.assignment.due_on or dt.date.max, i.assignment.pk))
    return items


def deadline_lists(actor: Actor, organisation) -> dict[str, list[Document]]:
    """Quá hạn and sắp đến hạn: incoming documents of the organisation still being handled."""
    from egov.calendar.workdays import add_working_days

    today = timezone.localdate()
    soon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    base = (
        visible_documents(actor)
        .filter(organisation=organisation, direction=Direction.INCOMING, state=IncomingState.ASSIGNED)
        .filter(handling_due_on__isnull=False)
        .order_by("handling_due_on", "pk")
    )
    return {
        "overdue": list(base.filter(handling_due_on__lt=today)),
        "due_soon": list(base.filter(handling_due_on__gte=today, handling_due_on__lte=soon)),
    }


def timeline(document: Document):
    return document.events.select_related("actor").order_by("at", "pk")


def assignment_tree(document: Document) -> list[Assignment]:
    return list(document.assignments.select_related("unit", "person", "assigned_by", "completed_by").order_by("pk"))


def open_lead(document: Document) -> Assignment | None:
    return (
        document.assignments.filter(role=AssignmentRole.LEAD, parent__isnull=True)
        .exclude(state=AssignmentState.FORWARDED)
        .first()
    )


def assignment_get(actor: Actor, pk: int) -> Assignment:
    """An assignment of a document the actor may see; anything else is "not found"."""
    row = (
        Assignment.objects.filter(pk=pk, document__in=visible_documents(actor))
        .select_related("document", "unit", "person")
        .first()
    )
    if row is None:
        raise NotFound(_("Không tìm thấy việc được giao."))
    return row


def grant_get(actor: Actor, pk: int) -> AccessGrant:
    """A grant on a document the actor may see; anything else is "not found"."""
    row = (
        AccessGrant.objects.filter(pk=pk, document__in=visible_documents(actor))
        .select_related("document__organisation", "person")
        .first()
    )
    if row is None:
        raise NotFound(_("Không tìm thấy quyền truy cập."))
    return row
