"""Background jobs of notifications (Django Tasks): they take ids only and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from egov.notifications import mail


@task()
def email_notifications(ids: list[int]) -> dict[str, int]:
    """Send the e-mail copies of these notices (those already sent or given up on are skipped)."""
    return mail.send_emails(ids)


@task()
def retry_emails() -> dict[str, int]:
    """Try again the e-mails that failed, up to the attempt limit."""
    return mail.send_emails(mail.retryable_ids())
