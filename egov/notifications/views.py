"""The person's inbox of notices: unread first, mark one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core.views_helpers import paginate
from egov.notifications.models import Notification
from egov.notifications.services import notification_mark_read


@login_required
def inbox(request):
    notices = Notification.objects.filter(user=request.user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-pk"
    )
    page = paginate(request, notices, per_page=50)
    return render(request, "notifications/inbox.html", {"page": page, "notices": page.object_list})


@login_required
@require_POST
def mark_read(request, pk: int):
    """Mark one notice read; with `open`, go on to the page the notice is about."""
    notification_mark_read(user=request.user, notification_id=pk)
    target = Notification.objects.filter(pk=pk, user=request.user).values_list("url", flat=True).first() or ""
    if request.POST.get("open") and target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    changed = notification_mark_read(user=request.user)
    messages.success(request, _("Đã đánh dấu %(n)d thông báo là đã đọc.") % {"n": changed})
    return redirect("notifications:inbox")
