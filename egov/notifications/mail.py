"""E-mail copies of notices. Replaced by a background task (Django Tasks) in the reminders work."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import timezone

from egov.notifications.models import EmailState, Notification


def enqueue_emails(notification_ids: list[int]) -> None:
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        try:
            send_mail(notification.title, notification.body, None, [notification.user.email])
        except OSError as exc:
            Notification.objects.filter(pk=notification.pk).update(
                email_state=EmailState.FAILED,
                email_error=str(exc)[:500],
                email_attempts=notification.email_attempts + 1,
            )
        else:
            Notification.objects.filter(pk=notification.pk).update(
                email_state=EmailState.SENT, emailed_at=timezone.now(), email_attempts=notification.email_attempts + 1
            )
