"""Nhắc việc tự động: the daily reminder run over every task of active plans, and the weekly committee digest.

Both jobs are set-based (a handful of queries whatever the number of tasks) and idempotent: a scheduled
reminder is one `Urge` per task and milestone (the `urge_once_per_milestone` constraint), a digest one
`ReminderDigest` per committee and week, so running a job twice sends nothing new. A run holds a lock for
its whole transaction (PostgreSQL advisory lock; SQLite's IMMEDIATE transactions already serialise
writers), so two workers running it at once cannot both decide the same reminder is new.

Milestones: "due soon" once per due date, from `task.due_soon_from`; "overdue" when 1, 5, 10, 20, 40 and
60 working days late — only the highest milestone reached is sent, so a first run over old data sends one
reminder per task, not six.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.models import User
from egov.audit.services import audit_record
from egov.calendar.workdays import WorkingCalendar
from egov.notifications.services import Notice, notify_each
from egov.organisations.models import Organisation
from egov.plans.models import (
    ACTIVE_PLAN_STATES,
    CommitteeMember,
    ReminderDigest,
    SteeringCommittee,
    Task,
    TaskEvent,
    TaskKind,
    Urge,
    UrgeKind,
)
from egov.plans.recipients import unit_people
from egov.plans.status import TaskStatus, status_expression

OVERDUE_MILESTONES = (1, 5, 10, 20, 40, 60)
SYSTEM_LABEL = "egov worker"
BATCH = 2000
DIGEST_OVERDUE_LISTED = 50
# A person answering for a whole department's backlog gets a readable mail: the first lines, then a count.
NOTICE_TASKS_LISTED = 100


@dataclass
class _Reminder:
    task_id: int
    plan_id: int
    lead_unit_id: int
    leader_id: int | None
    number: str
    title: str
    due_date: dt.date
    kind: str
    milestone: str
    late_days: int = 0

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.task_id, self.kind, self.milestone)

    def line(self) -> str:
        name = f"{self.number}. {self.title}" if self.number else self.title
        due = self.due_date.strftime("%d/%m/%Y")
        if self.kind == UrgeKind.OVERDUE:
            return _("[Quá hạn %(n)d ngày làm việc] %(t)s — hạn %(due)s") % {"n": self.late_days, "t": name, "due": due}
        return _("[Sắp đến hạn] %(t)s — hạn %(due)s") % {"t": name, "due": due}

    def message(self) -> str:
        due = self.due_date.strftime("%d/%m/%Y")
        if self.kind == UrgeKind.OVERDUE:
            return _(
                "Đầu việc “%(t)s” đã quá hạn %(n)d ngày làm việc (hạn %(due)s), đề nghị khẩn trương hoàn thành."
            ) % {
                "t": self.title,
                "n": self.late_days,
                "due": due,
            }
        return _("Đầu việc “%(t)s” sắp đến hạn hoàn thành (hạn %(due)s).") % {"t": self.title, "due": due}


def _lock(name: str) -> None:
    """Serialise runs of one job across workers (must be called inside the run's transaction)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


def _open_tasks(today: dt.date):
    """Tasks of active plans still being carried out and at least due soon (reported done: not reminded)."""
    return Task.objects.filter(
        kind=TaskKind.TASK,
        plan__status__in=ACTIVE_PLAN_STATES,
        completed_on__isnull=True,
        dropped_on__isnull=True,
        completion_requested=False,
        due_date__isnull=False,
    ).filter(Q(due_soon_from__lte=today) | Q(due_date__lt=today))


def _candidates(today: dt.date, calendar: WorkingCalendar) -> list[_Reminder]:
    late_by: dict[dt.date, int] = {}
    found = []
    rows = _open_tasks(today).values_list(
        "pk", "plan_id", "lead_unit_id", "responsible_leader_id", "number", "title", "due_date"
    )
    for pk, plan_id, unit_id, leader_id, number, title, due in rows.iterator(chunk_size=BATCH):
        if due >= today:
            found.append(
                _Reminder(
                    pk, plan_id, unit_id, leader_id, number, title, due, UrgeKind.DUE_SOON, f"due:{due.isoformat()}"
                )
            )
            continue
        if due not in late_by:
            late_by[due] = calendar.working_days_between(due, today)
        late = late_by[due]
        reached = [m for m in OVERDUE_MILESTONES if m <= late]
        if not reached:
            continue  # past the due date only by days off: not yet a working day late
        found.append(
            _Reminder(
                pk,
                plan_id,
                unit_id,
                leader_id,
                number,
                title,
                due,
                UrgeKind.OVERDUE,
                f"overdue:{due.isoformat()}:{reached[-1]}",
                late,
            )
        )
    return found


def _sent_keys(today: dt.date) -> set[tuple[int, str, str]]:
    return set(
        Urge.objects.filter(
            kind__in=[UrgeKind.DUE_SOON, UrgeKind.OVERDUE], task__in=_open_tasks(today).values("pk")
        ).values_list("task_id", "kind", "milestone")
    )


def _recipients_by_unit(reminders: list[_Reminder]) -> tuple[dict[int, list[User]], dict[int, User]]:
    """The people of each lead unit (computed once per unit) and the responsible leaders, by id."""
    units = Organisation.objects.in_bulk({r.lead_unit_id for r in reminders})
    people = {unit_id: unit_people(unit) for unit_id, unit in units.items()}
    leader_ids = {r.leader_id for r in reminders if r.leader_id is not None}
    leaders = {u.pk: u for u in User.objects.filter(pk__in=leader_ids, is_active=True)} if leader_ids else {}
    return people, leaders


def _people_for(reminder: _Reminder, people: dict[int, list[User]], leaders: dict[int, User]) -> list[User]:
    found = list(people.get(reminder.lead_unit_id, []))
    leader = leaders.get(reminder.leader_id)
    if leader is not None and all(p.pk != leader.pk for p in found):
        found.append(leader)
    return found


def _person_notice(user: User, reminders: list[_Reminder]) -> Notice:
    reminders = sorted(reminders, key=lambda r: (r.kind != UrgeKind.OVERDUE, r.due_date, r.task_id))
    overdue = sum(1 for r in reminders if r.kind == UrgeKind.OVERDUE)
    soon = len(reminders) - overdue
    title = _("Nhắc việc: %(o)d đầu việc quá hạn, %(s)d đầu việc sắp đến hạn") % {"o": overdue, "s": soon}
    body = "\n".join(
        [_("Kính gửi %(name)s,") % {"name": user.full_name}, "", _("Các đầu việc sau cần được quan tâm:")]
        + [f"- {r.line()}" for r in reminders[:NOTICE_TASKS_LISTED]]
        + (
            [_("… và %(n)d đầu việc khác.") % {"n": len(reminders) - NOTICE_TASKS_LISTED}]
            if len(reminders) > NOTICE_TASKS_LISTED
            else []
        )
    )
    if len(reminders) == 1:
        url, object_type, object_id = (
            reverse("plans:task_detail", args=[reminders[0].task_id]),
            "plans.task",
            str(reminders[0].task_id),
        )
    else:
        url, object_type, object_id = reverse("plans:my_tasks"), "", ""
    return Notice(
        user=user,
        topic="plans.reminder",
        title=title,
        body=body,
        url=url,
        object_type=object_type,
        object_id=object_id,
    )


def run_reminders(*, today: dt.date | None = None, calendar: WorkingCalendar | None = None) -> dict[str, int]:
    """Send the due-soon and overdue reminders that have not been sent yet; returns what was sent."""
    today = today or timezone.localdate()
    calendar = calendar or WorkingCalendar(years=[today.year - 1, today.year])
    with transaction.atomic():
        _lock("plans.reminders")
        sent_before = _sent_keys(today)
        new = [r for r in _candidates(today, calendar) if r.key not in sent_before]
        if not new:
            return {"due_soon": 0, "overdue": 0, "people": 0, "notifications": 0}
        people, leaders = _recipients_by_unit(new)
        per_person: dict[int, list[_Reminder]] = defaultdict(list)
        users: dict[int, User] = {}
        urges = []
        for reminder in new:
            recipients = _people_for(reminder, people, leaders)
            for user in recipients:
                users[user.pk] = user
                per_person[user.pk].append(reminder)
            urges.append(
                Urge(
                    task_id=reminder.task_id,
                    kind=reminder.kind,
                    milestone=reminder.milestone,
                    to_unit_id=reminder.lead_unit_id,
                    recipients=[{"id": u.pk, "name": u.full_name} for u in recipients],
                    message=reminder.message(),
                )
            )
        Urge.objects.bulk_create(urges, batch_size=BATCH, ignore_conflicts=True)
        # ignore_conflicts leaves the ids unset: read back the rows of this run to link the timeline to them.
        urge_ids = {
            (task_id, kind, milestone): pk
            for pk, task_id, kind, milestone in Urge.objects.filter(
                kind__in=[UrgeKind.DUE_SOON, UrgeKind.OVERDUE], task__in=_open_tasks(today).values("pk")
            ).values_list("pk", "task_id", "kind", "milestone")
        }
        TaskEvent.objects.bulk_create(
            [
                TaskEvent(
                    task_id=r.task_id,
                    kind=TaskEvent.Kind.REMINDED,
                    summary=r.message()[:1000],
                    data={"urge": urge_ids.get(r.key), "milestone": r.milestone, "recipients": len(u.recipients)},
                    by_label=SYSTEM_LABEL,
                )
                for r, u in zip(new, urges, strict=True)
            ],
            batch_size=BATCH,
        )
        notices = notify_each(_person_notice(users[pk], per_person[pk]) for pk in sorted(per_person))
        counts = {
            "due_soon": sum(1 for r in new if r.kind == UrgeKind.DUE_SOON),
            "overdue": sum(1 for r in new if r.kind == UrgeKind.OVERDUE),
            "people": len(per_person),
            "notifications": len(notices),
        }
        audit_record(
            actor=Actor.system(SYSTEM_LABEL),
            action="plans.reminders.run",
            object_type="plans.reminders",
            object_id=today.isoformat(),
            object_repr=_("Nhắc việc tự động ngày %(d)s") % {"d": today.strftime("%d/%m/%Y")},
            after=counts,
        )
    return counts


# --- Weekly digest ----------------------------------------------------------------------------------


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _digest_summaries(committee_ids: list[int], today: dt.date) -> dict[int, dict]:
    tasks = Task.objects.filter(
        kind=TaskKind.TASK, plan__committee_id__in=committee_ids, plan__status__in=ACTIVE_PLAN_STATES
    )
    summaries: dict[int, dict] = {
        cid: {"counts": {}, "total": 0, "overdue": [], "overdue_total": 0} for cid in committee_ids
    }
    for committee_id, status, n in (
        tasks.annotate(status=status_expression(today))
        .values("plan__committee_id", "status")
        .annotate(n=Count("pk"))
        .values_list("plan__committee_id", "status", "n")
    ):
        summaries[committee_id]["counts"][status] = n
        summaries[committee_id]["total"] += n
    overdue = (
        tasks.filter(completed_on__isnull=True, dropped_on__isnull=True, due_date__lt=today)
        .order_by("due_date", "pk")
        .values_list("plan__committee_id", "pk", "number", "title", "due_date", "lead_unit__name")
    )
    for committee_id, pk, number, title, due, unit in overdue.iterator(chunk_size=BATCH):
        summary = summaries[committee_id]
        summary["overdue_total"] += 1
        if len(summary["overdue"]) < DIGEST_OVERDUE_LISTED:
            summary["overdue"].append(
                {"task": pk, "number": number, "title": title, "due_date": due.isoformat(), "lead_unit": unit}
            )
    return summaries


def _digest_body(committee: SteeringCommittee, summary: dict, week_start: dt.date) -> str:
    lines = [
        _("Tình hình thực hiện các kế hoạch do %(c)s theo dõi, tuần bắt đầu ngày %(d)s:")
        % {"c": committee.name, "d": week_start.strftime("%d/%m/%Y")},
        "",
        _("Tổng số đầu việc: %(n)d") % {"n": summary["total"]},
    ]
    for status in TaskStatus:
        n = summary["counts"].get(status.value, 0)
        if n:
            lines.append(f"- {status.label}: {n}")
    if summary["overdue"]:
        lines += ["", _("Đầu việc quá hạn (%(n)d):") % {"n": summary["overdue_total"]}]
        for item in summary["overdue"]:
            name = f"{item['number']}. {item['title']}" if item["number"] else item["title"]
            due = dt.date.fromisoformat(item["due_date"]).strftime("%d/%m/%Y")
            lines.append(_("- %(t)s — %(u)s — hạn %(due)s") % {"t": name, "u": item["lead_unit"], "due": due})
        more = summary["overdue_total"] - len(summary["overdue"])
        if more > 0:
            lines.append(_("… và %(n)d đầu việc quá hạn khác.") % {"n": more})
    return "\n".join(lines)


def run_weekly_digest(*, today: dt.date | None = None) -> dict[str, int]:
    """Send each committee's digest for the week of `today` to its current members with accounts, once."""
    today = today or timezone.localdate()
    week_start = week_start_of(today)
    with transaction.atomic():
        _lock("plans.weekly_digest")
        done = ReminderDigest.objects.filter(week_start=week_start).values("committee_id")
        committees = list(
            SteeringCommittee.objects.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=today))
            .filter(plans__status__in=ACTIVE_PLAN_STATES)
            .exclude(pk__in=done)
            .distinct()
            .order_by("pk")
        )
        if not committees:
            return {"digests": 0, "notifications": 0}
        ids = [c.pk for c in committees]
        summaries = _digest_summaries(ids, today)
        members: dict[int, dict[int, User]] = defaultdict(dict)
        for member in (
            CommitteeMember.objects.filter(
                committee_id__in=ids, user__isnull=False, user__is_active=True, joined_on__lte=today
            )
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=today))
            .select_related("user")
            .order_by("order", "pk")
        ):
            members[member.committee_id].setdefault(member.user_id, member.user)
        ReminderDigest.objects.bulk_create(
            [
                ReminderDigest(
                    committee=c,
                    week_start=week_start,
                    recipients=[{"id": u.pk, "name": u.full_name} for u in members[c.pk].values()],
                    summary=summaries[c.pk],
                )
                for c in committees
            ],
            ignore_conflicts=True,
        )
        notices = []
        for committee in committees:
            title = _("Tổng hợp tuần %(d)s: %(c)s") % {"d": week_start.strftime("%d/%m/%Y"), "c": committee.name}
            body = _digest_body(committee, summaries[committee.pk], week_start)
            url = reverse("plans:committee_detail", args=[committee.pk])
            notices += [
                Notice(
                    user=user,
                    topic="plans.digest",
                    title=title,
                    body=body,
                    url=url,
                    object_type="plans.steeringcommittee",
                    object_id=str(committee.pk),
                )
                for user in members[committee.pk].values()
            ]
        created = notify_each(notices)
        counts = {"digests": len(committees), "notifications": len(created)}
        audit_record(
            actor=Actor.system(SYSTEM_LABEL),
            action="plans.reminders.digest",
            object_type="plans.reminders",
            object_id=week_start.isoformat(),
            object_repr=_("Tổng hợp tuần %(d)s") % {"d": week_start.strftime("%d/%m/%Y")},
            after=counts,
        )
    return counts
