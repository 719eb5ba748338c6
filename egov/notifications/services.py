"""Creating notices: an in-app row per person, and an e-mail copy queued after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.errors import NotFound
from egov.notifications.models import EmailState, Notification


@dataclass(frozen=True)
class Notice:
    """One notice for one person, before it is saved."""

    user: object
    topic: str
    title: str
    body: str
    url: str = ""
    object_type: str = ""
    object_id: str = ""


def _row(notice: Notice) -> Notification:
    return Notification(
        user=notice.user,
        topic=notice.topic,
        title=notice.title[:300],
        body=notice.body,
        url=notice.url[:500],
        object_type=notice.object_type,
        object_id=notice.object_id,
        email_state=EmailState.PENDING if notice.user.email else EmailState.NONE,
    )


def notify_each(notices: Iterable[Notice]) -> list[Notification]:
    """Record many notices at once (each its own text); active people with an address get theirs by mail."""
    rows = [_row(n) for n in notices if n.user.is_active]
    if not rows:
        return []
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows, batch_size=1000)
        pending = [n.pk for n in created if n.email_state == EmailState.PENDING]
        if pending:
            from egov.notifications.mail import enqueue_emails

            transaction.on_commit(lambda: enqueue_emails(pending))
    return created


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
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    return notify_each(
        Notice(user=u, topic=topic, title=title, body=body, url=url, object_type=object_type, object_id=object_id)
        for u in users
    )


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the person's notices read (or all of them when no id is given); returns how many changed.

    Read marks are the person's own bookkeeping, not a change to a record, so they are not audited.
    """
    rows = Notification.objects.filter(user=user)
    if notification_id is not None:
        if not rows.filter(pk=notification_id).exists():
            raise NotFound(_("Không tìm thấy thông báo."))
        rows = rows.filter(pk=notification_id)
    return rows.filter(read_at__isnull=True).update(read_at=timezone.now())
