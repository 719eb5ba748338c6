"""Background jobs of plans (Django Tasks): take ISO dates only, call the jobs in egov.plans.reminders.

The e-mail copies of notices are sent by `egov.notifications.tasks.email_notifications`.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from egov.plans import reminders


@task()
def daily_reminders(day: str) -> dict[str, int]:
    """The reminder run for `day` (YYYY-MM-DD): due-soon and overdue reminders not yet sent."""
    return reminders.run_reminders(today=dt.date.fromisoformat(day))


@task()
def weekly_digest(day: str) -> dict[str, int]:
    """The committees' digest for the week containing `day` (YYYY-MM-DD)."""
    return reminders.run_weekly_digest(today=dt.date.fromisoformat(day))
