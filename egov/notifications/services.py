"""Creating notices: an in-app row per person, and an e-mail copy sent after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model

from egov.notifications.models import EmailState, Notification


def notify_users(
    *,
    users: Iterable,
    topic: str,
    title: str,
    body: str,
    url: str = "",
    obj: Model | None = None,
) -> list[Notification]:
    """Record one notice per active person; those with an e-mail address get it by mail as well."""
    rows = [
        Notification(
            user=user,
            topic=topic,
            title=title[:300],
            body=body,
            url=url[:500],
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            email_state=EmailState.PENDING if user.email else EmailState.NONE,
        )
        for user in users
        if user.is_active
    ]
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        pending = [n.pk for n in created if n.email_state == EmailState.PENDING and n.pk is not None]
        if pending:
            from egov.notifications.mail import enqueue_emails

            transaction.on_commit(lambda: enqueue_emails(pending))
    return created
