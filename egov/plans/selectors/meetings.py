"""Reads of review meetings, limited to the committees the actor may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from egov.accounts.actor import Actor
from egov.core.errors import NotFound
from egov.plans.models import (
    ACTIVE_PLAN_STATES,
    AgendaItem,
    MeetingConclusion,
    Plan,
    ReviewMeeting,
    SteeringCommittee,
    Task,
    TaskKind,
)
from egov.plans.selectors import committees_visible
from egov.plans.status import UNFINISHED, TaskStatus, status_expression


def meeting_list(*, committee: SteeringCommittee) -> QuerySet[ReviewMeeting]:
    """A committee's meetings, newest first (the caller got the committee through `committee_get`)."""
    return (
        committee.meetings.select_related("plan")
        .annotate(agenda_count=Count("agenda", distinct=True), conclusion_count=Count("conclusions", distinct=True))
        .order_by("-held_at", "-pk")
    )


def meeting_get(*, actor: Actor, pk: int) -> ReviewMeeting:
    meeting = (
        ReviewMeeting.objects.filter(committee__in=committees_visible(actor=actor).values("pk"), pk=pk)
        .select_related("committee__organisation", "plan", "created_by")
        .first()
    )
    if meeting is None:
        raise NotFound("Meeting not found")
    return meeting


def meeting_agenda(*, meeting: ReviewMeeting) -> list[AgendaItem]:
    return list(meeting.agenda.select_related("task__lead_unit", "task__plan"))


def meeting_conclusions(*, meeting: ReviewMeeting) -> list[MeetingConclusion]:
    return list(meeting.conclusions.select_related("task__plan", "recorded_by"))


def meeting_plans(meeting: ReviewMeeting) -> QuerySet[Plan]:
    """The meeting's plan, or every active plan the committee follows."""
    if meeting.plan_id is not None:
        return Plan.objects.filter(pk=meeting.plan_id)
    return Plan.objects.filter(committee_id=meeting.committee_id, status__in=ACTIVE_PLAN_STATES)


def meeting_tasks(meeting: ReviewMeeting) -> QuerySet[Task]:
    return Task.objects.filter(kind=TaskKind.TASK, plan__in=meeting_plans(meeting).values("pk"))


def agenda_candidates(
    *, committee: SteeringCommittee, plan: Plan | None = None, today: dt.date | None = None
) -> QuerySet[Task]:
    """Unfinished tasks of the committee's active plans (or of one plan): overdue, then due soon, then the rest."""
    today = today or timezone.localdate()
    qs = Task.objects.filter(kind=TaskKind.TASK, plan__committee=committee, plan__status__in=ACTIVE_PLAN_STATES)
    if plan is not None:
        qs = qs.filter(plan=plan)
    rank = Case(
        When(status=TaskStatus.OVERDUE.value, then=Value(0)),
        When(status=TaskStatus.DUE_SOON.value, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        qs.annotate(status=status_expression(today))
        .filter(status__in=[s.value for s in UNFINISHED])
        .annotate(rank=rank)
        .select_related("plan", "lead_unit")
        .order_by("rank", F("due_date").asc(nulls_last=True), "plan_id", "sort_key", "pk")
    )


def meeting_open_tasks(meeting: ReviewMeeting) -> QuerySet[Task]:
    """The meeting's tasks still being carried out: those a conclusion or an agenda line may name."""
    return (
        meeting_tasks(meeting)
        .filter(completed_on__isnull=True, dropped_on__isnull=True)
        .select_related("plan")
        .order_by("plan_id", "sort_key")
    )
