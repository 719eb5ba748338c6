"""Reads of review meetings, limited to the committees the actor may see."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from egov.accounts.actor import Actor
from egov.core.errors import NotFound
from egov.plans.models import AgendaItem, MeetingConclusion, ReviewMeeting, SteeringCommittee
from egov.plans.selectors import committees_visible


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
