"""Notices about tasks: who is told what, in the app and by e-mail (through egov.notifications)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from egov.notifications.services import notify_users
from egov.plans.models import CompletionReview, ReviewDecision, Task, Urge
from egov.plans.recipients import unit_recipients


def _task_url(task: Task) -> str:
    return reverse("plans:task_detail", args=[task.pk])


def completion_requested(*, task_id: int, report_id: int) -> None:
    """Tell the leaders who may confirm that the lead unit reports the task done."""
    from egov.accounts.models import RoleAssignment
    from egov.accounts.roles import ROLE_PERMISSIONS, Perm

    task = Task.objects.select_related("plan__organisation", "lead_unit", "responsible_leader").get(pk=task_id)
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if Perm.PLANS_CONFIRM in perms]
    org = task.plan.organisation
    ancestors = [org.path[:i] for i in range(org.steplen, len(org.path) + 1, org.steplen)]
    users = {
        ra.user
        for ra in RoleAssignment.objects.filter(role__in=roles, organisation__path__in=ancestors).select_related("user")
        if ra.user.is_active
    }
    if task.responsible_leader is not None:
        users.add(task.responsible_leader)
    notify_users(
        users=sorted(users, key=lambda u: u.pk),
        topic="plans.completion_requested",
        title=_("Đề nghị xác nhận hoàn thành: %(t)s") % {"t": task.title[:150]},
        body=_("%(unit)s báo cáo đã hoàn thành đầu việc “%(t)s” và đề nghị xác nhận.")
        % {"unit": task.lead_unit.name, "t": task.title},
        url=_task_url(task),
        obj=task,
    )


def reviewed(*, review_id: int) -> None:
    review = CompletionReview.objects.select_related("task__lead_unit", "task__responsible_leader").get(pk=review_id)
    task = review.task
    if review.decision == ReviewDecision.CONFIRMED:
        title = _("Đã xác nhận hoàn thành: %(t)s") % {"t": task.title[:150]}
        body = _("Lãnh đạo đã xác nhận đầu việc “%(t)s” hoàn thành ngày %(d)s.") % {
            "t": task.title,
            "d": review.completed_on.strftime("%d/%m/%Y"),
        }
    else:
        title = _("Trả lại đề nghị hoàn thành: %(t)s") % {"t": task.title[:150]}
        body = _("Lãnh đạo trả lại đề nghị xác nhận hoàn thành đầu việc “%(t)s”: %(c)s") % {
            "t": task.title,
            "c": review.comment,
        }
    notify_users(
        users=unit_recipients(task), topic="plans.reviewed", title=title, body=body, url=_task_url(task), obj=task
    )


def urged(*, urge_id: int) -> None:
    urge = Urge.objects.select_related("task__lead_unit", "task__responsible_leader", "by").get(pk=urge_id)
    task = urge.task
    who = urge.by.full_name if urge.by else _("Hệ thống")
    notify_users(
        users=unit_recipients(task),
        topic="plans.urged",
        title=_("Đôn đốc thực hiện: %(t)s") % {"t": task.title[:150]},
        body=_("%(who)s đôn đốc %(unit)s thực hiện đầu việc “%(t)s” (hạn %(due)s): %(m)s")
        % {"who": who, "unit": task.lead_unit.name, "t": task.title, "due": task.deadline_text, "m": urge.message},
        url=_task_url(task),
        obj=task,
    )
