"""E-mail copies of notices: queued as a background task, sent over SMTP, retried until they go or give up.

A notice's e-mail is PENDING with no attempt when created; a worker claims it by bumping `email_attempts`
in a conditional UPDATE (so two workers never both send it), then marks it SENT or FAILED. FAILED ones are
tried again by the worker's retry sweep until `EGOV_EMAIL_MAX_ATTEMPTS` attempts have been made.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone

from egov.notifications.models import EmailState, Notification

logger = logging.getLogger(__name__)


def enqueue_emails(notification_ids: Iterable[int]) -> None:
    """Queue the e-mail task; called after the notices' transaction commits."""
    from egov.notifications.tasks import email_notifications

    ids = sorted(set(notification_ids))
    if not ids:
        return
    try:
        email_notifications.enqueue(ids)
    except Exception:
        # The notices are saved and stay PENDING: the worker's retry sweep picks them up later.
        logger.exception("Could not queue e-mail for %d notices", len(ids))


def _sendable() -> Q:
    return Q(email_state=EmailState.PENDING, email_attempts=0) | Q(
        email_state=EmailState.FAILED, email_attempts__lt=settings.EGOV_EMAIL_MAX_ATTEMPTS
    )


def retryable_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Failed e-mails with attempts left, and pending ones whose task was never queued (older than the delay)."""
    now = now or timezone.now()
    stale = now - dt.timedelta(minutes=settings.EGOV_EMAIL_RETRY_MINUTES)
    return list(
        Notification.objects.filter(
            Q(email_state=EmailState.FAILED, email_attempts__lt=settings.EGOV_EMAIL_MAX_ATTEMPTS)
            | Q(email_state=EmailState.PENDING, email_attempts=0, created_at__lt=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _message_body(notification: Notification) -> str:
    body = notification.body
    if notification.url:
        link = f"{settings.EGOV_SITE_URL}{notification.url}" if notification.url.startswith("/") else notification.url
        body = f"{body}\n\n{link}"
    return body


def send_emails(notification_ids: Iterable[int]) -> dict[str, int]:
    """Send the e-mail of each notice still to be sent; returns how many were sent and how many failed."""
    sent = failed = 0
    rows = list(Notification.objects.filter(pk__in=list(notification_ids)).filter(_sendable()).select_related("user"))
    if not rows:
        return {"sent": 0, "failed": 0}
    connection = get_connection(fail_silently=False)
    try:
        for notification in rows:
            attempt = notification.email_attempts + 1
            claimed = Notification.objects.filter(
                pk=notification.pk, email_state=notification.email_state, email_attempts=notification.email_attempts
            ).update(email_state=EmailState.PENDING, email_attempts=attempt)
            if not claimed:
                continue  # another worker has it
            subject = " ".join(notification.title.split())
            message = EmailMessage(
                subject, _message_body(notification), None, [notification.user.email], connection=connection
            )
            try:
                message.send()
            except OSError as exc:  # smtplib.SMTPException is an OSError, as are refused connections
                failed += 1
                Notification.objects.filter(pk=notification.pk).update(
                    email_state=EmailState.FAILED, email_error=f"{type(exc).__name__}: {exc}"[:500]
                )
                # A broken connection is not reused for the next message.
                connection.close()
            else:
                sent += 1
                Notification.objects.filter(pk=notification.pk).update(
                    email_state=EmailState.SENT, emailed_at=timezone.now(), email_error=""
                )
    finally:
        connection.close()
    return {"sent": sent, "failed": failed}
