"""The unread-notice count shown in the header of every page."""

from __future__ import annotations

from django.urls import reverse

from egov.notifications.models import Notification


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "notifications_url": reverse("notifications:inbox"),
        "notifications_unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
    }
